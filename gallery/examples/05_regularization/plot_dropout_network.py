"""
Dropout: units switched off at every step
=========================================

Lecture 003's dropout diagram, from a real run: at every training step each
hidden unit is dropped with probability :math:`p` (here 0.5), independently
for every example of the mini-batch, and its connections carry nothing for
that step. The crossed-out units are the ones the optimizer really switched
off at this step for this example: the masks are recorded in the trace, not
drawn at random for the picture.
"""

# %%
from vizlab import RunConfig
from vizlab.cache import cached_train
from vizlab.gallery import trim, video
from vizlab.render.dropout import draw_dropout_network

config = RunConfig(
    dataset="moons",
    hidden=(6, 6),
    activation="relu",
    dropout=(0.5,),
    batch_size=16,
    optimizer="adam",
    lr=0.01,
    steps=300,
    frames=10,
    grid=30,
)
trace = cached_train(trim(config))
draw_dropout_network(trace, 120 if len(trace) > 120 else 0, sample=3)

# %%
# Step after step, a different set of units is off.
video(draw_dropout_network(trace, 0, sample=3), "dropout_network", frames=40)
