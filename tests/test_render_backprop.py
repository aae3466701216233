"""Backprop and depth pictures at the data level: the numbers drawn are the explanation's.

Oracles: :func:`vizlab.explain_step` on the same step (itself checked against
torch in test_explain.py) and the trace's recorded ``norm/grad.fc*``.
"""

from __future__ import annotations

import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

import vizlab
from vizlab.render.backprop import animate_backprop, draw_backprop, fmt
from vizlab.render.depth import draw_gradient_depth


@pytest.fixture(scope="module")
def xor():
    c = vizlab.RunConfig(
        dataset="xor",
        hidden=(2,),
        activation="sigmoid",
        lr=3.0,
        steps=12,
        frames=0,
        dtype="float64",
    )
    return vizlab.train(c)


def drawn(text) -> float:
    return float(text.get_text().split("=")[-1])


def close(shown: float, value: float) -> bool:
    # three significant digits are written
    return abs(shown - value) <= 5e-3 * abs(value) + 1e-12


@pytest.mark.parametrize("example", [None, 3])
def test_numbers_drawn_are_the_explanations(xor, example):
    d = draw_backprop(xor, 4, example=example, weight=("fc1.weight", (1, 0)))
    e = vizlab.explain_step(xor, int(xor.steps[4]), example)
    values = [e.node("x").value, e.node("h1").value, e.node("yhat").value]
    expect = np.concatenate([v.mean(0) for v in values])
    assert len(d.artists["value_text"]) == len(expect) == 5
    for t, v in zip(d.artists["value_text"], expect):
        assert close(drawn(t), v), (t.get_text(), v)
    for layer, texts in enumerate(d.artists["edge_text"], start=1):
        g = e.grads[f"fc{layer}.weight"]
        assert [drawn(t) for t in texts] == pytest.approx(g.T.ravel(), rel=5e-3, abs=1e-12)
    for layer, texts in enumerate(d.artists["grad_text"], start=1):
        assert [drawn(t) for t in texts] == pytest.approx(e.node(f"z{layer}").grad.sum(0), rel=5e-3)
    if example is None:  # the batch's edges carry the recorded gradients
        for layer, texts in enumerate(d.artists["edge_text"], start=1):
            rec = xor[f"grad/fc{layer}.weight"][4]
            assert [drawn(t) for t in texts] == pytest.approx(rec.T.ravel(), rel=5e-3)
    plt.close(d.fig)


def test_chain_rule_rows_and_finite_difference(xor):
    d = draw_backprop(xor, 2, example=1, weight=("fc1.weight", (0, 1)))
    e = vizlab.explain_step(xor, int(xor.steps[2]), 1)
    c = e.chain("fc1.weight", (0, 1))
    rows = [(s.get_text(), v.get_text()) for s, v in d.artists["chain_rows"] if s.get_text()]
    assert d.artists["chain_head"].get_text() == "Chain rule for the weight x2 → h1_1"
    assert [r[0] for r in rows[: len(c.factors)]] == [f.symbol for f in c.factors]
    for (_, shown), f in zip(rows, c.factors):
        assert close(float(shown), f.value[0])
    table = dict(rows)
    assert close(float(table["product"]), c.product)
    assert close(float(table["∂J/∂w by the chain rule"]), e.grads["fc1.weight"][0, 1])
    fd = e.numeric_grad("fc1.weight", (0, 1))
    assert close(float(table["finite difference (eps 1e-6)"]), fd)
    assert d.numeric == fd
    old, new = table["w - r·∂J/∂w (batch), r = 3.00"].split(" → ")
    # the step's real update: the batch gradient, i.e. the next recorded weight
    assert close(float(new), xor["param/fc1.weight"][3][0, 1])
    assert close(float(old), xor["param/fc1.weight"][2][0, 1])
    plt.close(d.fig)


