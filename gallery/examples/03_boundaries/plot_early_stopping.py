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
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.boundary import draw_boundary_grid
from vizlab.render.curves import draw_curves, early_stopping_row

lesson = lessons.get("early_stopping", quick=quick())
trace = lessons.run_lesson("early_stopping", quick=quick())["net"]
draw_curves(trace)
print(lesson.stamp())

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
video(
    draw_curves(trace, 0),
    "early_stopping",
    timeline=lesson.timeline_for(trace),
    caption=lesson.stamp(),
)
