"""
Dropout p = 0, 0.5, 0.9: train and validation loss
==================================================

Lecture 003's dropout slide: the same over-sized network on noisy half-moons
(half the points held out), trained without dropout and with drop rates 0.5
and 0.9. Without dropout the boundary wraps around single points and the
validation loss is far above the training loss. Dropout stops any unit from
relying on a few others and closes the gap; at 0.9 so much is dropped that the
network fits less well (losses are measured with every unit on, as at test
time).
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.dropout import draw_dropout_comparison

# The regularization testbed (vizlab.presets.OVERFIT_MOONS): noisy moons, half
# held out, a net that overfits; the lesson trains it with p = 0, 0.5 and 0.9.
lesson = lessons.get("dropout_comparison", quick=quick())
traces = list(lessons.run_lesson("dropout_comparison", quick=quick()).values())
draw_dropout_comparison(traces)
print(lesson.stamp())

# %%
video(
    draw_dropout_comparison(traces, 0),
    "dropout_comparison",
    timeline=lesson.timeline_for(traces[0]),
    caption=lesson.stamp(),
)
