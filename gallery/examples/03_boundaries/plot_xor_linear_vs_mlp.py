"""
XOR: a line cannot, a hidden layer can
======================================

Lecture 003's noisy XOR: class 1 in two opposite corners, class 0 in the other
two. A linear model (logistic regression) draws one straight boundary, and no
line puts both blue corners on one side: it gets at most three of the four
clusters right. A 2-2-1 network with sigmoid units combines two lines (an OR
and a NAND, as the lecture decomposes XOR) and separates all four.
"""

# %%
from vizlab import RunConfig
from vizlab.cache import cached_train
from vizlab.gallery import trim, video
from vizlab.render.boundary import draw_linear_vs_mlp

mlp_config = RunConfig(
    dataset="xor", noise=0.1, hidden=(2,), activation="sigmoid", lr=3.0, steps=1000, frames=40
)
mlp = cached_train(trim(mlp_config))
linear = cached_train(trim(mlp_config.replace(hidden=())))
draw_linear_vs_mlp(linear, mlp)

# %%
# Training, in lockstep: the linear model settles early; the network needs a
# few hundred steps before its two hidden units find their lines.
video(draw_linear_vs_mlp(linear, mlp, 0), "xor_linear_vs_mlp")
