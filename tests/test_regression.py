"""Regression: plane, multi_gaussian and the 1-D sine, squared error, R^2 against its closed form."""

import numpy as np
import pytest

import vizlab
from vizlab import ConfigError, RunConfig
from vizlab.core.data import multi_gaussian_target, noise_scale

REG = dict(task="regression", loss="mse")
SMALL = dict(steps=40, grid=11, frames=3, n_points=80, device="cpu", dtype="float64")


def test_targets_without_noise_are_the_formulas():
    d = vizlab.make_dataset(RunConfig(dataset="plane", noise=0.0, **REG))
    raw = d.X_train * d.std + d.mean
    np.testing.assert_allclose(d.y_train, raw.sum(1) / 2, atol=1e-12)
    assert np.all(np.abs(raw) <= 1)
    d = vizlab.make_dataset(RunConfig(dataset="sine", noise=0.0, **REG))
    raw = d.X_train * d.std + d.mean
    assert d.X_train.shape[1] == 1
    np.testing.assert_allclose(d.y_train, np.sin(2 * raw[:, 0]), atol=1e-12)
    d = vizlab.make_dataset(RunConfig(dataset="multi_gaussian", noise=0.0, **REG))
    raw = d.X_train * d.std + d.mean
    np.testing.assert_allclose(d.y_train, multi_gaussian_target(raw), atol=1e-12)
    # at a bump's centre the target is its sign
    np.testing.assert_allclose(
        multi_gaussian_target(np.array([[-2 / 3, 0.4], [0.0, 0.4]])), [1, -1]
    )


def test_noise_is_on_one_scale():
    # the residual spread of a regression target is noise * amplitude (1)
    d = vizlab.make_dataset(RunConfig(dataset="sine", noise=0.3, n_points=4000, **REG))
    raw = d.X_train * d.std + d.mean
    assert abs(np.std(d.y_train - np.sin(2 * raw[:, 0])) - 0.3) < 0.02
    # classes: the jitter is measured against the gap between neighbouring classes
    assert noise_scale("xor") == 1.0
    assert noise_scale("circles") == 0.5
    np.testing.assert_allclose(noise_scale("spiral", 3), 1 / (1.75 * 3))
    np.testing.assert_allclose(noise_scale("gaussians", 2), 2 * np.sqrt(2))


def test_bad_combinations_name_themselves():
    with pytest.raises(ConfigError, match="classification loss"):
        RunConfig(dataset="plane", task="regression", loss="bce")
    with pytest.raises(ConfigError, match="classification loss"):
        RunConfig(dataset="plane", task="regression", loss="cross_entropy")
    with pytest.raises(ConfigError, match="needs a regression dataset"):
        RunConfig(dataset="moons", **REG)
    with pytest.raises(ConfigError, match="set task='regression'"):
        RunConfig(dataset="sine")
    with pytest.raises(ConfigError, match="n_classes applies to classification"):
        RunConfig(dataset="plane", n_classes=3, **REG)
    with pytest.raises(ConfigError, match="task must be one of"):
        RunConfig(task="ranking")


@pytest.mark.parametrize("dataset", ["plane", "multi_gaussian", "sine"])
def test_loss_and_r2_equal_their_closed_forms(dataset):
    tr = vizlab.train(RunConfig(dataset=dataset, hidden=(4,), lr=0.05, **REG, **SMALL))
    assert "scalar/acc_val" not in tr.arrays
    for row in (0, len(tr) - 1):

        def f(X, row=row):
            h = np.tanh(X @ tr["param/fc1.weight"][row].T + tr["param/fc1.bias"][row])
            return (h @ tr["param/fc2.weight"][row].T + tr["param/fc2.bias"][row])[:, 0]

        for split in ("train", "val"):
            X, t = tr[f"data/X_{split}"], tr[f"data/y_{split}"]
            err = t - f(X)
            np.testing.assert_allclose(tr[f"scalar/loss_{split}"][row], np.mean(err**2), rtol=1e-10)
            r2 = 1 - np.sum(err**2) / np.sum((t - t.mean()) ** 2)
            np.testing.assert_allclose(tr[f"scalar/r2_{split}"][row], r2, rtol=1e-10)
    # the field is the predicted value itself, on a line for the 1-D sine
    H = 1 if dataset == "sine" else 11
    assert tr["field/output"].shape == (3, H, 11)


def test_the_field_is_the_network_output():
    tr = vizlab.train(RunConfig(dataset="plane", hidden=(3,), **REG, **SMALL))
    row = tr["grid/steps"][-1]
    gx, gy = np.meshgrid(tr["grid/x"], tr["grid/y"])
    h = np.tanh(np.stack([gx, gy], -1) @ tr["param/fc1.weight"][row].T + tr["param/fc1.bias"][row])
    f = (h @ tr["param/fc2.weight"][row].T + tr["param/fc2.bias"][row])[..., 0]
    np.testing.assert_allclose(tr["field/output"][-1], f, rtol=1e-5, atol=1e-6)


def test_sweep_equals_train_for_regression():
    base = RunConfig(dataset="sine", hidden=(4,), **REG, **SMALL)
    configs = [base.replace(lr=lr) for lr in (0.01, 0.1)]
    for c, t in zip(configs, vizlab.sweep(configs)):
        one = vizlab.train(c)
        for k in one.keys():
            np.testing.assert_allclose(t[k], one[k], rtol=1e-9, atol=1e-9, err_msg=k)


def test_draw_regression_1d_fit_is_the_sum_of_its_pieces():
    import matplotlib

    matplotlib.use("Agg")
    from vizlab.render.regression import draw_regression

    tr = vizlab.train(RunConfig(dataset="sine", hidden=(5,), lr=0.05, **REG, **SMALL))
    disp = draw_regression(tr, -1)
    row = tr["grid/steps"][-1]
    x = tr["grid/x"][:, None]
    h = np.tanh(x @ tr["param/fc1.weight"][row].T + tr["param/fc1.bias"][row])  # (W, 5)
    w2, b2 = tr["param/fc2.weight"][row][0], tr["param/fc2.bias"][row][0]
    np.testing.assert_allclose(disp.artists["fit"].get_ydata(), h @ w2 + b2, rtol=1e-5, atol=1e-6)
    for j, line in enumerate(disp.artists["pieces"]):
        np.testing.assert_allclose(line.get_ydata(), w2[j] * h[:, j], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(disp.artists["bias"].get_ydata(), [b2, b2], rtol=1e-6)


def test_draw_regression_2d_is_the_value_map():
    import matplotlib

    matplotlib.use("Agg")
    from vizlab.render.boundary import draw_boundary
    from vizlab.render.regression import draw_regression

    tr = vizlab.train(RunConfig(dataset="multi_gaussian", hidden=(4,), **REG, **SMALL))
    disp = draw_regression(tr, -1)
    np.testing.assert_array_equal(disp.artists["image"].get_array(), tr["field/output"][-1])
    lo, hi = disp.artists["image"].get_clim()
    assert lo == -hi  # zero is white
    with pytest.raises(ValueError, match="regression trace has no classes"):
        draw_boundary(tr)
