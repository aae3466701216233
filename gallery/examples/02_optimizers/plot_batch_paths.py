"""
Stochastic, mini-batch and full-batch gradient descent
======================================================

"Gradient descent computes the objective function of **all** samples, then
decides the direction of descent. SGD computes it on **subsets** of samples"
(lecture 000). One model, :math:`y = w x + b`, fitted to the same noisy points
from the same start, by three batch sizes:

* batch 1 (stochastic): every step sees one point, so the direction is noisy
  and the path wanders;
* a mini-batch of 16: the noise averages out over 16 points;
* the full batch: the exact gradient, a smooth path.

Because the model is a line, the loss over :math:`(w, b)` is an exact bowl
and its minimum (the yellow star) is the least-squares fit.
"""

# %%
from vizlab import lessons
from vizlab.gallery import pick, quick, video
from vizlab.render.descent import draw_batch_paths

lesson = lessons.get("batch_paths", quick=quick())
traces = lessons.run_lesson("batch_paths", quick=quick())["paths"]
draw_batch_paths(traces, pick(60, 20))
print(lesson.stamp())

# %%
video(
    draw_batch_paths(traces, 0),
    "batch_paths",
    timeline=lesson.timeline_for(traces[0]),
    caption=lesson.stamp(),
)
