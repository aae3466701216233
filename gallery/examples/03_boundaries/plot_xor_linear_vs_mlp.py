"""
XOR: a line cannot, a hidden layer can
======================================

Lecture 003's noisy XOR: class 1 in two opposite corners, class 0 in the other
two. A linear model (logistic regression) draws one straight boundary, and no
line puts both blue corners on one side: it gets at most three of the four
clusters right. Trained on the cross-entropy, it does not even find such a
line: on XOR's symmetric clusters the loss is lowest with the line's
confidence near zero, P = 0.5 almost everywhere (loss ln 2 = 0.69), so it ends
near chance (54 % here). A 2-2-1 network with sigmoid units combines two lines (an OR
and a NAND, as the lecture decomposes XOR) and separates all four.

The runs are the lesson ``xor_boundary`` (``vizlab lessons list``): the lecture
video of XOR plays these same runs, at the same moments.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.boundary import draw_linear_vs_mlp

lesson = lessons.get("xor_boundary", quick=quick())
traces = lessons.run_lesson("xor_boundary", quick=quick())
linear, mlp = traces["linear"], traces["mlp"]
draw_linear_vs_mlp(linear, mlp)
print(lesson.stamp("linear", "mlp"))

# %%
# Training, in lockstep: the linear model settles early; the network needs a
# few hundred steps before its two hidden units find their lines.
video(
    draw_linear_vs_mlp(linear, mlp, 0),
    "xor_linear_vs_mlp",
    timeline=lesson.timeline_for(mlp),
    caption=lesson.stamp("linear", "mlp"),
)