def test_update_moves_every_number_and_final_row_shows_last_step(xor):
    d = draw_backprop(xor, 0)
    d.update(len(xor) - 1)  # the final state takes no step
    assert d.explanation.step == int(xor.steps[-2])
    assert "takes no step" in d.artists["title"].get_text()
    g = xor["grad/fc2.weight"][-2]
    assert [drawn(t) for t in d.artists["edge_text"][1]] == pytest.approx(g.T.ravel(), rel=5e-3)
    plt.close(d.fig)


def test_animation_sweeps_forward_then_backward_then_updates(xor, tmp_path):
    anim = animate_backprop(xor, 0, example=0, hold=1)
    d, stages = anim.vizlab_display, anim.vizlab_stages
    phases = [p for p, _ in stages]
    assert phases == ["forward"] * 3 + ["backward"] * 2 + ["update"]
    assert [k for p, k in stages if p == "forward"] == [0, 1, 2]
    assert [k for p, k in stages if p == "backward"] == [2, 1]
    d.show_phase("forward", 1)
    vis = [t.get_visible() for t in d.artists["value_text"]]
    assert vis == [True, True, True, True, False]  # inputs and hidden layer, not the output yet
    assert not any(t.get_visible() for t in d.artists["edge_text"][0] + d.artists["edge_text"][1])
    d.show_phase("backward", 2)
    assert all(t.get_visible() for t in d.artists["edge_text"][1])
    assert not any(t.get_visible() for t in d.artists["edge_text"][0])
    d.show_phase("update")
    assert all(t.get_visible() for t in d.artists["edge_text"][0])
    with pytest.raises(ValueError, match="phase must be one of"):
        d.show_phase("sideways")
    anim.save(tmp_path / "step.gif", writer="pillow", dpi=20)
    from PIL import Image

    assert Image.open(tmp_path / "step.gif").n_frames >= 6  # one per stage at least
    plt.close(d.fig)


def test_depth_meter_holds_the_recorded_norms():
    c = vizlab.RunConfig(hidden=(4, 4, 4), activation="sigmoid", steps=20, frames=0)
    t = vizlab.train(c)
    d = draw_gradient_depth(t, 5)
    for i, line in enumerate(d.artists["lines"], start=1):
        np.testing.assert_array_equal(line.get_ydata(), t[f"norm/grad.fc{i}"])
        np.testing.assert_array_equal(line.get_xdata(), np.maximum(t.steps, 1))
    heights = [b.get_height() for b in d.artists["bars"]]
    assert heights == pytest.approx([t[f"norm/grad.fc{i}"][5] for i in range(1, 5)], rel=1e-6)
    assert d.artists["bars"][0].axes.get_yscale() == "log"
    assert d.artists["lines"][0].axes.get_yscale() == "log"
    d.update(len(t) - 1)  # final row: no gradient, the last step's bars stay
    assert [b.get_height() for b in d.artists["bars"]] == pytest.approx(
        [t[f"norm/grad.fc{i}"][-2] for i in range(1, 5)], rel=1e-6
    )
    plt.close(d.fig)


def test_bad_traces_are_refused(xor):
    with pytest.raises(ValueError, match="no gradients"):
        draw_backprop(
            vizlab.Trace(
                {"scalar/step": np.arange(2)}, {"schema": xor.header["schema"], "events": []}
            )
        )
    with pytest.raises(ValueError, match="no per-layer gradient norms"):
        draw_gradient_depth(
            vizlab.Trace(
                {"scalar/step": np.arange(2)}, {"schema": xor.header["schema"], "events": []}
            )
        )


def test_format_keeps_three_significant_digits():
    assert [fmt(v) for v in (0.00247262, -404.43, 2.0, -6.0, 1.2e-17, 3.4e-7)] == [
        "0.00247",
        "-404",
        "2.00",
        "-6.00",
        "0",
        "3.40e-07",
    ]


def test_renderers_import_neither_torch_nor_the_core():
    code = (
        "import sys; import vizlab.render.backprop, vizlab.render.depth; "
        "print([m for m in sys.modules if m == 'torch' or m.startswith('vizlab.core')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
