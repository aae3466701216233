"""k classes: softmax cross-entropy, k-arm spirals and k blobs, per-class fields, ConfigErrors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import vizlab
from vizlab import ConfigError, RunConfig
from vizlab.core import model

K3 = dict(dataset="spiral", n_classes=3, loss="cross_entropy")
SMALL = dict(steps=30, grid=9, frames=3, n_points=90, device="cpu", dtype="float64")


@pytest.mark.parametrize("k", [2, 3, 5])
def test_softmax_cross_entropy_equals_torch(k):
    g = torch.Generator().manual_seed(k)
    logits = torch.randn((4, 11, k), generator=g, dtype=torch.float64) * 3
    y = torch.randint(0, k, (4, 11), generator=g)
    ours = model.data_loss(logits, y, "cross_entropy")
    want = torch.stack([F.cross_entropy(logits[m], y[m]) for m in range(4)])
    torch.testing.assert_close(ours, want, rtol=1e-12, atol=1e-12)
    probs = model.probabilities(logits)
    torch.testing.assert_close(probs, torch.softmax(logits, -1))
    acc = model.score(logits, y, "cross_entropy")
    torch.testing.assert_close(acc, (logits.argmax(-1) == y).double().mean(-1))


def test_bad_combinations_name_themselves():
    for dataset in ("xor", "moons", "circles"):
        with pytest.raises(ConfigError, match=f"dataset '{dataset}' has two classes"):
            RunConfig(dataset=dataset, n_classes=3, loss="cross_entropy")
    for loss in ("bce", "mse"):
        with pytest.raises(ConfigError, match=f"loss '{loss}' has one output"):
            RunConfig(dataset="gaussians", n_classes=3, loss=loss)
    with pytest.raises(ConfigError, match="n_classes must be between 2 and 10"):
        RunConfig(dataset="gaussians", n_classes=11, loss="cross_entropy")
    assert RunConfig(**K3).n_outputs == 3
    assert RunConfig().n_outputs == 1
    assert RunConfig(loss="cross_entropy").n_outputs == 2


def test_k_arm_spiral_and_k_blobs():
    data = vizlab.make_dataset(RunConfig(**K3, noise=0.0, n_points=600))
    raw = data.X_train * data.std + data.mean
    y = data.y_train
    assert set(np.unique(y)) == {0, 1, 2}
    # noise-free arm c: the point at radius r sits at angle 1.75 * 2 pi r + 2 pi c / 3
    r = np.hypot(raw[:, 0], raw[:, 1])
    angle = 1.75 * 2 * np.pi * r + 2 * np.pi * y / 3
    np.testing.assert_allclose(
        raw, r[:, None] * np.stack([np.cos(angle), np.sin(angle)], 1), atol=1e-9
    )
    blobs = vizlab.make_dataset(
        RunConfig(dataset="gaussians", n_classes=4, loss="cross_entropy", noise=0.0)
    )
    raw = blobs.X_train * blobs.std + blobs.mean
    for c in range(4):
        a = 1.25 * np.pi + 2 * np.pi * c / 4
        np.testing.assert_allclose(
            raw[blobs.y_train == c],
            np.sqrt(2) * np.array([[np.cos(a), np.sin(a)]]).repeat((blobs.y_train == c).sum(), 0),
            atol=1e-9,
        )


def test_two_blobs_keep_their_place():
    # k = 2 blobs are where they always were: class 0 at (-1, -1), class 1 at (1, 1)
    d = vizlab.make_dataset(RunConfig(dataset="gaussians", noise=0.0))
    raw = d.X_train * d.std + d.mean
    np.testing.assert_allclose(raw[d.y_train == 1], 1.0, atol=1e-9)
    np.testing.assert_allclose(raw[d.y_train == 0], -1.0, atol=1e-9)


def test_per_class_fields_and_accuracy_match_a_numpy_forward():
    tr = vizlab.train(
        RunConfig(**K3, hidden=(5,), activation="relu", optimizer="adam", lr=0.05, **SMALL)
    )
    assert tr["param/fc2.weight"].shape[1:] == (3, 5)
    assert "field/output" not in tr.arrays
    fields = np.stack([tr[f"field/class{c}"] for c in range(3)], 1)
    np.testing.assert_allclose(fields.sum(1), 1.0, atol=1e-5)
    row = tr["grid/steps"][-1]

    def forward(X):
        h = np.maximum(X @ tr["param/fc1.weight"][row].T + tr["param/fc1.bias"][row], 0)
        return h @ tr["param/fc2.weight"][row].T + tr["param/fc2.bias"][row]

    gx, gy = np.meshgrid(tr["grid/x"], tr["grid/y"])
    z = forward(np.stack([gx, gy], -1))
    p = np.exp(z - z.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    np.testing.assert_allclose(fields[-1], np.moveaxis(p, -1, 0), rtol=1e-5, atol=1e-6)
    acc = np.mean(forward(tr["data/X_val"]).argmax(-1) == tr["data/y_val"])
    np.testing.assert_allclose(tr["scalar/acc_val"][row], acc)


def test_sweep_equals_train_for_three_classes():
    base = RunConfig(**K3, hidden=(4,), activation="tanh", **SMALL)
    configs = [base.replace(lr=lr, seed=s) for lr in (0.05, 0.5) for s in (0, 1)]
    for c, t in zip(configs, vizlab.sweep(configs)):
        one = vizlab.train(c)
        assert t.keys() == one.keys()
        for k in one.keys():
            np.testing.assert_allclose(t[k], one[k], rtol=1e-9, atol=1e-9, err_msg=k)


def test_field_rgb_colours_the_winner_lighter_when_unsure():
    from matplotlib.colors import to_rgb

    from vizlab.render import style
    from vizlab.render.multiclass import field_rgb, region_margins

    probs = np.array([[[1.0, 1 / 3, 0.6]], [[0.0, 1 / 3, 0.3]], [[0.0, 1 / 3, 0.1]]])  # K=3, 1x3
    rgb = field_rgb(probs)
    np.testing.assert_allclose(rgb[0, 0], to_rgb(style.ORANGE))  # certain: the class colour
    np.testing.assert_allclose(rgb[0, 1], 1.0)  # all equal: white
    c = (0.6 - 1 / 3) / (1 - 1 / 3)
    np.testing.assert_allclose(rgb[0, 2], 1 + c * (np.array(to_rgb(style.ORANGE)) - 1))
    np.testing.assert_allclose(region_margins(probs)[:, 0, 2], [0.3, -0.3, -0.5])
    assert style.class_color(2) not in (style.ORANGE, style.BLUE)


def test_draw_boundary_shows_k_regions_of_the_recorded_fields():
    import matplotlib

    matplotlib.use("Agg")
    from vizlab.render.boundary import draw_boundary
    from vizlab.render.multiclass import class_probs, field_rgb

    tr = vizlab.train(RunConfig(**K3, hidden=(8,), optimizer="adam", lr=0.05, **SMALL))
    disp = draw_boundary(tr, -1)
    shown = disp.artists["image"].get_array()
    np.testing.assert_allclose(shown, field_rgb(class_probs(tr, tr.field_row(len(tr) - 1))))
    assert len(disp.artists["boundary"].get_segments()) > 0
    disp.update(0)
    np.testing.assert_allclose(
        disp.artists["image"].get_array(), field_rgb(class_probs(tr, tr.field_row(0)))
    )


def test_hidden_unit_maps_show_the_k_class_output():
    import matplotlib

    matplotlib.use("Agg")
    from vizlab.render.activations import draw_hidden_units
    from vizlab.render.multiclass import class_probs, field_rgb

    tr = vizlab.train(RunConfig(**K3, hidden=(4,), **SMALL))
    disp = draw_hidden_units(tr, -1)
    np.testing.assert_allclose(
        disp.artists["output"].get_array(), field_rgb(class_probs(tr, tr.field_row(len(tr) - 1)))
    )
    np.testing.assert_array_equal(disp.artists["units"][1][0].get_array(), tr["act/fc1"][-1][0])


def test_loss_gradients_equal_the_closed_forms():
    g = vizlab.loss_gradients(-6.0, 6.0, 25, label=1)
    z, s = g["curve/z"], 1 / (1 + np.exp(-g["curve/z"]))
    np.testing.assert_allclose(g["curve/p"], s)
    np.testing.assert_allclose(g["curve/grad_bce"], s - 1, atol=1e-12)
    np.testing.assert_allclose(g["curve/grad_mse"], 2 * (s - 1) * s * (1 - s), atol=1e-12)
    np.testing.assert_allclose(g["curve/loss_bce"], np.log1p(np.exp(-z)), atol=1e-12)
    g0 = vizlab.loss_gradients(-6.0, 6.0, 25, label=0)
    np.testing.assert_allclose(g0["curve/grad_bce"], s, atol=1e-12)
    with pytest.raises(ValueError, match="label must be 0 or 1"):
        vizlab.loss_gradients(label=2)
