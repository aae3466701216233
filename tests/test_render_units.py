"""Activations, hidden units, dropout and L1/L2: closed forms and data-level checks on artists."""

import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

import vizlab
from vizlab import RunConfig
from vizlab.core.worked import (
    l1_minimiser,
    l2_minimiser,
    penalised_optimum,
    penalty_descent,
    worked_table,
)
from vizlab.render import activations as A
from vizlab.render import dropout as D
from vizlab.render import regularization as R
from vizlab.render import style

SMALL = dict(device="cpu", n_points=60, grid=12, frames=4)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def xor2():
    cfg = RunConfig(
        dataset="xor", hidden=(2,), activation="tanh", optimizer="adam", lr=0.05, steps=60, **SMALL
    )
    return vizlab.train(cfg)


@pytest.fixture(scope="module")
def dropped():
    cfg = RunConfig(
        dataset="moons",
        hidden=(5, 3),
        activation="relu",
        dropout=(0.5,),
        batch_size=8,
        steps=12,
        **SMALL,
    )
    return vizlab.train(cfg)


PENALTY_BASE = RunConfig(
    dataset="moons",
    hidden=(8,),
    lr=0.1,
    steps=300,
    device="cpu",
    frames=0,
    n_points=100,
    grid=4,
)


@pytest.fixture(scope="module")
def l1_l2():
    base = PENALTY_BASE
    return vizlab.train(base.replace(l1=0.01)), vizlab.train(base.replace(l2=0.01))


@pytest.fixture(scope="module")
def no_penalty():
    return vizlab.train(PENALTY_BASE)


# ------------------------------------------------------------ worked example
def test_worked_table_equals_the_slide():
    rows = worked_table()
    got = [(round(r.l1, 2), round(r.l2, 2)) for r in rows]
    slide = [(3.75, 9.31), (8.0, 30.0), (3.33, 11.11), (4.29, 7.14)]
    assert got[:4] == slide
    # The slide's last two candidates are exactly the two closed-form minimisers.
    assert [r.label for r in rows[4:]] == ["L1 minimiser", "L2 minimiser"]
    np.testing.assert_allclose(rows[4].w, rows[2].w)
    np.testing.assert_allclose(rows[5].w, rows[3].w)
    np.testing.assert_allclose([r.fit for r in rows], 10.0)
    np.testing.assert_allclose(rows[5].w, (30 / 14, 20 / 14, 10 / 14))


def test_minimisers_on_other_data_match_lstsq_and_enumeration():
    x, y = np.array([1.0, -4.0, 2.0, 0.5]), -3.0
    rows = worked_table(x, y)
    assert [r.label for r in rows] == ["L1 minimiser", "L2 minimiser"]
    # numpy's least squares returns the minimum-norm exact fit.
    np.testing.assert_allclose(l2_minimiser(x, y), np.linalg.lstsq(x[None], [y], rcond=None)[0])
    # The L1 minimum over exact fits is attained at a vertex y/x_k e_k: check them all.
    best = min(abs(y / v) for v in x)
    np.testing.assert_allclose(np.abs(l1_minimiser(x, y)).sum(), best)
    assert np.count_nonzero(l1_minimiser(x, y)) == 1


def test_l1_descent_reaches_exact_zeros():
    t = penalty_descent("l1", strength=0.2, lr=0.05, steps=800)
    w = t["point/xy"][-1]
    assert w[1] == 0.0 and w[2] == 0.0
    np.testing.assert_allclose(w, penalised_optimum("l1", (3, 2, 1), 10, 0.2), atol=1e-9)
    np.testing.assert_allclose(w, [10 / 3, 0, 0], rtol=1e-2)
    np.testing.assert_allclose(t["scalar/l1"], np.abs(t["point/xy"]).sum(1))
    np.testing.assert_allclose(t["scalar/fit"], t["point/xy"] @ [3, 2, 1])


def test_subgradient_l1_only_hovers_near_zero():
    t = penalty_descent("l1", strength=0.2, lr=0.05, steps=800, method="subgradient")
    tail = t["point/xy"][-100:, 1:]
    assert np.count_nonzero(tail) > 150
    assert np.abs(tail).max() < 0.05


