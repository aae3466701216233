"""
Vanishing gradients through six layers
======================================

Lecture 002: the sigmoid "suffers from the vanishing gradient problem". Its
slope is at most 0.25, and backpropagation multiplies one slope (and one
weight) per layer, so the gradient that reaches the first of six sigmoid
layers is orders of magnitude smaller than the last layer's. Lecture 003
names the remedy: initialise with the layer sizes in mind (Xavier/Glorot for
tanh, He for ReLU).

The depth meter shows the gradient norm of each weight matrix, input side on
the left, on a log scale; all three networks have 6 hidden layers of 8 units
and train on the same half-moons from the same seed with plain gradient
descent. The bars are step 0; the lines follow training.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.depth import draw_gradient_depth

lesson = lessons.get("vanishing_gradients", quick=quick())
traces = lessons.run_lesson("vanishing_gradients", quick=quick())
ylim = (1e-7, 3.0)
titles = {
    "sigmoid": "sigmoid, torch's default uniform init",
    "tanh_xavier": "tanh, Xavier (Glorot) init",
    "relu_he": "ReLU, He init",
}
for run, trace in traces.items():
    d = draw_gradient_depth(trace, 0, title=titles[run], ylim=ylim, stamp=lesson.stamp(run))
    first, last = d.norms(0)[0], d.norms(0)[-1]
    print(f"{run}: first layer / last layer at step 0 = {first / last:.1e}")
print(lesson.stamp())

# %%
# The sigmoid network over training: the last layers learn to predict the
# average label and their gradients collapse; the first layers barely move.
sigmoid = traces["sigmoid"]
video(
    draw_gradient_depth(
        sigmoid, 0, title=titles["sigmoid"], ylim=ylim, stamp=lesson.stamp("sigmoid")
    ),
    "depth_sigmoid",
    timeline=lesson.timeline_for(sigmoid),
    caption=lesson.stamp("sigmoid"),
)
