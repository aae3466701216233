"""
The loss landscape of a real network
====================================

Lecture 002 shows pictures from "Visualizing the loss landscape of neural
nets" (Li et al.): a network has hundreds of weights, so its loss surface is
drawn on a plane through them. Adam trained the half-moons network; the
training loss is evaluated on three planes through its final weights, each on
a 41 x 41 grid:

* spanned by the two directions along which the recorded path spread most
  (PCA): the path nearly lies in this plane;
* spanned by two random directions, each filter-normalised as Li et al. do
  (every unit's incoming weights scaled to the norm of that unit's weights);
* spanned by the line back to the initial weights (at 1 on the horizontal
  axis) and a random direction at right angles.

The centre of each map is exactly the recorded training loss of the final
weights; on the third map the point (1, 0) is exactly the recorded initial
loss (the lesson's claims check both).
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.landscape import draw_landscape, draw_landscape_3d

lesson = lessons.get("loss_landscape", quick=quick())
runs = lessons.run_lesson("loss_landscape", quick=quick())
pca, random, start = runs["pca"][0], runs["random"][0], runs["start"][0]
draw_landscape(pca, title="The plane the path spread over (PCA)", stamp=lesson.stamp("pca"))
print(lesson.stamp())

# %%
# Random directions: the valley the network settled in, seen across.
draw_landscape(
    random, title="Two random filter-normalised directions", stamp=lesson.stamp("random")
)

# %%
# The straight line from the final weights back to the start.
draw_landscape(
    start, title="Back to the initial weights, and sideways", stamp=lesson.stamp("start")
)

# %%
# The PCA plane as a surface, with the path running over it:
video(
    draw_landscape_3d(pca, 0, stamp=lesson.stamp("pca")),
    "loss_landscape_3d",
    timeline=lesson.timeline_for(pca),
    caption=lesson.stamp("pca"),
)
