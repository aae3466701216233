"""
A hidden layer makes the data separable
=======================================

Lecture 004's representation learning: "a hidden layer maps data into a
linearly separable space". Noisy XOR cannot be split by a line in the input
plane (left). A hidden layer of two tanh units sends every point :math:`x` to
:math:`h = \\tanh(W x + b)`, a point in its own plane (right), bending the grid
lines with it. As training goes on the layer folds the plane until the two
classes sit on either side of one line, the output unit's boundary. The
lecture video on hidden space plays this same run (the lesson
``representation``).
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.activations import draw_representation

lesson = lessons.get("representation", quick=quick())
trace = lessons.run_lesson("representation", quick=quick())["net"]
draw_representation(trace, 0)
print(lesson.stamp())

# %%
# After training: the two classes are on either side of the output's line.
draw_representation(trace)

# %%
video(
    draw_representation(trace, 0),
    "representation",
    timeline=lesson.timeline_for(trace),
    caption=lesson.stamp(),
)
