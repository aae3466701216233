"""
Why L1 gives zeros: diamonds and circles
========================================

The same example with two weights, :math:`x = [3, 2]`. Every point on the thick
line fits the data exactly. The penalised minimum is where the smallest
penalty shape around 0 touches that line (for a small penalty weight): the L1
diamond :math:`|w_1| + |w_2| = c` touches it at a corner, on an axis, so one
weight is exactly 0; the L2 circle touches it where the line is tangent, with
both weights non-zero. The paths are gradient descent on loss plus penalty.
"""

# %%
from vizlab.cache import cached_call
from vizlab.core.worked import penalty_descent
from vizlab.gallery import pick, video
from vizlab.render.regularization import draw_penalty_geometry

kw = dict(strength=0.3, lr=0.03, steps=pick(2000, 200), x=(3, 2))
l1 = cached_call(penalty_descent, "l1", **kw)
l2 = cached_call(penalty_descent, "l2", **kw)
draw_penalty_geometry(l1, l2)

# %%
video(draw_penalty_geometry(l1, l2, 0), "penalty_geometry")
