"""
A boundary grows: the half-moons
================================

Lecture 003's homework data: two interleaving half-moons. A network with one
hidden layer of 8 tanh units, trained with Adam. The boundary starts as the
nearly straight line of a freshly initialised network and bends, step by step,
into the gap between the moons. The right panel draws the training loss
(solid) and the validation loss (dashed) up to the step on screen. The lecture video of the half-moons
plays this same run (the lesson ``moons_boundary``).
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.boundary import draw_boundary

lesson = lessons.get("moons_boundary", quick=quick())
trace = lessons.run_lesson("moons_boundary", quick=quick())["net"]
draw_boundary(trace)
print(lesson.stamp())

# %%
# The recorded run, played back. The decision field was computed at
# log-spaced steps during training, so the early steps get more frames.
video(
    draw_boundary(trace, 0),
    "moons_boundary",
    timeline=lesson.timeline_for(trace),
    caption=lesson.stamp(),
)

# %%
# The config that made this run, as code you can paste into a notebook:
print(lesson.config("net").to_code())
