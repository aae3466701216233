"""The Playground's TensorFlow-Playground controls: problem type, features, ratio, layers, graph."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import import_or_skip

import_or_skip("ipywidgets")

import vizlab  # noqa: E402
from vizlab.widgets import Playground  # noqa: E402

SMALL = vizlab.RunConfig(
    dataset="xor",
    n_points=80,
    hidden=(3,),
    activation="tanh",
    optimizer="adam",
    lr=0.03,
    steps=200,
    grid=12,
    frames=6,
)


@pytest.fixture
def pg():
    p = Playground(SMALL, chunk_seconds=0.05)
    yield p
    assert "c62828" not in p._status.value, p._status.value  # no error was shown
    p.close()


def _weights_in_graph(svg: str) -> int:
    return len(re.findall(r'<line class="link"', svg))


def test_features_ratio_and_layers_edit_one_config(pg):
    assert _weights_in_graph(pg.graph.value) == 2 * 3 + 3
    pg.set(features=("x1", "x2", "x1^2", "sin_x2"), ratio=60)
    pg.step(5)
    assert pg.wait(60)
    assert pg.config.features == ("x1", "x2", "x1^2", "sin_x2")
    assert pg.config.val_fraction == pytest.approx(0.4)
    assert _weights_in_graph(pg.graph.value) == 4 * 3 + 3  # toggling a feature changes the graph
    pg.add_layer(2)
    pg.add_neurons(0, 2)
    assert pg.wait(60)
    assert pg.config.hidden == (5, 2)
    pg.remove_layer()
    pg.add_neurons(0, -10)  # never below one unit
    assert pg.wait(60)
    assert pg.config.hidden == (1,)
    # epoch and step counters
    pg.step(10)
    assert pg.wait(60)
    assert "epoch " in pg._status.value and "step 10 of" in pg._status.value


def test_problem_type_switches_datasets_loss_and_picture(pg):
    pg.set(task="regression")
    assert pg.wait(60)
    assert pg.controls["dataset"].options == ("plane", "multi_gaussian", "sine")
    assert pg.config.task == "regression" and pg.config.loss == "mse"
    pg.set(dataset="sine")
    pg.step(20)
    assert pg.wait(60)
    assert pg.config.features == ("x1",)
    assert "scalar/r2_val" in pg.trace and "scalar/acc_val" not in pg.trace
    assert "draw_regression" in pg.code()
    pg.set(task="classification")
    pg.set(dataset="spiral", n_classes=3)
    pg.step(20)
    assert pg.wait(60)
    assert pg.config.loss == "cross_entropy" and pg.config.n_outputs == 3


def test_discretize_and_show_test_data_change_only_the_view(pg):
    pg.step(30)
    assert pg.wait(60)
    config, graded = pg.config, pg.image.value
    pg.view["discretize"].value = True
    assert pg.wait(60)
    field = pg._views["field"].display.field
    shown = np.asarray(field.artists["image"].get_array())
    assert set(np.unique(shown)) <= {0.0, 1.0}
    np.testing.assert_array_equal(shown, pg.trace["field/output"][-1] >= 0.5)
    assert pg.image.value != graded and pg.config == config
    pg.view["show_test"].value = False
    assert pg.wait(60)
    assert not pg._views["field"].display.field.points["val"].get_visible()
    assert pg.config == config
