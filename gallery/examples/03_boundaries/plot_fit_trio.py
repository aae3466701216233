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
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.boundary import draw_boundary_grid

lesson = lessons.get("fit_trio", quick=quick())
traces = list(lessons.run_lesson("fit_trio", quick=quick()).values())
titles = ["underfit: linear model", "good fit: 8 tanh units", "overfit: 256 ReLU units"]
draw_boundary_grid(traces, titles=titles, curves=True)
print(lesson.stamp())

# %%
video(
    draw_boundary_grid(traces, 0, titles=titles, curves=True),
    "fit_trio",
    timeline=lesson.timeline_for(traces[0]),
    caption=lesson.stamp(),
)
