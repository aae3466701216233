"""
Weight regularization: λ = 0.01, 0.05, 0.2
==========================================

Lecture 003's slide of one network trained with three L2 strengths, each
titled with its final losses. A small :math:`\\lambda` leaves room to overfit,
a middle one smooths the boundary, a large one flattens the network into a
constant guess (both losses near :math:`\\ln 2 \\approx 0.69`). The numbers are
this site's runs, not the slide's: the shape of the story is the same.
"""

# %%
from vizlab.cache import cached_sweep
from vizlab.gallery import trim
from vizlab.presets import OVERFIT_MOONS
from vizlab.render.regularization import draw_lambda_sweep

# The regularization testbed: noisy moons, half held out, a net that overfits.
base = OVERFIT_MOONS.replace(frames=4)
traces = cached_sweep([trim(base.replace(l2=lam)) for lam in (0.01, 0.05, 0.2)])
draw_lambda_sweep(traces)

# %%
# Every strength in between: see :ref:`the L2 slider
# <sphx_glr_auto_examples_05_regularization_plot_l2_slider.py>`.
