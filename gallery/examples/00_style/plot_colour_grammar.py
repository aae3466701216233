"""
The colour grammar
==================

One legend for the whole site. **Orange and blue** mean the two classes
(class 0 orange, class 1 blue, as in TensorFlow Playground) and the sign of a
weight or an activation (negative orange, positive blue), and nothing else. A
decision field fades from orange through white (undecided, P = 0.5) to blue.
**Train and validation** are one colour: the train curve solid, the
validation curve dashed. **Runs, optimizers and layers** take a separate
palette, safe for colour-blind viewers, and each keeps its colour everywhere:
Adam is the same colour in the optimizer race, on the real network and in the
lecture video. A loss landscape is a pale grey-blue under contour lines, the
moving ball of a single run is red, a minimum is a yellow star.

Notation: :math:`r` is the learning rate (as in lecture 000's update
:math:`x_{n+1} = x_n - r\\,dy/dx`) and :math:`\\lambda` the strength of an L1
or L2 penalty. Lecture numbers (000 to 004) are the course's slide decks.
"""

# %%
import numpy as np

from vizlab.render import style
from vizlab.render.base import subplots

fig, axes = subplots(2, 2)
(cls, split), (runs, marks) = axes

# Class and sign: the points, the field between them, and a weight's sign.
x = np.linspace(-1, 1, 200)
cls.imshow(np.tile(x, (20, 1)), extent=(-1, 1, -0.35, 0.05), cmap=style.FIELD_CMAP, vmin=-1, vmax=1)
cls.scatter([-0.7], [0.45], s=400, color=style.class_color(0), edgecolors=style.PAPER)
cls.scatter([0.7], [0.45], s=400, color=style.class_color(1), edgecolors=style.PAPER)
cls.text(-0.7, 0.72, "class 0 · w < 0", ha="center", fontsize=14)
cls.text(0.7, 0.72, "class 1 · w > 0", ha="center", fontsize=14)
cls.text(0, -0.55, "decision field: P(class 1) from 0 to 1", ha="center", fontsize=13)
cls.set_xlim(-1.2, 1.2)
cls.set_ylim(-0.7, 1.0)
cls.set_title("class and sign: orange and blue only")
cls.set_axis_off()

# Train and validation: one colour, solid vs dashed.
steps = np.arange(200)
train = 0.7 * np.exp(-steps / 40) + 0.05
val = 0.7 * np.exp(-steps / 40) + 0.12 + 0.0008 * np.maximum(steps - 80, 0)
split.plot(steps, train, **style.split_style("train"), label="train")
split.plot(steps, val, **style.split_style("val"), label="validation")
adam = style.run_color("adam")
split.plot(steps, train + 0.3, **style.split_style("train", adam), label="Adam: train")
split.plot(steps, val + 0.3, **style.split_style("val", adam), label="Adam: validation")
split.set_xlabel("step")
split.set_ylabel("loss")
split.set_title("train solid, validation dashed")
split.legend(fontsize=11, ncol=2, loc="upper right")

# Runs and optimizers: one colour per name, on every page.
names = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]
for i, name in enumerate(names):
    runs.barh(i, 1, color=style.run_color(name))
    runs.text(0.04, i, name, va="center", fontsize=14, color=style.PAPER, fontweight="bold")
runs.set_yticks([])
runs.set_xticks([])
runs.invert_yaxis()
runs.set_title("runs and optimizers: style.run_color(name)")

# Marks on a loss landscape.
gx, gy = np.meshgrid(np.linspace(-2, 2, 80), np.linspace(-1.2, 1.2, 60))
marks.contourf(gx, gy, gx**2 + 3 * gy**2, levels=12, cmap=style.LOSS_CMAP)
marks.contour(gx, gy, gx**2 + 3 * gy**2, levels=12, colors=style.LOSS_LINE_COLOR, linewidths=0.8)
path = np.array([[-1.8, 1.0], [-1.1, -0.6], [-0.6, 0.35], [-0.3, -0.15], [-0.1, 0.05]])
marks.plot(*path.T, "-o", color=style.PATH_COLOR, ms=5, lw=2.5, label="a run's path")
marks.plot([0], [0], "*", ms=24, color=style.MIN_COLOR, mec=style.INK, label="minimum")
marks.set_title("loss map, path, minimum")
marks.set_xticks([])
marks.set_yticks([])
marks.legend(fontsize=11, loc="lower right")

# %%
# Where these names live
# ----------------------
# ``vizlab.render.style`` holds the grammar (``class_color``, ``sign_color``,
# ``split_style``, ``run_color``, ``FIELD_CMAP``, ``LOSS_CMAP``) and the manim
# theme reads the same values, so a lecture video and a page agree. A test
# fails on any literal colour in a renderer.
print({name: style.run_color(name) for name in names})
