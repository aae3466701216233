"""
Dropout: units switched off at every step
=========================================

Lecture 003's dropout diagram, from a real run: at every training step each
hidden unit is dropped with probability :math:`p` (here 0.5), independently
for every example of the mini-batch, and its connections carry nothing for
that step. The crossed-out units are the ones the optimizer really switched
off at this step for this example: the masks are recorded in the trace, not
drawn at random for the picture.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.dropout import draw_dropout_network

lesson = lessons.get("dropout_network", quick=quick())
trace = lessons.run_lesson("dropout_network", quick=quick())["net"]
draw_dropout_network(trace, 120 if len(trace) > 120 else 0, sample=3)
print(lesson.stamp())

# %%
# Step after step, a different set of units is off. The lecture video on
# dropout plays this same run at the same steps (the lesson
# ``dropout_network``).
video(
    draw_dropout_network(trace, 0, sample=3),
    "dropout_network",
    timeline=lesson.timeline_for(trace),
    caption=lesson.stamp(),
)
