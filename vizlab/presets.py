"""Named configs the lectures come back to, so every picture of one idea uses the same run.

Nothing here trains; each preset is a :class:`~vizlab.config.RunConfig` to
``replace`` from.
"""

from vizlab.config import RunConfig

OVERFIT_MOONS = RunConfig(
    dataset="moons",
    n_points=200,
    val_fraction=0.5,
    noise=0.35,
    hidden=(16, 16),
    activation="relu",
    optimizer="adam",
    lr=0.005,
    steps=1500,
    record_every=5,
)
"""Noisy half-moons with half the points held out and a net big enough to overfit them.

The testbed of the regularization slides (lectures 000 and 003): without
dropout or a penalty its validation loss turns up while its training loss
keeps falling, so dropout and L1/L2 have something to cure.
"""
