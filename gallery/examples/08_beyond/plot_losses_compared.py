"""
Cross-entropy or squared error: what a wrong prediction sends back
==================================================================

Lecture 000 lists two objectives: cross-entropy for classification, the sum of
squared errors for real-valued outputs. Put a sigmoid in front of squared
error and a *confidently wrong* prediction hardly learns: its gradient with
respect to the output logit is :math:`2 (s - t)\\, s (1 - s)`, and
:math:`s (1 - s)` vanishes where the sigmoid saturates. Cross-entropy's
gradient is :math:`s - t`: largest exactly where the prediction is most wrong.

Left: :math:`|dL/dz|` for one example of class 1 as its logit :math:`z`
moves from confidently wrong (left) to confidently right, both measured by
autograd through the losses training uses. Right: the same network trained
on the moons with each loss. The runs are the lesson ``losses_compared``.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from vizlab import lessons
from vizlab.gallery import quick
from vizlab.render import style
from vizlab.render.curves import draw_curves

lesson = lessons.get("losses_compared", quick=quick())
traces = lessons.run_lesson("losses_compared", quick=quick())
g = traces["gradients"]

with style.theme("light"):
    fig, (ax_g, ax_ce, ax_se) = plt.subplots(
        1, 3, figsize=(12.8, 5.6), gridspec_kw={"width_ratios": [1.3, 1, 1]}
    )
    z = g["curve/z"]
    ax_g.semilogy(z, np.abs(g["curve/grad_bce"]), color=style.SERIES[0], label="cross-entropy")
    ax_g.semilogy(
        z, np.abs(g["curve/grad_mse"]), color=style.SERIES[1], ls="--", label="squared error"
    )
    wrong = g["curve/p"] <= 0.01
    ax_g.axvspan(z[wrong].min(), z[wrong].max(), color="#eeeeee", zorder=0)
    ax_g.text(z[wrong].mean(), 1e-5, "confidently\nwrong\n(p ≤ 0.01)", ha="center", fontsize=12)
    ax_g.set_xlabel("output logit z (true class 1)")
    ax_g.set_ylabel("|dL/dz| sent back")
    ax_g.set_title("gradient at the output")
    ax_g.legend(frameon=False, loc="lower left")
    for ax, name, title in (
        (ax_ce, "cross_entropy", "training: cross-entropy"),
        (ax_se, "squared_error", "training: squared error"),
    ):
        draw_curves(traces[name], ax=ax, show_step=False)
        ax.set_title(title, pad=30)
    fig.tight_layout()
print(lesson.stamp("gradients", "cross_entropy", "squared_error"))

# %%
# The ratio, measured: where the true class gets at most 1 % probability,
# cross-entropy sends back this many times more gradient than squared error.
ratio = np.abs(g["curve/grad_bce"][wrong]) / np.abs(g["curve/grad_mse"][wrong])
print(f"smallest ratio {ratio.min():.0f}x, largest {ratio.max():.0f}x")
