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
from vizlab.cache import cached_call
from vizlab.core.linreg import minibatch_descent
from vizlab.gallery import pick, video
from vizlab.render.descent import draw_batch_paths

traces = cached_call(minibatch_descent, (1, 16, 0), lr=0.05, steps=pick(100, 40))
draw_batch_paths(traces, pick(60, 20))

# %%
video(draw_batch_paths(traces, 0), "batch_paths")
