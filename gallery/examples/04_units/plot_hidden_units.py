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
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.activations import draw_hidden_units

lesson = lessons.get("hidden_units", quick=quick())
trace = lessons.run_lesson("hidden_units", quick=quick())["net"]
draw_hidden_units(trace)
print(lesson.stamp())

# %%
# Watch the lines turn into place during training.
video(
    draw_hidden_units(trace, 0),
    "hidden_units",
    timeline=lesson.timeline_for(trace),
    caption=lesson.stamp(),
)
