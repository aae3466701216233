"""
Too small, just right, too large
================================

"Big :math:`r` means you might overstep; small :math:`r` and you need to take
more steps" (lecture 000), and lecture 004's slide of a learning rate "too low,
just right, too high". On :math:`y = (x - a)^2` the four regimes have exact
boundaries: the distance to the minimum is multiplied by :math:`1 - 2r` each
step, so the run

* creeps for small :math:`r`,
* slides straight in for :math:`r` near 0.5,
* bounces from side to side for :math:`0.5 < r < 1`,
* and blows up for :math:`r > 1`, where each bounce lands higher.

Each panel is its own run of :func:`vizlab.descend` (the lesson
``lr_regimes``: the lecture video on learning rates plays the same four),
classified by :func:`vizlab.regimes.classify_regime` from what the run did.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.descent import draw_lr_regimes

lesson = lessons.get("lr_regimes", quick=quick())
traces = list(lessons.run_lesson("lr_regimes", quick=quick()).values())
draw_lr_regimes(traces, 12)
print(lesson.stamp())

# %%
# All four in lockstep, on the lesson's timeline. The diverging run leaves the
# chart after a few steps (an arrow at the edge points to where it went); its
# corner keeps writing x, which is beyond ±400 by step 50.
video(
    draw_lr_regimes(traces, 0),
    "lr_regimes",
    timeline=lesson.timeline_for(max(traces, key=len)),
    caption=lesson.stamp(),
)
