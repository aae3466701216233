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

The top of the ladder is not monotone: :math:`r = 10` ends at 80 % validation
accuracy, above :math:`r = 5` at 55 %. Both runs blow up in their first steps
(training loss 3.4 at step 4 for :math:`r = 5`, 11.6 at step 3 for
:math:`r = 10`). At :math:`r = 5` the spike leaves 7 of the 16 units of the
second hidden layer alive and by step 30 only one; that one still brings the
training loss down to 0.08 by step 60, then a second spike (1.9 at step 63)
ends it: at step 300 all 16 are dead. At :math:`r = 10` two of them survive and
keep learning. Which units outlive a blow-up is luck, not a better rate. Every picture of the slider shares one pair
of axes, so the loss curves of different rungs compare by height.
"""

# %%
# The ladder, trained in one sweep
# --------------------------------
# The lesson ``lr_slider`` names every rung; :func:`vizlab.lessons.run_lesson`
# trains them in one :func:`vizlab.sweep` (the lesson is ``batched``) and
# caches them, so rebuilding the site retrains nothing.
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
