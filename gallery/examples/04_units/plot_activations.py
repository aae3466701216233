"""
Activation functions and their slopes
=====================================

Lectures 000, 002 and 004 list the same nonlinearities: sigmoid, tanh, ReLU,
leaky ReLU and ELU. Backpropagation multiplies by the slope :math:`g'(z)` at
every layer, so where a function is flat (grey) the gradient vanishes:

* sigmoid's slope is at most 0.25 and nearly 0 beyond :math:`|z| > 5`;
* tanh is steeper at 0 (slope 1) but just as flat far out;
* ReLU has slope 1 for every positive input and 0 for every negative one: a
  unit whose input is negative for every example is "dead";
* leaky ReLU and ELU keep a small slope for negative inputs.
"""

# %%
from vizlab.render.activations import draw_activations

draw_activations()
