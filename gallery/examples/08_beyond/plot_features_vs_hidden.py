"""
Hand-made features or a hidden layer
====================================

Lecture 004: deep learning learns its representation; earlier methods relied
on hand-made features. On the circles, a model with **no hidden layer** is a
single line in whatever it is given. Given :math:`x_1, x_2` no line separates
an inner ring from an outer one. Given :math:`x_1^2, x_2^2` the same model
draws :math:`w_1 x_1^2 + w_2 x_2^2 + b = 0`, an ellipse, and separates them.
A hidden layer of four tanh units on :math:`x_1, x_2` finds such features by
itself.

The runs are the lesson ``features_vs_hidden``.
"""

# %%
import matplotlib.pyplot as plt

from vizlab import lessons
from vizlab.gallery import quick
from vizlab.render import style
from vizlab.render.boundary import draw_boundary

lesson = lessons.get("features_vs_hidden", quick=quick())
traces = lessons.run_lesson("features_vs_hidden", quick=quick())
titles = {
    "raw": "no hidden layer, inputs x1, x2",
    "squares": "no hidden layer, inputs x1², x2²",
    "hidden": "4 tanh units, inputs x1, x2",
}
with style.theme("light"):
    fig, axes = plt.subplots(1, 3, figsize=(12.8, 5.2))
    for ax, (name, title) in zip(axes, titles.items()):
        draw_boundary(traces[name], ax=ax, title=title)
    fig.tight_layout()
print(lesson.stamp("raw", "squares", "hidden"))
