"""
Local minima: stuck, or not
===========================

"Small learning rate converges slowly and gets stuck in false local minima"
(lecture 002); "with SGD, it is quite easy to get stuck in a local minimum"
(lecture 001). First on a curve with two valleys: from x = 2, a learning rate
of 0.1 settles in the shallow valley next to the start; 0.4 overshoots the
hump into the deeper one. (It is a narrow escape: 0.38 still settles.)
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.boundary import draw_boundary_grid
from vizlab.render.descent import draw_lr_regimes
from vizlab.render.landscape import draw_loss_by_seed

lesson = lessons.get("local_minima_1d", quick=quick())
curves = lessons.run_lesson("local_minima_1d", quick=quick())
TITLE = "Two valleys: the learning rate r decides which one the ball ends in"
PANELS = (
    "r = 0.1: stays in the valley next to the start",
    "r = 0.4: over the hump, into the deeper valley",
)


def lr_panels(step):
    """The two runs side by side, each panel titled with what happens to it."""
    disp = draw_lr_regimes(list(curves.values()), step, layout=(1, 2), title=TITLE)
    for ax, text in zip(disp.fig.axes, PANELS):
        ax.set_title(text, fontsize=14, fontweight="bold")
    return disp


lr_panels(-1)
print(lesson.stamp())

# %%
video(
    lr_panels(0),
    "local_minima_1d",
    timeline=lesson.timeline_for(curves["small"]),
    caption=lesson.stamp(),
)

# %%
# A real network: the same net from ten starts
# --------------------------------------------
# Lecture 003's 2-2-1 sigmoid network on noisy XOR, trained from ten initial
# weights (seeds 0-9), everything else equal. Most runs solve XOR; some stall
# with one of the four corners wrong, at a loss near 0.33, and stay there.
nets = lessons.get("local_minima_net", quick=quick())
seeds = lessons.run_lesson("local_minima_net", quick=quick())
traces = list(seeds.values())
draw_loss_by_seed(traces, stamp=nets.stamp())

# %%
# The boundaries of the best and the worst run, at the end of training:
best = min(traces, key=lambda t: float(t["scalar/loss_train"][-1]))
worst = max(traces, key=lambda t: float(t["scalar/loss_train"][-1]))
draw_boundary_grid(
    [best, worst],
    titles=[f"seed {best.config['seed']}: solved", f"seed {worst.config['seed']}: stalled"],
)
print(nets.stamp(f"seed{best.config['seed']}", f"seed{worst.config['seed']}"))
