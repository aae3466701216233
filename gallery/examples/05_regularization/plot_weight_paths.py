"""
L1 and L2 in a real network: weight paths
=========================================

The worked example's lesson in a trained network. Three runs of the same
network (16 tanh units, half-moons), the same seed, data and steps: one with
an L1 penalty, one with an L2 penalty of the same strength (λ = 0.01), and
one with no penalty at all (λ = 0, grey and dashed), the yardstick. Left:
every first-layer weight over training. Middle: their histogram and how many
are (nearly) zero. Right: the zero count and the layer's weight norm over
training.

Against the yardstick, L2 *only shrinks*: its weight norm ends well below
the unpenalised run's, yet it has no more weights near zero than the
unpenalised run (none). L1 pushes many weights to zero and keeps them there,
where the unpenalised run has none. "Zero" means ``|w| < 0.001``: training
uses the L1 subgradient, so a weight at zero jitters by about :math:`r\\lambda`
instead of sitting at exactly 0, and no run here has a weight exactly 0.
The lesson's claims below print the measured numbers.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.regularization import draw_weight_paths

lesson = lessons.get("weight_paths", quick=quick())
traces = lessons.run_lesson("weight_paths", quick=quick())
l1, l2, none = traces["l1"], traces["l2"], traces["none"]
draw_weight_paths(l1, l2, baseline=none)
print(lesson.stamp())

# %%
# The numbers behind "L2 only shrinks", measured on these runs (all weights
# of the net, both layers):
for result in lessons.check(["weight_paths"], quick=quick()):
    print(f"{result.status}: {result.claim.text}\n    {result.detail}")

# %%
video(
    draw_weight_paths(l1, l2, 0, baseline=none),
    "weight_paths",
    timeline=lesson.timeline_for(l1),
    caption=lesson.stamp(),
)
