"""
Softmax over three classes: the three-arm spiral
=================================================

Lecture 000's softmax layer turns k outputs into probabilities that sum to 1,
:math:`P(y = j | x) = e^{h_j} / \\sum_y e^{h_y}`, and cross-entropy keeps only
the correct class's term. A network with two hidden layers of 32 ReLU units
and three softmax outputs learns the classic three-arm spiral. Every point of
the plane takes the colour of its most probable class (orange, blue, green),
mixed towards white as the three probabilities draw level; the black lines are
where the most probable class changes.

The run is the lesson ``multiclass_spiral``.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.boundary import draw_boundary

lesson = lessons.get("multiclass_spiral", quick=quick())
trace = lessons.run_lesson("multiclass_spiral", quick=quick())["spiral"]
draw_boundary(trace)
print(lesson.stamp("spiral"))

# %%
# Training: the arms are carved out from the centre outwards, where the
# classes lie furthest apart.
video(
    draw_boundary(trace, 0),
    "multiclass_spiral",
    timeline=lesson.timeline_for(trace),
    caption=lesson.stamp("spiral"),
)
