"""
Regression: a sum of tanh pieces fits a sine
============================================

The same network that classifies can fit numbers: one linear output and
squared error (lecture 000: "used for any real valued outputs such as
regression"). With one input and one hidden layer the fit is
:math:`f(x) = b + \\sum_j w_j h_j(x)`: each hidden unit contributes one tanh
step (thin lines), scaled and shifted, and their sum (black) follows two
periods of :math:`\\sin 2x`. That is universal approximation in one picture.

The runs are the lesson ``sine_regression``.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.regression import draw_regression

lesson = lessons.get("sine_regression", quick=quick())
traces = lessons.run_lesson("sine_regression", quick=quick())
draw_regression(traces["tanh"])
print(lesson.stamp("tanh"))

# %%
# With ReLU units every piece is a hinge, and the fit is piecewise linear.
# Eight hinges, several of them flat over the data, follow the two periods
# much less well in the same 1500 steps (the R² in the corner).
draw_regression(traces["relu"])
print(lesson.stamp("relu"))

# %%
# Training: the pieces move and rescale until their sum follows the data.
video(
    draw_regression(traces["tanh"], 0),
    "sine_regression",
    timeline=lesson.timeline_for(traces["tanh"]),
    caption=lesson.stamp("tanh"),
)
