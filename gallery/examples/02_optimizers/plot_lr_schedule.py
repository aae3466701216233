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
from vizlab import RunConfig
from vizlab.cache import cached_train
from vizlab.gallery import pick, trim, video
from vizlab.render.descent import draw_lr_schedule

config = RunConfig(
    dataset="moons",
    hidden=(16,),
    batch_size=16,
    steps=450,
    schedule="step",
    step_size=pick(150, 40),
    gamma=0.2,
    lr=0.5,
    grid=10,
    frames=2,
)
trace = cached_train(trim(config))
draw_lr_schedule(trace)

# %%
video(draw_lr_schedule(trace, 0), "lr_schedule")
