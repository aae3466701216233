"""
Underfitting, a good fit and overfitting
========================================

Lecture 000's three pictures of one noisy data set: a model too simple for it
(a straight line), one about right (8 tanh units) and one with far more
capacity than 100 training points need (256 ReLU units). Half the points are
held out for validation (triangles).

* The line underfits: training and validation loss are both high.
* The 8-unit net follows the moons; both losses are low. The still picture
  shows it at its best validation step (the step is in its title): trained on
  to the end, its training loss keeps falling and its validation loss rises a
  little, as the video below shows.
* The 256-unit net bends around single training points: its training loss
  keeps falling while its validation loss turns up. "The training loss will
  always go down. But it overfits."

Every panel's title gives the step it shows, and the numbers under it are
from that step; in the video they change with the frame.
"""

# %%
import numpy as np

from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.boundary import draw_boundary_grid

lesson = lessons.get("fit_trio", quick=quick())
traces = list(lessons.run_lesson("fit_trio", quick=quick()).values())
heads = ["underfit: linear model", "good fit: 8 tanh units", "overfit: 256 ReLU units"]


def titled(head):
    """A title with the step the panel shows (computed for the row on screen)."""

    def title(trace, row):
        best = row == int(np.nanargmin(trace["scalar/loss_val"]))
        return f"{head}\nat step {trace.steps[row]}" + (" (lowest val loss)" if best else "")

    return title


titles = [titled(h) for h in heads]
trio = draw_boundary_grid(traces, titles=titles, curves=True)
# The good fit at its best validation step; the other two at the end.
good = traces[1]
best = int(np.nanargmin(good["scalar/loss_val"]))
trio.panels[1].update(best)
trio.artists["step"].set_text("each panel at the step in its title")
print(f"good fit: best validation loss at step {good.steps[best]}; the others at their last step")
print(lesson.stamp())

# %%
video(
    draw_boundary_grid(traces, 0, titles=titles, curves=True),
    "fit_trio",
    timeline=lesson.timeline_for(traces[0]),
    caption=lesson.stamp(),
)
