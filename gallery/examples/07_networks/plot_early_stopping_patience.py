"""
Early stopping that stops
=========================

"Stop training before we have a chance to overfit" (lecture 002). The
overfitting 256-unit network of the boundaries section, trained twice: once
to the end, once with ``patience=20`` and ``restore_best=True``, Keras'
``EarlyStopping``: the run watches the validation loss at every recorded
step, ends 20 evaluations after the best one, and puts the best weights back.
The trace says where it stopped (an ``early_stop`` event).
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.boundary import draw_boundary_grid
from vizlab.render.curves import draw_curves

lesson = lessons.get("early_stopping_patience", quick=quick())
runs = lessons.run_lesson("early_stopping_patience", quick=quick())
stopped, full = runs["stopped"], runs["full"]
event = next(e for e in stopped.events if e["type"] == "early_stop")
print(
    f"stopped at step {event['step']}, best step {event['best_step']}, "
    f"weights restored: {event['restored']}"
)
# The dashed line and the star mark the best step, whose weights the run keeps.
# It stops 20 evaluations after that best one. Its last recorded row (the
# step it stopped at) holds the restored best weights, so in the last segment
# both curves drop back to their values at the best step: the training loss
# rises there because the weights went back in time, not because training did.
draw_curves(stopped)
print(lesson.stamp("stopped"))

# %%
# Training to the end instead: the validation loss climbs back up.
draw_curves(full)
print(lesson.stamp("full"))

# %%
# The boundary early stopping kept, next to the one at the end of training.
draw_boundary_grid(
    [stopped, full],
    titles=[
        f"stopped, best weights of step {event['best_step']}",
        f"trained to step {int(full.steps[-1])}",
    ],
    curves=True,
    suptitle="The weights early stopping kept, and where training on leads",
)
print(lesson.stamp())

# %%
video(
    draw_curves(stopped, 0),
    "early_stopping_patience",
    timeline=lesson.timeline_for(stopped),
    caption=lesson.stamp("stopped"),
)
