"""
Vanishing gradients: saturated and dead units
=============================================

Lecture 002: "vanishing gradients". A sigmoid unit whose input is far from 0
outputs nearly 0 or 1, where its slope is nearly 0, so almost no gradient
flows back through it. The left panel is the histogram of one hidden layer's
outputs over every training point; the grey band is where the slope is below
0.05. The right panel counts, over training, the share of (point, unit) pairs
in that band and the units flat for every point.

Both runs use a deliberately large learning rate (Adam): the sigmoid network
drives many units into saturation, the ReLU network kills some units for good.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.activations import draw_saturation

lesson = lessons.get("saturation", quick=quick())
traces = lessons.run_lesson("saturation", quick=quick())
sigmoid = traces["sigmoid"]
draw_saturation(sigmoid)
print(lesson.stamp("sigmoid"))

# %%
# The same with ReLU units: a dead ReLU outputs 0 for every training point,
# so its own gradient is 0 and nothing in the data pulls it back (here Adam's
# momentum still revives one of them early on).
relu = traces["relu"]
draw_saturation(relu)
print(lesson.stamp("relu"))

# %%
video(
    draw_saturation(sigmoid, 0),
    "saturation_sigmoid",
    timeline=lesson.timeline_for(sigmoid),
    caption=lesson.stamp("sigmoid"),
)
