"""
Quick quiz: what are the best hyperparameters?
==============================================

Lecture 003 asks the class to pick the best of six settings: learning rate
α ∈ {0.1, 0.25, 0.75} times hidden width ∈ {100, 1000} neurons. Here are the
six runs, trained for real on the half-moons with plain gradient descent and
sigmoid units. Each row (one width) is one batched :func:`vizlab.sweep` over
the three learning rates.

What to look for: with plain gradient descent and sigmoid units, the small
rates are still drawing an almost straight line after 1,000 steps; only
α = 0.75 bends the boundary between the moons, and the wide net with the
large rate gets furthest (97% validation accuracy against 88%). Width alone
does not help if the steps are too small to use it.
"""

# %%
from vizlab import RunConfig
from vizlab.cache import cached_sweep
from vizlab.core.sweep import grid
from vizlab.gallery import trim
from vizlab.render.boundary import draw_boundary_grid

base = RunConfig(dataset="moons", activation="sigmoid", optimizer="sgd", steps=1000, record_every=5)
rates = [0.1, 0.25, 0.75]
traces, titles = [], []
for width in (100, 1000):
    configs = [trim(c) for c in grid(base.replace(hidden=(width,)), lr=rates)]
    traces += cached_sweep(configs)
    titles += [f"α = {lr}, {width} neurons" for lr in rates]

draw_boundary_grid(traces, titles=titles, ncols=3, suptitle="Which setting is best?")
