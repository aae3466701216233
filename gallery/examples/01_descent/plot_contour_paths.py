"""
Learning rates on a contour map
===============================

The same bowl seen from above. Its walls are steeper in one direction than the
other, so one learning rate has to serve two curvatures: at :math:`r = 0.02` the
path crawls along the shallow direction, at 0.1 it arrives, at 0.19 it zig-zags
across the steep direction, and just past 0.2 the zig-zag grows until the run
diverges. The steep direction sets the largest learning rate that works.
"""

# %%
from vizlab.cache import cached_descend
from vizlab.gallery import video
from vizlab.render.descent import draw_contour_paths

traces = [cached_descend("bowl", "sgd", lr=lr, steps=60) for lr in (0.02, 0.1, 0.19, 0.21)]
draw_contour_paths(traces, 12)

# %%
video(draw_contour_paths(traces, 0), "contour_paths")
