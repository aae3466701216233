"""
Dropout p = 0, 0.5, 0.9: train and validation loss
==================================================

Lecture 003's dropout slide: the same over-sized network on noisy half-moons
(half the points held out), trained without dropout and with drop rates 0.5
and 0.9. Without dropout the boundary wraps around single points and the
validation loss is far above the training loss. Dropout stops any unit from
relying on a few others and closes the gap; at 0.9 so much is dropped that the
network fits less well (losses are measured with every unit on, as at test
time).
"""

# %%
from vizlab.cache import cached_train
from vizlab.gallery import trim, video
from vizlab.presets import OVERFIT_MOONS
from vizlab.render.dropout import draw_dropout_comparison

# The regularization testbed: noisy moons, half held out, a net that overfits.
base = OVERFIT_MOONS.replace(frames=30)
traces = [cached_train(trim(base.replace(dropout=(p,) if p else ()))) for p in (0.0, 0.5, 0.9)]
draw_dropout_comparison(traces)

# %%
video(draw_dropout_comparison(traces, 0), "dropout_comparison")
