"""
Monitoring validation loss: early stopping
==========================================

"Need to monitor performance on a held out set. Stop or decrease learning rate
when overfit happens" (lecture 000); "stop training before we have a chance to
overfit" (lecture 002). The overfitting 256-unit network from the previous
example: the dashed line marks the step with the lowest validation loss so far,
the weights early stopping would keep.
"""

# %%
from vizlab import RunConfig
from vizlab.cache import cached_train
from vizlab.gallery import trim, video
from vizlab.render.boundary import draw_boundary_grid
from vizlab.render.curves import draw_curves, early_stopping_row

config = RunConfig(
    dataset="moons",
    noise=0.3,
    n_points=200,
    val_fraction=0.5,
    optimizer="adam",
    lr=0.005,
    steps=3000,
    record_every=10,
    hidden=(256,),
    activation="relu",
)
trace = cached_train(trim(config))
draw_curves(trace)

# %%
# The boundary early stopping keeps, next to the one at the end of training:
# the late one has grown islands around single training points.
best = early_stopping_row(trace)
step = int(trace.steps[best])
grid = draw_boundary_grid(
    [trace, trace], titles=[f"early stopping (step {step})", "end of training"], curves=True
)
grid.panels[0].update(best)
grid.artists["step"].set_text(f"one run, seen at step {step} and at step {int(trace.steps[-1])}")

# %%
video(draw_curves(trace, 0), "early_stopping")
