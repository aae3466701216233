"""
Learning-rate schedules
=======================

"Usually starts with a large learning rate then gets smaller later" (lecture
000, learning rate scheduling). A network on the half-moons trained with
mini-batches of 16 and a step schedule: the learning rate is cut to a fifth
every 150 steps. Before the first cut the mini-batch noise makes the losses
jitter; after each cut the steps are smaller, the jitter dies down and the
losses settle.
"""

# %%
from vizlab import lessons
from vizlab.gallery import quick, video
from vizlab.render.descent import draw_lr_schedule

lesson = lessons.get("lr_schedule", quick=quick())
trace = lessons.run_lesson("lr_schedule", quick=quick())["schedule"]
draw_lr_schedule(trace)
print(lesson.stamp())

# %%
video(
    draw_lr_schedule(trace, 0),
    "lr_schedule",
    timeline=lesson.timeline_for(trace),
    caption=lesson.stamp(),
)

# %%
# The config of this run, as code you can paste into a notebook:
print(lesson.config("schedule").to_code())
