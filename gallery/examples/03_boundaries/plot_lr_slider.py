"""
Slide the learning rate
=======================

TensorFlow Playground lets you pick the learning rate from a ladder, 0.00001 up
to 10, and watch what training does. This page has no Python behind it, so
every rung of a finer ladder (1, 2 and 5 per decade) was trained when the site
was built, **all at once in one batched sweep** (:func:`vizlab.sweep` stacks the
19 networks along a leading axis and trains them with one forward and one
backward pass per step). Moving the slider only switches between the finished
runs, so it is instant.

The network: two hidden layers of 16 ReLU units on the half-moons, plain
gradient descent, 300 steps. What to look for (lecture 004's "too low, just
right, too high"):

* **too small** (up to about 0.001): 300 steps barely move the weights; the
  boundary is where the random initialisation put it;
* **just right** (about 0.05 to 2): the boundary finds the gap between the moons;
* **too large** (5 and up): the steps overshoot; at 5 the ReLU units die (their
  input turns negative for every point, so their gradient is 0) and the
  network is stuck at a constant guess.

Above :math:`r = 2` the ladder need not be monotone. The top rungs blow up
in their first steps, and each blow-up kills ReLU units (their input turns
negative for every point, so their gradient is 0); which units outlive it is
luck, not a better rate, so a higher rung can end above a lower one. What
these runs did is printed under the three rungs below, read from their
traces. Every picture of the slider shares one pair
of axes, so the loss curves of different rungs compare by height.
"""

# %%
# The ladder, trained in one sweep
# --------------------------------
# The lesson ``lr_slider`` names every rung; :func:`vizlab.lessons.run_lesson`
# trains them in one :func:`vizlab.sweep` (the lesson is ``batched``) and
# caches them, so rebuilding the site retrains nothing.
import numpy as np

from vizlab import lessons
from vizlab.gallery import pick, quick
from vizlab.render.boundary import draw_boundary, draw_boundary_grid
from vizlab.render.static_slider import StaticSlider

lesson = lessons.get("lr_slider", quick=quick())
runs = lessons.run_lesson("lr_slider", quick=quick())
ladder = [lesson.config(run).lr for run in runs]
traces = list(runs.values())
print(lesson.stamp())

# %%
# Three rungs side by side
# ------------------------
# Too small, just right and too large, with their loss curves. The slider
# below has every rung.
rungs = [ladder.index(v) for v in (1e-4, 0.5, 5.0)]
draw_boundary_grid(
    [traces[i] for i in rungs],
    titles=[f"r = {ladder[i]:g}" for i in rungs],
    curves=True,
)

# %%
# The two top rungs, read from their traces: the first spike, the lowest
# training loss after it, the highest after that (a second spike), the units
# of the second hidden layer still active on some training point at the last
# recorded step, and the validation accuracy at the end.
for lr in (5.0, 10.0):
    t = traces[ladder.index(lr)]
    loss = np.asarray(t["scalar/loss_train"], dtype=float)
    spike = int(np.nanargmax(loss[:10]))
    low = spike + int(np.nanargmin(loss[spike:]))
    again = low + int(np.nanargmax(loss[low:]))
    line = (
        f"r = {lr:g}: training loss {loss[spike]:.1f} at step {t.steps[spike]}, "
        f"down to {loss[low]:.2f} at step {t.steps[low]}"
    )
    if again > low:
        line += f", up again to {loss[again]:.2f} at step {t.steps[again]}"
    if "embed/fc2" in t:
        alive = int((t["embed/fc2"][-1].max(axis=0) > 0).sum())
        line += f"; active units at step {t.field_steps[-1]}: {alive} of {t['embed/fc2'].shape[-1]}"
    print(f"{line}; validation accuracy {t['scalar/acc_val'][-1]:.0%}")
top = [float(traces[ladder.index(lr)]["scalar/acc_val"][-1]) for lr in (5.0, 10.0)]
print("r = 10 ends above r = 5" if top[1] > top[0] else "r = 10 ends no better than r = 5")

# %%
# One picture per run, one slider
# -------------------------------
# Each picture is the ordinary :func:`~vizlab.render.boundary.draw_boundary`
# of one finished run (its last step), with its loss curves. The label says
# what the run did, read from its trace.


def label(lr, trace):
    if trace.diverged:
        return f"r = {lr:g}: diverged at step {trace.diverged['step']}"
    loss, acc = trace["scalar/loss_train"][-1], trace["scalar/acc_val"][-1]
    return f"r = {lr:g}: train loss {loss:.2f}, val accuracy {acc:.0%}"


StaticSlider.from_traces(
    traces,
    draw_boundary,
    [label(lr, t) for lr, t in zip(ladder, traces)],
    title="Learning rate (plain gradient descent, 300 steps)",
    caption="Drag the slider: each position is a separate run trained at build time.",
    name="learning rate",
    start=ladder.index(0.1),
    dpi=pick(64, 40),
)

# %%
# The same object in Jupyter
# --------------------------
# In a notebook the cell above shows the same picture and slider (the object's
# ``_repr_html_``), and moving it still needs no kernel. Keep it in a variable,
# ``slider = StaticSlider.from_traces(...)``, and ``slider.save_html("lr.html")``
# writes it as a page of its own, to put on a course website.
