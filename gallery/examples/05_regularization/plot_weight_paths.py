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
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.regularization import draw_weight_paths

lesson = lessons.get("weight_paths", quick=quick())
traces = lessons.run_lesson("weight_paths", quick=quick())
l1, l2 = traces["l1"], traces["l2"]
draw_weight_paths(l1, l2)
print(lesson.stamp())

# %%
video(
    draw_weight_paths(l1, l2, 0),
    "weight_paths",
    timeline=lesson.timeline_for(l1),
    caption=lesson.stamp(),
)
