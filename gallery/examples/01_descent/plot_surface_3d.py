"""
Gradient descent in 3-D
=======================

Lecture 000's "gradient descent in 3d": with two parameters the loss is a
surface, and the gradient is a vector that points uphill. Each step goes the
other way, scaled by the learning rate. The shadow on the floor is the same
path on the contour map, which is how the next examples draw it.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.descent import draw_surface_3d

lesson = lessons.get("surface_descent", quick=quick())
trace = lessons.run_lesson("surface_descent", quick=quick())["path"]
draw_surface_3d(trace, 20)
print(lesson.stamp())

# %%
video(
    draw_surface_3d(trace, 0),
    "surface_3d",
    timeline=lesson.timeline_for(trace),
    caption=lesson.stamp(),
)
