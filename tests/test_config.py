"""RunConfig validation and round trips; the Timeline."""

import json

import numpy as np
import pytest

import vizlab
from vizlab import ConfigError, RunConfig, Timeline


def test_round_trip_json_and_code():
    c = RunConfig(dataset="xor", hidden=(4, 3), dropout=(0.5,), lr=0.3, l2=0.01)
    assert RunConfig.from_json(c.to_json()) == c
    assert RunConfig.from_dict(json.loads(json.dumps(c.to_dict()))) == c
    rebuilt = eval(c.to_code(), {"vizlab": vizlab})
    assert rebuilt == c
    assert c.digest() == RunConfig.from_json(c.to_json()).digest()
    assert c.digest() != c.replace(lr=0.31).digest()


def test_lists_become_tuples():
    c = RunConfig.from_dict({"hidden": [3, 2], "dropout": [0.1, 0.2]})
    assert c.hidden == (3, 2) and c.dropout == (0.1, 0.2)
    assert c.dropout_per_layer == (0.1, 0.2)
    assert RunConfig(hidden=(3, 2), dropout=(0.5,)).dropout_per_layer == (0.5, 0.5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"dataset": "mnist"}, "dataset must be one of"),
        ({"lr": 0}, "lr must be in"),
        ({"lr": "fast"}, "lr must be a number"),
        ({"lr": float("nan")}, "lr must be in"),
        ({"hidden": (0,)}, "width"),
        ({"hidden": "8"}, "hidden must be"),
        ({"dropout": (0.5, 0.5), "hidden": (4,)}, "one value or one per hidden layer"),
        ({"dropout": (1.0,)}, "dropout probability"),
        ({"dropout": (0.5,), "hidden": ()}, "needs at least one hidden layer"),
        ({"optimizer": "lbfgs"}, "optimizer must be one of"),
        ({"batch_size": 10_000}, "exceeds"),
        ({"steps": 0}, "steps must be between"),
        ({"seed": -1}, "seed must be between"),
        ({"seed": True}, "seed must be an integer"),
        ({"device": "tpu"}, "device must be one of"),
        ({"val_fraction": 0.95}, "val_fraction"),
    ],
)
def test_bad_values_are_refused(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        RunConfig(**kwargs)


def test_unknown_fields_and_bad_json():
    with pytest.raises(ConfigError, match="unknown config field"):
        RunConfig.from_dict({"learning_rate": 0.1})
    with pytest.raises(ConfigError, match="not valid JSON"):
        RunConfig.from_json("{lr: 1}")


def test_derived_counts():
    c = RunConfig(n_points=300, val_fraction=0.2, batch_size=32, epochs=3)
    assert (c.n_train, c.n_val) == (240, 60)
    assert c.batches_per_epoch == 7
    assert c.total_steps == 21
    assert RunConfig(batch_size=0).effective_batch == 240


def test_timeline_uniform_and_log():
    tl = Timeline.build(101, 11, spacing="uniform")
    np.testing.assert_array_equal(tl.rows, np.arange(0, 101, 10))
    log = Timeline.build(1000, 50, spacing="log", hold_start=3, hold_end=5, fps=25)
    assert len(log) == 58 and log.fps == 25
    assert list(log.rows[:3]) == [0, 0, 0] and list(log.rows[-5:]) == [999] * 5
    assert np.all(np.diff(log.rows) >= 0)
    moving = log.rows[3:-5]
    # log spacing spends more frames early: half the frames before row ~sqrt(1000)
    assert moving[len(moving) // 2] < 40
    assert log.duration == pytest.approx(58 / 25)
    with pytest.raises(ValueError):
        Timeline.build(10, 5, spacing="cubic")
    with pytest.raises(ValueError):
        Timeline.build(10, 5).check(3)
