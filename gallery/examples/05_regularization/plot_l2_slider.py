"""
Slide the L2 strength
=====================

Lecture 003's weight regularization adds :math:`\\lambda \\sum W_{ij}^2` to the
loss, pulling every weight towards 0. Here a network with far more capacity
than its 100 training points (two layers of 16 ReLU units, noisy half-moons,
half the points held out) is trained for every :math:`\\lambda` on a ladder,
in one batched sweep at build time. The slider switches between the finished
runs:

* :math:`\\lambda = 0`: the boundary curls around single training points;
  training loss near 0, validation loss high (overfitting);
* :math:`\\lambda` around 0.003 to 0.01: a smooth boundary, validation loss at
  its lowest;
* :math:`\\lambda` of 0.1 and more: the penalty wins, every weight is pushed
  to 0 and the network predicts the same for every point (underfitting).
"""

# %%
from vizlab import lessons
from vizlab.gallery import pick, quick
from vizlab.render.boundary import draw_boundary, draw_boundary_grid
from vizlab.render.static_slider import StaticSlider

# The regularization testbed (vizlab.presets.OVERFIT_MOONS): noisy moons, half
# held out, a net that overfits; the lesson names one run per strength and
# trains them in one batched sweep.
lesson = lessons.get("l2_slider", quick=quick())
runs = lessons.run_lesson("l2_slider", quick=quick())
strengths = [lesson.config(run).l2 for run in runs]
traces = list(runs.values())
print(lesson.stamp())

# %%
# No penalty, a moderate one and a strong one, side by side:
picks = [strengths.index(v) for v in (0.0, 0.003, 0.2)]
draw_boundary_grid(
    [traces[i] for i in picks], titles=[f"λ = {strengths[i]:g}" for i in picks], curves=True
)

# %%
# Every strength on the ladder, one slider:


def label(lam, trace):
    train, val = trace["scalar/loss_train"][-1], trace["scalar/loss_val"][-1]
    return f"λ = {lam:g}: train loss {train:.2f}, val loss {val:.2f}"


StaticSlider.from_traces(
    traces,
    draw_boundary,
    [label(lam, t) for lam, t in zip(strengths, traces)],
    title="L2 strength λ (Adam, 1500 steps)",
    caption="Drag the slider: each position is a separate run trained at build time.",
    name="L2 strength λ",
    start=0,
    dpi=pick(64, 40),
)
