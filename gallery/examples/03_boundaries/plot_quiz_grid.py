"""
Quick quiz: what are the best hyperparameters?
==============================================

Lecture 003 asks the class to pick the best of six settings: learning rate
:math:`r` ∈ {0.1, 0.25, 0.75} (the slide writes α) times hidden width ∈ {100,
1000} neurons. Here are the
six runs of the lesson ``quiz_grid``, trained for real on the half-moons with
plain gradient descent and sigmoid units. Each row (one width) is one batched
:func:`vizlab.sweep` over the three learning rates.

What to look for: with plain gradient descent and sigmoid units, the small
rates are still drawing an almost straight line after 1,000 steps; only
:math:`r` = 0.75 bends the boundary between the moons, and the wide net with the
large rate gets furthest (97% validation accuracy against 88%). Width alone
does not help if the steps are too small to use it.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick
from vizlab.render.boundary import draw_boundary_grid

lesson = lessons.get("quiz_grid", quick=quick())
runs = lessons.run_lesson("quiz_grid", quick=quick())
traces = list(runs.values())
titles = [f"r = {c.lr}, {c.hidden[0]} neurons" for c in map(lesson.config, runs)]
draw_boundary_grid(traces, titles=titles, ncols=3, suptitle="Which setting is best?")
print(lesson.stamp())
