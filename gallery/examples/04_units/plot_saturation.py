"""
Vanishing gradients: saturated and dead units
=============================================

Lecture 002: "vanishing gradients". A sigmoid unit whose input is far from 0
outputs nearly 0 or 1, where its slope is nearly 0, so almost no gradient
flows back through it. The left panel is the histogram of one hidden layer's
outputs over every training point; the grey band is where the slope is below
0.05. The right panel counts, over training, the share of (point, unit) pairs
in that band and the units flat for every point.

Both runs use a deliberately large learning rate (Adam): the sigmoid network
drives many units into saturation, the ReLU network kills some units for good.
"""

# %%
from vizlab import RunConfig
from vizlab.cache import cached_train
from vizlab.gallery import trim, video
from vizlab.render.activations import draw_saturation

base = RunConfig(dataset="moons", optimizer="adam", steps=300, frames=30)
sigmoid = cached_train(trim(base.replace(hidden=(8, 8), activation="sigmoid", lr=0.5)))
draw_saturation(sigmoid)

# %%
# The same with ReLU units: a dead ReLU outputs 0 for every training point,
# so its own gradient is 0 and nothing in the data pulls it back (here Adam's
# momentum still revives one of them early on).
relu = cached_train(trim(base.replace(hidden=(16, 16), activation="relu", lr=0.3)))
draw_saturation(relu)

# %%
video(draw_saturation(sigmoid, 0), "saturation_sigmoid")
