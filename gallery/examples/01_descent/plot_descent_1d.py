"""
Gradient descent on a parabola
==============================

Lecture 000 starts gradient descent with one curve, :math:`y = (x - a)^2`, a
ball on it and one rule:

.. math:: x_{n+1} = x_n - r \\, \\frac{dy}{dx}(x_n)

The ball moves against the slope, and the step is the slope times the learning
rate :math:`r`. Where the curve is steep the steps are long; near the bottom the
slope, and so the step, shrinks to nothing. The panel on the right fills the
rule in with this step's numbers. The runs are the lesson ``descent_1d``, the
same ones the lecture video on gradient descent plays.
"""

# %%
# A good learning rate
# --------------------
# With :math:`r = 0.3` every step removes the same fraction of the distance to
# the minimum: :math:`x_{n+1} - a = (1 - 2r)(x_n - a)`, here 0.4 of it is left.
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.descent import draw_descent_1d

lesson = lessons.get("descent_1d", quick=quick())
traces = lessons.run_lesson("descent_1d", quick=quick())
draw_descent_1d(traces["good"], 2)
print(lesson.stamp("good"))

# %%
# Overstepping
# ------------
# "What happens when you overstep?" With :math:`r = 0.95`, :math:`1 - 2r = -0.9`:
# every step jumps past the minimum to the other side, landing a little lower
# each time. "If you over step you can move back", but it takes many steps.
over = traces["overstep"]
draw_descent_1d(over, 3)
print(lesson.stamp("overstep"))

# %%
# The whole run
# -------------
# The animation plays the recorded steps on the lesson's timeline (the one the
# lecture video uses), holding the start and the end.
video(
    draw_descent_1d(over, 0),
    "descent_1d_overshoot",
    timeline=lesson.timeline_for(over),
    caption=lesson.stamp("overstep"),
)
