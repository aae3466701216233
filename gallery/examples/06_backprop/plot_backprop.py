"""
Backpropagation with the real numbers
=====================================

Lecture 002 works one unit by hand: ``yhat = g(1 + 3 x1 - 2 x2)`` at
``x = (-1, 2)`` gives ``z = -6`` and ``g(-6) = 0.00247``. Then it asks how a
small change of one weight changes the loss, and answers with the chain rule:
``dJ/dw1 = dJ/dyhat * dyhat/dz * dz/dw1``.

The first picture is that unit, trained on that one example (label 1) with
plain gradient descent. Each unit shows its forward value (purple scale),
each edge the gradient of its weight (orange negative, blue positive), and
the right side writes the chain rule for the weight from ``x1`` with this
step's numbers, next to the finite difference of the same loss (an
independent check). A tiny slope (0.00247) times a huge ``dJ/dyhat`` (-404):
the cross-entropy undoes the sigmoid's flatness, so this badly wrong unit
still learns fast.

Every number comes from :func:`vizlab.explain_step`, which rebuilds the
recorded step in numpy; the gradients equal the ones torch recorded.
"""

# %%
from vizlab import explain_step, lessons
from vizlab.gallery import quick, video
from vizlab.render.backprop import draw_backprop

unit_lesson = lessons.get("backprop_unit", quick=quick())
unit = lessons.run_lesson("backprop_unit", quick=quick())["unit"]
draw_backprop(unit, 0, stamp=unit_lesson.stamp("unit"))
step0 = explain_step(unit, 0)
print(f"z = {step0.node('z1').value[0, 0]:g}, g(z) = {step0.node('yhat').value[0, 0]:.5f}")
print(unit_lesson.stamp("unit"))

# %%
# One update later the unit already outputs 0.5: the weight from ``x1`` went
# from 3 to 2, as the chain rule's last line said.
draw_backprop(unit, 1, stamp=unit_lesson.stamp("unit"))

# %%
# Lecture 003's 2-2-1 sigmoid network on noisy XOR, one training example at
# step 0. The chain for a first-layer weight is longer: through the output,
# back along the weight ``h1_1 -> yhat``, through the hidden unit's slope.
lesson = lessons.get("backprop_xor", quick=quick())
mlp = lessons.run_lesson("backprop_xor", quick=quick())["mlp"]
draw_backprop(mlp, 0, example=0, weight=("fc1.weight", (0, 0)), stamp=lesson.stamp("mlp"))
print(lesson.stamp("mlp"))

# %%
# The whole batch: the loss is the mean over the 240 examples, so each
# gradient is the mean of 240 chains. The edges now carry exactly the
# gradients torch recorded for this step.
draw_backprop(mlp, 0, weight=("fc1.weight", (0, 0)), stamp=lesson.stamp("mlp"))

# %%
# Over training, one example: the gradients shrink as the network gets it right.
video(
    draw_backprop(mlp, 0, example=0, stamp=lesson.stamp("mlp")),
    "backprop_xor",
    timeline=lesson.timeline_for(mlp),
    caption=lesson.stamp("mlp"),
)
