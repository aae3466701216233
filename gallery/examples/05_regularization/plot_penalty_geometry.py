"""
Why L1 gives zeros: diamonds and circles
========================================

The same example with two weights, :math:`x = [3, 2]`. Every point on the thick
line fits the data exactly. The penalised minimum is where the smallest
penalty shape around 0 touches that line (for a small :math:`\\lambda`): the L1
diamond :math:`|w_1| + |w_2| = c` touches it at a corner, on an axis, so one
weight is exactly 0; the L2 circle touches it where the line is tangent, with
both weights non-zero. The paths are gradient descent on loss plus penalty.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.regularization import draw_penalty_geometry

lesson = lessons.get("penalty_geometry", quick=quick())
traces = lessons.run_lesson("penalty_geometry", quick=quick())
l1, l2 = traces["l1"], traces["l2"]
draw_penalty_geometry(l1, l2)
print(lesson.stamp())

# %%
video(
    draw_penalty_geometry(l1, l2, 0),
    "penalty_geometry",
    timeline=lesson.timeline_for(l1),
    caption=lesson.stamp(),
)
