"""
Six optimizers race on a real network
======================================

Lectures 001, 002 and 003 compare SGD, momentum, Adagrad, RMSProp and Adam.
Here all six (with Nesterov's momentum) train the half-moons network
2-16-16-1 from the **same initial weights**, full batch, at the same learning
rate :math:`r = 0.01`, step for step. Left: the training loss on one plane through the
shared start, spanned by the two directions along which the six paths spread
most (PCA of all of them), with each path projected onto it. Right: the loss
of the real weights.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.landscape import draw_landscape
from vizlab.render.steps import draw_step_histograms

lesson = lessons.get("optimizer_race_net", quick=quick())
runs = lessons.run_lesson("optimizer_race_net", quick=quick())
racers = [name for name in runs if name != "plane"]
planes = runs["plane"]
draw_landscape(planes, stamp=lesson.stamp("plane"))
print(lesson.stamp())

# %%
# How far does each weight move?
# -------------------------------
# SGD moves weight i by ``r * g_i``: weights with small gradients barely move.
# Adagrad, RMSProp and Adam divide by a running size of each weight's own
# gradient, so every weight moves by roughly the learning rate, whatever its
# gradient: Adam's very first step is exactly ``r`` for every weight. Each
# column is a histogram over all 353 weights; the steps are computed from the
# optimizer state the engine recorded (``opt/<param>.<buffer>``).
draw_step_histograms([runs[name] for name in racers], stamp=lesson.stamp(*racers))

# %%
# The race, step by step, on the lesson's timeline:
video(
    draw_landscape(planes, 0, stamp=lesson.stamp("plane")),
    "race_real_net",
    timeline=lesson.timeline_for(planes[0]),
    caption=lesson.stamp("plane"),
)
