"""
A hidden layer makes the data separable
=======================================

Lecture 004's representation learning: "a hidden layer maps data into a
linearly separable space". Noisy XOR cannot be split by a line in the input
plane (left). A hidden layer of two tanh units sends every point :math:`x` to
:math:`h = \\tanh(W x + b)`, a point in its own plane (right), bending the grid
lines with it. As training goes on the layer folds the plane until the two
classes sit on either side of one line, the output unit's boundary.
"""

# %%
from vizlab import RunConfig
from vizlab.cache import cached_train
from vizlab.gallery import trim, video
from vizlab.render.activations import draw_representation

config = RunConfig(
    dataset="xor",
    hidden=(2,),
    activation="tanh",
    optimizer="adam",
    lr=0.01,
    steps=800,
    noise=0.15,
    record_every=4,
    frames=30,
)
trace = cached_train(trim(config))
draw_representation(trace, 0)

# %%
# After training: the two classes are on either side of the output's line.
draw_representation(trace)

# %%
video(draw_representation(trace, 0), "representation")
