"""
A boundary grows: the half-moons
================================

Lecture 003's homework data: two interleaving half-moons. A network with one
hidden layer of 8 tanh units, trained with Adam. The boundary starts as the
nearly straight line of a freshly initialised network and bends, step by step,
into the gap between the moons. The right panel shows the training and
validation loss growing with the step.
"""

# %%
from vizlab import RunConfig
from vizlab.cache import cached_train
from vizlab.gallery import trim, video
from vizlab.render.boundary import draw_boundary

config = RunConfig(
    dataset="moons", hidden=(8,), activation="tanh", optimizer="adam", lr=0.05, steps=600
)
trace = cached_train(trim(config))
draw_boundary(trace)

# %%
# The recorded run, played back. The decision field was computed at
# log-spaced steps during training, so the early steps get more frames.
video(draw_boundary(trace, 0), "moons_boundary")

# %%
# The config that made this run, as code you can paste into a notebook:
print(config.to_code())
