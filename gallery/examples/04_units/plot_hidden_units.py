"""
What each hidden unit computes
==============================

Like TensorFlow Playground's neuron thumbnails: every small map is one hidden
unit's output over the whole input plane, from one real run (8 tanh units on
the half-moons, Adam). Each unit of the first layer can only draw a soft line,
:math:`\\tanh(w_1 x_1 + w_2 x_2 + b)`; the output (large map) adds the units up
with its own weights and so combines eight lines into a curved boundary.
"""

# %%
from vizlab import RunConfig
from vizlab.cache import cached_train
from vizlab.gallery import trim, video
from vizlab.render.activations import draw_hidden_units

config = RunConfig(
    dataset="moons", hidden=(8,), activation="tanh", optimizer="adam", lr=0.03, steps=500, frames=30
)
trace = cached_train(trim(config))
draw_hidden_units(trace)

# %%
# Watch the lines turn into place during training.
video(draw_hidden_units(trace, 0), "hidden_units")
