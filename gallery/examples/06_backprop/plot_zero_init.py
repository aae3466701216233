"""
Zero initialisation: the symmetry never breaks
==============================================

Lecture 003: "the weights of the DNN are randomly initialized". Why not all
zeros? Four hidden units that start equal compute the same output for every
input, so backpropagation hands each of them the same gradient, and after
the update they are equal again: for the whole run the layer is one unit
copied four times. The gradients are not zero (the weights do move); they
are identical.

Left, the weights into the four hidden units over training: with zero
initialisation the four rows lie on top of each other; from random
initialisation they spread apart and the network solves XOR.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick
from vizlab.render.backprop import draw_backprop
from vizlab.render.boundary import draw_boundary_grid
from vizlab.render.depth import draw_init_symmetry

lesson = lessons.get("zero_init", quick=quick())
traces = lessons.run_lesson("zero_init", quick=quick())
zeros, random = traces["zeros"], traces["random"]
draw_init_symmetry(
    {"zero initialisation": zeros, "random initialisation": random}, stamp=lesson.stamp()
)
print("rows of fc1.weight after training, zero init:")
print(zeros["param/fc1.weight"][-1])
print(lesson.stamp())

# %%
# The decision boundaries after training: zero init draws what one unit can.
draw_boundary_grid(
    [zeros, random], -1, titles=["zero init: 4 identical units", "random init"], curves=True
)

# %%
# One step of backprop from zero init: every hidden unit has the same value
# and the same gradient, so their edges carry equal numbers.
draw_backprop(zeros, 5, example=0, weight=("fc1.weight", (0, 0)), stamp=lesson.stamp("zeros"))
