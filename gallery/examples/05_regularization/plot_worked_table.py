"""
L1 vs L2: the worked example
============================

Lecture 000's numerical example: one training point :math:`x = [3, 2, 1]`,
:math:`y = 10`, and many weight vectors that fit it exactly. Among them, the
L1 penalty :math:`\\sum |w_i|` is smallest for :math:`(3.33, 0, 0)`: all weight
on the largest input, the others exactly 0 ("L1 does feature selection"). The
L2 penalty :math:`\\sum w_i^2` is smallest for :math:`w \\propto x`,
:math:`(2.14, 1.43, 0.71)`: every weight small, none 0 ("L2 spreads the
numbers"). The last two rows are the weights gradient descent finds with each
penalty added to the squared error.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick
from vizlab.render.regularization import draw_worked_table

lesson = lessons.get("worked_table", quick=quick())
traces = lessons.run_lesson("worked_table", quick=quick())
draw_worked_table(learned=[traces["l1"], traces["l2"]])
print(lesson.stamp())
