"""
SGD, momentum, RMSProp and Adam
===============================

Lectures 001 and 002 list the optimizers every framework offers. Here four of
them start from the same point on Beale's function, a long curved valley that
is flat along its floor, each with a learning rate that suits it:

* **SGD** follows the slope; on the flat floor the slope, and so its step,
  almost vanishes.
* **Momentum** keeps a running sum of past gradients, so it builds up speed
  along the valley (and overshoots at the bends).
* **RMSProp** divides each coordinate's step by the recent size of its
  gradient, so flat directions get larger steps.
* **Adam** does both.

The right panel is the loss against the step on a log scale. The lecture
video of the race plays these same four runs (the lesson ``optimizer_race``).
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.descent import RACE_EXTENT, draw_optimizer_race

lesson = lessons.get("optimizer_race", quick=quick())
traces = list(lessons.run_lesson("optimizer_race", quick=quick()).values())
draw_optimizer_race(traces, extent=RACE_EXTENT)
print(lesson.stamp())

# %%
video(
    draw_optimizer_race(traces, 0, extent=RACE_EXTENT),
    "optimizer_race",
    timeline=lesson.timeline_for(max(traces, key=len)),
    caption=lesson.stamp(),
)
