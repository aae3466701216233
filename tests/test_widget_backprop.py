"""The BackpropStepper without a browser: each control changes the explained step and the numbers drawn.

Oracle: :func:`vizlab.explain_step` on the same step, example and weight
(itself checked against torch autograd in test_explain.py), and a fresh
:func:`draw_backprop` figure of the same choice (pixels).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import vizlab

pytest.importorskip("ipywidgets")

from vizlab.render.backprop import draw_backprop  # noqa: E402
from vizlab.widgets import BackpropStepper  # noqa: E402


@pytest.fixture(scope="module")
def run():
    c = vizlab.RunConfig(
        dataset="xor",
        n_points=60,
        hidden=(2,),
        activation="sigmoid",
        lr=3.0,
        steps=8,
        batch_size=12,
        frames=0,
        dtype="float64",
    )
    return vizlab.train(c)


def drawn(text) -> float:
    return float(text.get_text().split("=")[-1])


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def test_controls_change_the_explained_step(run):
    w = BackpropStepper(run)
    try:
        assert w.step.max == len(run) - 2  # the final state has no update
        labels = [label for label, _ in w.weight.options]
        assert labels[:4] == ["w x1 → h1_1", "w x2 → h1_1", "w x1 → h1_2", "w x2 → h1_2"]
        assert "b of ŷ" in labels
        w.step.value = 5
        w.example.value = 3
        w.weight.value = ("fc2.weight", (0, 1))
        assert w.wait()
        d = w.display
        e = vizlab.explain_step(run, int(run.steps[5]), 3)
        assert d.explanation.step == e.step and d.explanation.example == 3
        for layer, texts in enumerate(d.artists["edge_text"], start=1):
            assert [drawn(t) for t in texts] == pytest.approx(
                e.grads[f"fc{layer}.weight"].T.ravel(), rel=5e-3
            )
        c = e.chain("fc2.weight", (0, 1))
        assert d.chain.total == c.total
        assert d.artists["chain_head"].get_text() == "Chain rule for the weight h1_2 → ŷ"
        assert "step 5" in w.label.value
        code = w.code()
        assert "explain_step(trace, 5, 3)" in code and "('fc2.weight', (0, 1))" in code
        # the widget writes what a fresh draw_backprop of the same choice writes
        fresh = draw_backprop(run, 5, 3, ("fc2.weight", (0, 1)))

        def texts(fig):
            return sorted(t.get_text() for ax in fig.axes for t in ax.texts if t.get_text())

        assert texts(w.display.fig) == texts(fresh.fig)
        assert pixels(w.image.value).shape == (518, 921, 3)
        w.example.value = -1  # the whole batch: the recorded gradients
        assert w.wait()
        g = run["grad/fc1.weight"][5]
        assert [drawn(t) for t in w.display.artists["edge_text"][0]] == pytest.approx(
            g.T.ravel(), rel=5e-3
        )
    finally:
        w.close()


def test_default_opens_on_the_lesson_run(tmp_path, monkeypatch):
    monkeypatch.setenv("VIZLAB_CACHE_DIR", str(tmp_path))
    from vizlab import lessons

    w = BackpropStepper(quick=True)
    try:
        mlp = lessons.run_lesson("backprop_xor", quick=True)["mlp"]
        assert np.array_equal(w.trace["param/fc1.weight"], mlp["param/fc1.weight"])
        assert lessons.get("backprop_xor").stamp("mlp") in [
            t.get_text() for t in w.display.fig.texts
        ]
    finally:
        w.close()