def test_l2_descent_matches_exact_iterates_and_min_norm():
    x, lam, lr = np.array([3.0, 2.0, 1.0]), 0.1, 0.02
    t = penalty_descent("l2", strength=lam, lr=lr, steps=600)
    # From 0, w_k = c_k x with c_k = c*(1 - (1 - 2 lr (|x|^2 + lam))^k), c* = y / (|x|^2 + lam).
    k = np.arange(601)
    c = 10 / (x @ x + lam) * (1 - (1 - 2 * lr * (x @ x + lam)) ** k)
    np.testing.assert_allclose(t["point/xy"], c[:, None] * x, atol=1e-10)
    np.testing.assert_allclose(t["point/xy"][-1], l2_minimiser(x, 10), rtol=1e-2)


def test_two_weight_run_records_the_loss_grid():
    t = penalty_descent("l2", strength=0.3, lr=0.03, steps=10, x=(3, 2))
    gx, gy, loss = t["grid/x"], t["grid/y"], t["grid/loss"]
    assert loss.shape == (len(gy), len(gx))
    np.testing.assert_allclose(loss[5, 7], (3 * gx[7] + 2 * gy[5] - 10) ** 2)


@pytest.mark.parametrize(
    "kw", [dict(penalty="l3"), dict(strength=-1.0), dict(start=(0, 0)), dict(method="ista")]
)
def test_penalty_descent_rejects_bad_input(kw):
    with pytest.raises(ValueError):
        penalty_descent(**{"steps": 5, **kw})


# --------------------------------------------------------------- activations
def test_drawn_derivatives_are_derivatives_of_drawn_functions():
    d = A.draw_activations()
    for name, line in d.artists["g"].items():
        z, g = line.get_xdata(), line.get_ydata()
        dg = d.artists["dg"][name].get_ydata()
        away = np.abs(z) > 0.05  # the kinks of ReLU-like functions
        np.testing.assert_allclose(np.gradient(g, z)[away][1:-1], dg[away][1:-1], atol=2e-3)


def test_hidden_unit_images_hold_the_recorded_maps(xor2):
    d = A.draw_hidden_units(xor2, step=0)
    for row in (0, 17, -1):
        d.update(row)
        fr = xor2.field_row(row)
        for u, im in enumerate(d.artists["units"][1]):
            np.testing.assert_array_equal(im.get_array(), xor2["act/fc1"][fr][u])
        np.testing.assert_array_equal(d.artists["output"].get_array(), xor2["field/output"][fr])


def test_representation_vertices_are_the_recorded_activations(xor2):
    row = 30
    d = A.draw_representation(xor2, step=row, n_lines=5)
    fr = xor2.field_row(row)
    act = xor2["act/fc1"][fr]
    for seg, i in zip(d.artists["rows"].get_segments(), d.line_rows):
        np.testing.assert_allclose(seg, act[:, i, :].T)
    for seg, j in zip(d.artists["cols"].get_segments(), d.line_cols):
        np.testing.assert_allclose(seg, act[:, :, j].T)
    np.testing.assert_allclose(d.artists["points"].get_offsets(), xor2["embed/fc1"][fr])
    # The drawn output line solves w . h + b = 0 with the parameters of that field row.
    r = int(xor2.field_steps[fr])
    w, b = xor2["param/fc2.weight"][r][0], xor2["param/fc2.bias"][r][0]
    h = np.c_[d.artists["boundary"].get_data()]
    np.testing.assert_allclose(h @ w + b, 0, atol=1e-5)  # float32 weights


