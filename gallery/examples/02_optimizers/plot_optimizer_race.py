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

The right panel is the loss against the step on a log scale.
"""

# %%
from vizlab.cache import cached_descend
from vizlab.gallery import pick, video
from vizlab.render.descent import RACE_EXTENT, RACE_LANDSCAPE, RACE_LRS, draw_optimizer_race

steps = pick(300, 60)
traces = [cached_descend(RACE_LANDSCAPE, opt, lr=lr, steps=steps) for opt, lr in RACE_LRS.items()]
draw_optimizer_race(traces, extent=RACE_EXTENT)

# %%
video(draw_optimizer_race(traces, 0, extent=RACE_EXTENT), "optimizer_race")
