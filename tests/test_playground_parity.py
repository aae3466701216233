"""The Playground's TensorFlow-Playground controls: problem type, features, ratio, layers, graph."""

from __future__ import annotations

import base64
import io
import re
from xml.etree import ElementTree

import numpy as np
import pytest
from conftest import import_or_skip

import_or_skip("ipywidgets")

from PIL import Image  # noqa: E402

import vizlab  # noqa: E402
from vizlab.render import style  # noqa: E402
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
    # one triangle per validation point, and one in the legend
    assert _triangles(graded) == len(pg.snapshot.data["data/X_val"]) + 1 > 1
    pg.view["discretize"].value = True
    assert pg.wait(60)
    # hard regions: each pixel the colour of the more probable class, nothing between
    shown = _field_pixels(pg.image.value)
    lut = (255 * style.FIELD_CMAP(np.linspace(0, 1, 256))[:, :3]).round()
    hard = pg.snapshot.fields["field/output"][::-1] >= 0.5
    np.testing.assert_array_equal(shown, np.where(hard[..., None], lut[255], lut[0]))
    assert pg.image.value != graded and pg.config == config
    pg.view["show_test"].value = False
    assert pg.wait(60)
    assert _triangles(pg.image.value) == 0  # the validation points and their legend are gone
    assert pg.config == config


def _field_pixels(svg: bytes) -> np.ndarray:
    root = ElementTree.fromstring(svg)
    href = next(root.iter("{http://www.w3.org/2000/svg}image")).get("href")
    png = base64.b64decode(href.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(float)


def _triangles(svg: bytes) -> int:
    """Validation marks: the triangles of the field panel and its legend."""
    return len(re.findall(rb'<path d="M[\d.]+ [\d.]+l4.5 7.8h-9z"', svg))
