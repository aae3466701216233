"""
Weight regularization: λ = 0.01, 0.05, 0.2
==========================================

Lecture 003's slide of one network trained with three L2 strengths, each
titled with its final losses. On the slide a small :math:`\\lambda` leaves room
to overfit, a middle one smooths the boundary, a large one flattens the
network into a constant guess (both losses near :math:`\\ln 2 \\approx 0.69`).
The numbers are this site's runs, not the slide's. The larger
:math:`\\lambda`, the higher the training loss, as on the slide; but our
penalty sums :math:`W^2` without the slide's :math:`1/2n` data scaling, so
:math:`\\lambda = 0.01` is already a strong penalty here and does not
overfit: the :doc:`slide claims </claims>` page lists that claim as "not
reproduced", with the measured losses. Here the middle strength,
:math:`\\lambda = 0.05`, already draws an almost straight boundary
(underfit). For the trio the slide means, overfit / right / underfit, see
:math:`\\lambda = 0, 0.003, 0.2` on the L2 slider.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick
from vizlab.render.regularization import draw_lambda_sweep

# The regularization testbed (vizlab.presets.OVERFIT_MOONS): noisy moons, half
# held out, a net that overfits.
lesson = lessons.get("lambda_sweep", quick=quick())
traces = list(lessons.run_lesson("lambda_sweep", quick=quick()).values())
draw_lambda_sweep(traces)
print(lesson.stamp())

# %%
# Every strength in between: see :ref:`the L2 slider
# <sphx_glr_auto_examples_05_regularization_plot_l2_slider.py>`.
