"""
Underfitting, a good fit and overfitting
========================================

Lecture 000's three pictures of one noisy data set: a model too simple for it
(a straight line), one about right (8 tanh units) and one with far more
capacity than 100 training points need (256 ReLU units). Half the points are
held out for validation (triangles).

* The line underfits: training and validation loss are both high.
* The 8-unit net follows the moons; both losses are low.
* The 256-unit net bends around single training points: its training loss
  keeps falling while its validation loss turns up. "The training loss will
  always go down. But it overfits."
"""

# %%
from vizlab import RunConfig
from vizlab.cache import cached_train
from vizlab.gallery import trim, video
from vizlab.render.boundary import draw_boundary_grid

base = RunConfig(
    dataset="moons",
    noise=0.3,
    n_points=200,
    val_fraction=0.5,
    optimizer="adam",
    lr=0.005,
    steps=3000,
    record_every=10,
)
configs = [
    base.replace(hidden=()),
    base.replace(hidden=(8,), activation="tanh"),
    base.replace(hidden=(256,), activation="relu"),
]
traces = [cached_train(trim(c)) for c in configs]
titles = ["underfit: linear model", "good fit: 8 tanh units", "overfit: 256 ReLU units"]
draw_boundary_grid(traces, titles=titles, curves=True)

# %%
video(draw_boundary_grid(traces, 0, titles=titles, curves=True), "fit_trio")
