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
from vizlab.render.activations import draw_representation, separation_row

lesson = lessons.get("representation", quick=quick())
trace = lessons.run_lesson("representation", quick=quick())["net"]
draw_representation(trace, 0)
print(lesson.stamp())

# %%
# The first step at which the output's line separates the classes as well as
# it ever will (:func:`~vizlab.render.activations.separation_row`). Left, the
# same boundary pulled back into the input plane. The line under the panels
# gives, for the step shown, the share of training points on their class's
# side and the share of unit outputs that are saturated (tanh slope below
# 0.05): the units already saturate while the classes separate.
row, share = separation_row(trace)
draw_representation(trace, row)

# %%
# After training the picture degenerates: almost every point is pushed onto
# :math:`h_1 = \pm 1` or :math:`h_2 = \pm 1`, the bent grid folds onto the
# square's edges, and the line cannot put every point on its side (see the
# numbers under the panels). This is a saturated network, not a better one.
draw_representation(trace)

# %%
video(
    draw_representation(trace, 0),
    "representation",
    timeline=lesson.timeline_for(trace),
    caption=lesson.stamp(),
)
