"""
SGD, momentum, RMSProp and Adam
===============================

Lectures 001 and 002 list the optimizers every framework offers. Here four of
them start from the same point on Beale's function, a long curved valley that
is flat along its floor. Each runs at its own best learning rate from one
sweep: every optimizer was run for 300 steps at :math:`r` ∈ {0.0001, 0.0003,
0.001, 0.003, 0.01, 0.03, 0.1}, and the rate with the lowest final loss (among
runs that did not diverge) was kept: SGD 0.03, momentum 0.01, RMSProp 0.03,
Adam 0.1.

* **SGD** follows the slope; on the flat floor the slope, and so its step,
  almost vanishes.
* **Momentum** keeps a running sum of past gradients, so it builds up speed
  along the valley (and overshoots at the bends).
* **RMSProp** divides each coordinate's step by the recent size of its
  gradient, so flat directions get larger steps.
* **Adam** does both.

At these rates momentum gets lowest by far, and plain SGD ends as low as Adam
and below RMSProp: lecture 002's "adaptive methods win" is not reproduced on
this surface once each method has its own best rate (the :doc:`slide claims
</claims>` page lists it, with the numbers). Adaptive methods do tolerate
larger rates: at :math:`r = 0.1` SGD diverges and Adam does not.

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
