"""
Activation functions and their slopes
=====================================

Lectures 000, 002 and 004 list the same nonlinearities: sigmoid, tanh, ReLU,
leaky ReLU and ELU. Backpropagation multiplies by the slope :math:`g'(z)` at
every layer, so where a function is flat (grey) the gradient vanishes:

* sigmoid's slope is at most 0.25 and nearly 0 beyond :math:`|z| > 5`;
* tanh is steeper at 0 (slope 1) but just as flat far out;
* ReLU has slope 1 for every positive input and 0 for every negative one: a
  unit whose input is negative for every example is "dead";
* leaky ReLU and ELU keep a small slope for negative inputs.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.activations import draw_activations
from vizlab.render.boundary import draw_boundary_grid

draw_activations()

# %%
# The same network with each activation
# -------------------------------------
# A 2-4-1 network on the circles data, trained once per activation with Adam
# (the lesson ``activations``; the lecture video on activation functions plays
# these three runs and shows each hidden unit's map). With four units each
# network must close a curve around the inner class; the loss curves under
# each boundary show how fast each activation gets there.
lesson = lessons.get("activations", quick=quick())
runs = lessons.run_lesson("activations", quick=quick())
traces = list(runs.values())
titles = [f"{name}: 4 hidden units" for name in runs]
draw_boundary_grid(traces, titles=titles, curves=True)
print(lesson.stamp())

# %%
video(
    draw_boundary_grid(traces, 0, titles=titles, curves=True),
    "activations_circles",
    timeline=lesson.timeline_for(traces[0]),
    caption=lesson.stamp(),
)
