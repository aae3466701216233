"""
Gradient descent in 3-D
=======================

Lecture 000's "gradient descent in 3d": with two parameters the loss is a
surface, and the gradient is a vector that points uphill. Each step goes the
other way, scaled by the learning rate. The shadow on the floor is the same
path on the contour map, which is how the next examples draw it.
"""

# %%
from vizlab.cache import cached_descend
from vizlab.gallery import video
from vizlab.render.descent import draw_surface_3d

trace = cached_descend("bowl", "sgd", lr=0.17, steps=40)
draw_surface_3d(trace, 20)

# %%
video(draw_surface_3d(trace, 0), "surface_3d")
