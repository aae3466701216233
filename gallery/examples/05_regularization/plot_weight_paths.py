"""
L1 and L2 in a real network: weight paths
=========================================

The worked example's lesson in a trained network. Two runs of the same
network (16 tanh units, half-moons), the same seed, one with an L1 penalty
and one with an L2 penalty of the same strength. Left: every first-layer
weight over training. L1 pushes many of them to zero and keeps them there;
L2 shrinks them all but leaves almost none at zero. Right: their histogram
and the count of (nearly) zero weights.
"""

# %%
from vizlab import RunConfig
from vizlab.cache import cached_train
from vizlab.gallery import trim, video
from vizlab.render.regularization import draw_weight_paths

base = RunConfig(
    dataset="moons", hidden=(16,), activation="tanh", lr=0.1, steps=1500, frames=0, grid=10
)
l1 = cached_train(trim(base.replace(l1=0.01)))
l2 = cached_train(trim(base.replace(l2=0.01)))
draw_weight_paths(l1, l2)

# %%
video(draw_weight_paths(l1, l2, 0), "weight_paths")