def test_representation_note_and_separation_agree_with_the_recorded_accuracy(xor2):
    """The output line's side in hidden space is the network's prediction: the share of
    points on their class's side is the engine's recorded training accuracy."""
    acc = np.asarray(xor2["scalar/acc_train"], dtype=float)
    d = A.draw_representation(xor2, step=0)
    for fr in (0, len(xor2.field_steps) // 2, len(xor2.field_steps) - 1):
        row = int(xor2.field_steps[fr])
        d.update(row)
        assert d.artists["note"].get_text().startswith(f"{acc[row]:.0%} of training points")
        flat = np.abs(xor2["embed/fc1"][fr].astype(np.float64)) > np.sqrt(0.95)
        assert f"{flat.mean():.0%} of unit outputs saturated" in d.artists["note"].get_text()
    row, share = A.separation_row(xor2)
    field_acc = acc[xor2.field_steps]
    assert share == pytest.approx(field_acc.max(), abs=1e-6)
    assert row == int(xor2.field_steps[np.argmax(field_acc >= field_acc.max() - 1e-9)])


def test_representation_needs_two_or_three_units(dropped):
    with pytest.raises(ValueError, match="2 or 3"):
        A.draw_representation(dropped)


def test_saturation_matches_an_independent_count(xor2):
    d = A.draw_saturation(xor2, step=-1)
    emb = xor2["embed/fc1"].astype(np.float64)
    # tanh' = 1 - a^2 < 0.05  <=>  |a| > sqrt(0.95)
    flat = np.abs(emb) > np.sqrt(0.95)
    np.testing.assert_allclose(d.artists["sat"][1].get_ydata(), flat.mean((1, 2)))
    np.testing.assert_allclose(d.artists["dead"][1].get_ydata(), flat.all(1).mean(1))
    heights = [b.get_height() for b in d.artists["bars"]]
    assert sum(heights) == pytest.approx(1.0)


# ------------------------------------------------------------------- dropout
def test_greyed_units_are_exactly_the_mask_zeros(dropped):
    grey = np.array(plt.matplotlib.colors.to_rgba(D.DROPPED_FILL))
    for row, sample in ((0, 0), (5, 3), (11, 7)):
        d = D.draw_dropout_network(dropped, step=row, sample=sample)
        faces = d.artists["units"].get_facecolors()
        start = 2
        crossed = []
        for i, width in ((1, 5), (2, 3)):
            zeros = np.flatnonzero(~dropped[f"mask/drop{i}"][row, sample])
            np.testing.assert_array_equal(d.dropped(row)[i], zeros)
            is_grey = np.all(np.isclose(faces[start : start + width], grey), axis=1)
            np.testing.assert_array_equal(np.flatnonzero(is_grey), zeros)
            crossed.append(d.positions[i][zeros])
            start += width
        np.testing.assert_allclose(d.artists["crosses"].get_offsets(), np.concatenate(crossed))
        # Connections into or out of a dropped unit are invisible, all others are not.
        kept1 = dropped["mask/drop1"][row, sample]
        alpha = d.artists["edges"][0].get_colors()[:, 3].reshape(2, 5)
        np.testing.assert_array_equal(alpha > 0, np.broadcast_to(kept1, (2, 5)))
        index = dropped["batch/indices"][row, sample]
        assert f"example {index}" in d.artists["title"].get_text()


def test_final_row_keeps_every_unit(dropped):
    d = D.draw_dropout_network(dropped, step=-1)
    assert all(len(v) == 0 for v in d.dropped(len(dropped) - 1).values())
    assert "every unit kept" in d.artists["title"].get_text()


def test_dropout_network_refuses_runs_without_dropout(xor2):
    with pytest.raises(ValueError, match="dropout"):
        D.draw_dropout_network(xor2)


def test_dropout_network_refuses_a_sample_outside_the_batch(dropped):
    with pytest.raises(ValueError, match="sample"):
        D.draw_dropout_network(dropped, sample=8)


def test_comparison_titles_hold_final_losses(dropped, xor2):
    d = D.draw_dropout_comparison([dropped])
    lt, lv = dropped["scalar/loss_train"][-1], dropped["scalar/loss_val"][-1]
    assert d.axes[0].get_title() == f"Loss – Train: {lt:.2f}, Val: {lv:.2f}, p = 0.5"
    d = R.draw_lambda_sweep([xor2])
    assert d.axes[0].get_title().endswith("λ = 0")


# ------------------------------------------------------------ regularization
def test_zero_count_line_equals_a_numpy_count(l1_l2):
    l1, l2 = l1_l2
    row = 250
    d = R.draw_weight_paths(l1, l2, step=row)
    for k, t in enumerate((l1, l2)):
        W = t["param/fc1.weight"][: row + 1]
        expect = [np.count_nonzero(np.abs(w) < 1e-3) for w in W]
        np.testing.assert_array_equal(d.artists["zeros"][k].get_ydata(), expect)
        segs = d.artists["paths"][k].get_segments()
        assert len(segs) == 16 and len(segs[0]) == row + 1
        np.testing.assert_allclose(segs[3][:, 1], W[:, 1, 1])  # weight (out=1, in=1)
        # the histogram: 41 equal bins over the largest |w| of both runs, counts at the row
        m = max(float(np.abs(u["param/fc1.weight"]).max()) for u in (l1, l2))
        counts, edges = np.histogram(W[-1].ravel(), bins=41, range=(-m, m))
        hist = d.artists["hist"][k].get_data()
        np.testing.assert_array_equal(hist.values, counts)
        np.testing.assert_allclose(hist.edges, edges)


def test_baseline_is_drawn_as_the_reference_with_its_own_counts_and_norms(l1_l2, no_penalty):
    l1, l2 = l1_l2
    row = 120
    d = R.draw_weight_paths(l1, l2, step=row, baseline=no_penalty)
    assert len(d.artists["paths"]) == 3
    for k, t in enumerate((l1, l2, no_penalty)):
        W = t["param/fc1.weight"][: row + 1]
        norms = [float(np.sqrt((w**2).sum())) for w in W]  # oracle: the Frobenius norm
        np.testing.assert_allclose(d.artists["norms"][k].get_ydata(), norms, rtol=1e-6)
        zeros = [np.count_nonzero(np.abs(w) < 1e-3) for w in W]
        np.testing.assert_array_equal(d.artists["zeros"][k].get_ydata(), zeros)
    ref = plt.matplotlib.colors.to_rgba(style.REFERENCE_COLOR)
    for line in (d.artists["zeros"][2], d.artists["norms"][2]):
        assert plt.matplotlib.colors.to_rgba(line.get_color()) == ref
        assert line.get_linestyle() == style.REFERENCE_LINESTYLE
    np.testing.assert_allclose(d.artists["paths"][2].get_colors()[0][:3], ref[:3], atol=1e-6)
    # L2 only shrinks: a smaller norm than no penalty at the end of the run.
    assert R.layer_norm(l2)[-1] < R.layer_norm(no_penalty)[-1]
    with pytest.raises(ValueError, match="no penalty"):
        R.draw_weight_paths(l1, l2, baseline=l2)


def test_l1_zeroes_more_weights_than_l2(l1_l2):
    l1, l2 = l1_l2
    assert R.zero_counts(l1)[-1] >= R.zero_counts(l2)[-1] + 4


def test_worked_table_highlights_the_minimisers():
    learned = [penalty_descent("l1", strength=0.2, lr=0.05, steps=800)]
    d = R.draw_worked_table(learned=learned)
    table = d.artists["table"]
    best = np.array(plt.matplotlib.colors.to_rgba(R.BEST_FILL))
    cols = {"l1": 4, "l2": 5}
    for key, col in cols.items():
        lit = [
            i for i in range(1, len(d.rows) + 1) if np.allclose(table[i, col].get_facecolor(), best)
        ]
        labels = [d.rows[i - 1].label for i in lit]
        assert f"{key.upper()} minimiser" in labels
        exact = 3.33 if key == "l1" else 7.14
        for i in lit:
            r = d.rows[i - 1]
            v = round(getattr(r, key), 2)
            # The minimiser itself, or a descent run under this penalty that reached it.
            assert v == exact or (
                r.label.startswith(f"descent, {key.upper()}")
                and abs(v - exact) <= 0.02 * exact + 0.01
            ), (r.label, v)
    descent = [i for i, r in enumerate(d.rows, start=1) if r.label.startswith("descent, L1")]
    assert all(np.allclose(table[i, cols["l1"]].get_facecolor(), best) for i in descent)
    assert table[7, 2].get_text().get_text() == "0.00"  # the learned L1 row: w2 = 0


def test_penalty_geometry_paths_hold_the_first_points():
    a = penalty_descent("l1", strength=0.3, lr=0.03, steps=40, x=(3, 2))
    b = penalty_descent("l2", strength=0.3, lr=0.03, steps=40, x=(3, 2))
    d = R.draw_penalty_geometry(a, b, step=12)
    for t, line in zip((a, b), d.artists["paths"]):
        np.testing.assert_allclose(np.c_[line.get_data()], t["point/xy"][:13])
    with pytest.raises(ValueError):
        R.draw_penalty_geometry(b, a)


def test_renderers_do_not_import_torch():
    code = (
        "import sys, matplotlib; matplotlib.use('Agg');"
        "from vizlab.render import activations, dropout, regularization;"
        "activations.draw_activations(); regularization.draw_worked_table();"
        "assert 'torch' not in sys.modules, 'torch was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
