"""Input features: the numpy feature map, configs that name features, and runs on them."""

import numpy as np
import pytest

import vizlab
from vizlab import ConfigError, RunConfig
from vizlab.features import FEATURES, expand

SMALL = dict(steps=40, grid=9, frames=3, n_points=60, device="cpu", dtype="float64")


def test_expand_equals_the_numpy_formulas():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 2))
    x1, x2 = X[:, 0], X[:, 1]
    want = np.stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)], 1)
    np.testing.assert_array_equal(expand(X, FEATURES), want)
    np.testing.assert_array_equal(expand(X, ("sin_x2", "x1")), want[:, [6, 0]])
    # any leading shape, e.g. a grid (H, W, 2)
    G = rng.normal(size=(3, 4, 2))
    assert expand(G, ("x1x2",)).shape == (3, 4, 1)
    np.testing.assert_array_equal(expand(G, ("x1x2",))[..., 0], G[..., 0] * G[..., 1])


def test_expand_refuses_what_it_cannot_compute():
    with pytest.raises(ValueError, match="no x2"):
        expand(np.zeros((3, 1)), ("x1", "x2^2"))
    with pytest.raises(ValueError, match="unknown feature"):
        expand(np.zeros((3, 2)), ("x3",))
    with pytest.raises(ValueError, match="1 or 2 columns"):
        expand(np.zeros((3, 3)), ("x1",))


def test_features_in_the_config():
    c = RunConfig(features=["x1^2", "x2^2"])
    assert c.features == ("x1^2", "x2^2")
    assert RunConfig.from_json(c.to_json()) == c
    assert "features=('x1^2', 'x2^2')" in c.to_code()
    assert "features" not in RunConfig().to_code()
    # the 1-D sine has only x1: its default features follow
    sine = RunConfig(dataset="sine", task="regression", loss="mse")
    assert sine.features == ("x1",) and sine.n_inputs == 1
    for bad, match in [
        (dict(features=("x1", "x3")), "feature must be one of"),
        (dict(features=("x1", "x1")), "twice"),
        (dict(features=()), "at least one"),
        (dict(features=5), "list of names"),
        (dict(dataset="sine", task="regression", loss="mse", features=("x1", "x2^2")), "one input"),
    ]:
        with pytest.raises(ConfigError, match=match):
            RunConfig(**bad)


def _numpy_forward(trace, row, X, activation=np.tanh):
    n = len(trace.header["layers"])
    h = X
    for i in range(1, n + 1):
        z = h @ trace[f"param/fc{i}.weight"][row].T + trace[f"param/fc{i}.bias"][row]
        h = activation(z) if i < n else z
    return z


def test_first_layer_sees_the_features_and_fields_use_them():
    fs = ("x1", "x1x2", "sin_x2")
    tr = vizlab.train(RunConfig(dataset="xor", hidden=(3,), features=fs, **SMALL))
    assert tr["param/fc1.weight"].shape[1:] == (3, 3)
    # the recorded training loss is the loss of the network on the expanded inputs
    logits = _numpy_forward(tr, 0, expand(tr["data/X_train"], fs))[:, 0]
    y = tr["data/y_train"]
    bce = np.mean(np.logaddexp(0, logits) - y * logits)
    np.testing.assert_allclose(tr["scalar/loss_train"][0], bce, rtol=1e-10)
    # the decision field at the last field step is the same network on the expanded grid
    gx, gy = np.meshgrid(tr["grid/x"], tr["grid/y"])
    row = tr["grid/steps"][-1]
    z = _numpy_forward(tr, row, expand(np.stack([gx, gy], -1), fs))[..., 0]
    np.testing.assert_allclose(tr["field/output"][-1], 1 / (1 + np.exp(-z)), rtol=1e-5, atol=1e-6)
    # hidden-unit maps too
    h = np.tanh(
        expand(np.stack([gx, gy], -1), fs) @ tr["param/fc1.weight"][row].T
        + tr["param/fc1.bias"][row]
    )
    np.testing.assert_allclose(tr["act/fc1"][-1], np.moveaxis(h, -1, 0), rtol=1e-5, atol=1e-6)


def test_squares_let_a_model_without_hidden_layer_separate_circles():
    common = dict(
        dataset="circles", hidden=(), optimizer="adam", lr=0.1, steps=300, frames=0, device="cpu"
    )
    raw = vizlab.train(RunConfig(**common))
    squares = vizlab.train(RunConfig(features=("x1^2", "x2^2"), **common))
    assert squares["scalar/acc_val"][-1] >= 0.95
    assert raw["scalar/acc_val"][-1] <= 0.8


def test_network_graph_links_are_the_recorded_weights():
    import re

    from vizlab.render.netgraph import graph_svg, node_pictures

    fs = ("x1", "x2", "x1^2")
    tr = vizlab.train(RunConfig(dataset="circles", hidden=(3, 2), features=fs, **SMALL))
    svg = graph_svg(tr, 5)
    links = re.findall(r'<line class="link" data-w="([^"]+)"[^>]*><title>fc(\d)\[(\d), (\d)\]', svg)
    assert len(links) == 3 * 3 + 2 * 3 + 1 * 2  # every weight, once
    for value, layer, out, inp in links:
        w = tr[f"param/fc{layer}.weight"][5][int(out), int(inp)]
        assert float(value) == pytest.approx(float(w), rel=1e-5, abs=1e-12)
    # positive weights blue, negative orange
    from vizlab.render import style

    for m in re.finditer(r'data-w="([^"]+)"[^>]*stroke="([^"]+)"', svg):
        assert m.group(2) == (style.BLUE if float(m.group(1)) >= 0 else style.ORANGE)
    pics = node_pictures(tr, 5)
    assert [len(layer) for layer in pics] == [3, 3, 2, 1]
    assert svg.count('class="node"') == 9
    # the x1^2 thumbnail: white (x1^2 = 0) in the middle column, bluer (less red) at the edges
    red = pics[0][2][..., 0].astype(int)
    middle = np.argmin(np.abs(tr["grid/x"]))
    assert red[:, middle].min() > 240
    assert red[:, 0].max() < red[:, middle].min() and red[:, -1].max() < red[:, middle].min()
