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
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.descent import draw_contour_paths

lesson = lessons.get("contour_paths", quick=quick())
runs = lessons.run_lesson("contour_paths", quick=quick())
traces = list(runs.values())
draw_contour_paths(traces, 12)
print(lesson.stamp())

# %%
video(
    draw_contour_paths(traces, 0),
    "contour_paths",
    timeline=lesson.timeline_for(traces[0]),
    caption=lesson.stamp(),
)
