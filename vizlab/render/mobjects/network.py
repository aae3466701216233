"""NetworkDiagram: the trained network as circles and lines, lit by one recorded step.

Units are columns of circles (inputs, hidden layers, output); a line joins
every pair of units in consecutive layers, blue for a positive weight and
orange for a negative one, thicker for a larger ``|w|`` (the weights of the
row shown). For one training example of the row's minibatch, hidden units
are filled by their activation (``embed/fc{i}``, the recorded hidden
representation of the training points) and the units that the recorded
dropout mask (``mask/drop{i}[row, j]``) switched off are greyed out with
their lines. Nothing is drawn at random: a different row shows a different
recorded mask.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, Circle, Line, Text, VGroup
from manim.utils.color import ManimColor

from vizlab.render import style
from vizlab.render.mobjects.colors import colormap_lut
from vizlab.render.mobjects.theme import FAINT, INK, MUTED, SMALL_SIZE
from vizlab.trace import Trace

DROPPED_FILL = style.DROPPED_FILL
IDLE_FILL = style.PAPER
MAX_UNITS = 16


def _rgb_hex(value: float, scale: float) -> str:
    """Colour of an activation on the unit map, ``value / scale`` in [-1, 1]."""
    t = 0.5 + 0.5 * float(np.clip(value / scale if scale > 0 else 0.0, -1.0, 1.0))
    r, g, b, _ = colormap_lut(style.UNIT_CMAP)[int(round(t * 255))]
    return f"#{r:02x}{g:02x}{b:02x}"


class NetworkDiagram(VGroup):
    """A feed-forward network drawn from a :func:`vizlab.train` trace.

    Parameters
    ----------
    trace : Trace
        Needs ``param/fc{i}.weight``; uses ``embed/fc{i}``, ``batch/indices``
        and ``mask/drop{i}`` when recorded.
    sample : int
        Position ``j`` in the row's minibatch of the example shown.
    width, height : float
        Size of the diagram in scene units.
    unit_radius : float
    labels : bool
        Names under the columns ("input", "hidden 1", ..., "output").

    Attributes
    ----------
    layers : VGroup of VGroup of Circle
        ``layers[0]`` the inputs, ``layers[-1]`` the outputs.
    edges : list of VGroup
        ``edges[i][a * n_in + b]`` joins unit ``b`` of layer ``i`` to unit ``a``
        of layer ``i + 1`` (the layout of ``param/fc{i+1}.weight``).
    kept : list of ndarray (units,) bool
        Per hidden layer, which units the shown step kept (all True where the
        layer has no dropout or on the final row).
    row : int
    """

    def __init__(
        self,
        trace: Trace,
        *,
        sample: int = 0,
        width: float = 6.0,
        height: float = 4.0,
        unit_radius: float = 0.2,
        labels: bool = True,
    ):
        super().__init__()
        n_layers = sum(1 for k in trace.keys("param") if k.endswith(".weight"))
        if n_layers == 0:
            raise ValueError("NetworkDiagram needs a train trace with param/fc{i}.weight arrays")
        self.trace, self.sample = trace, int(sample)
        weights = [trace[f"param/fc{i}.weight"] for i in range(1, n_layers + 1)]
        sizes = [weights[0].shape[2]] + [w.shape[1] for w in weights]
        if max(sizes) > MAX_UNITS:
            raise ValueError(
                f"NetworkDiagram draws layers of at most {MAX_UNITS} units; got {sizes}"
            )
        self.sizes, self.weights = sizes, weights
        # Line width scale per layer: the largest |w| of that layer over the run.
        self._wmax = [float(np.nanmax(np.abs(w))) or 1.0 for w in weights]
        xs = np.linspace(-width / 2, width / 2, len(sizes))
        self.layers = VGroup()
        for x, n in zip(xs, sizes):
            gap = min(height / max(n - 1, 1), 4.2 * unit_radius)
            ys = (np.arange(n) - (n - 1) / 2) * gap
            col = VGroup(
                *(
                    Circle(radius=unit_radius, stroke_color=INK, stroke_width=2.5)
                    .set_fill(IDLE_FILL, opacity=1.0)
                    .move_to([x, -y, 0])
                    for y in ys
                )
            )
            self.layers.add(col)
        self.edges = []
        for i in range(len(sizes) - 1):
            group = VGroup()
            for a in range(sizes[i + 1]):
                for b in range(sizes[i]):
                    group.add(
                        Line(
                            self.layers[i][b].get_center(),
                            self.layers[i + 1][a].get_center(),
                            buff=unit_radius,
                            stroke_width=1,
                        )
                    )
            self.edges.append(group)
        self.names = VGroup()
        if labels:
            names = ["input"] + [
                f"hidden {i}" if len(sizes) > 3 else "hidden" for i in range(1, len(sizes) - 1)
            ]
            names.append("output")
            for col, name in zip(self.layers, names):
                t = Text(name, font_size=SMALL_SIZE, color=MUTED)
                t.next_to(col, DOWN, buff=0.25)
                self.names.add(t)
            bottom = min(t.get_center()[1] for t in self.names)
            for t in self.names:
                t.set_y(bottom)
        # Static names first, so a LectureScene keeps them in its cached background.
        self.add(self.names, *self.edges, self.layers)
        self.kept = [np.ones(n, bool) for n in sizes[1:-1]]
        self.row = -1
        self.set_row(0)

    def _kept(self, row: int) -> list[np.ndarray]:
        out = []
        for i, n in enumerate(self.sizes[1:-1], start=1):
            key = f"mask/drop{i}"
            if key in self.trace:
                out.append(np.asarray(self.trace[key][row, self.sample], bool))
            else:
                out.append(np.ones(n, bool))
        return out

    def example_index(self, row: int) -> int | None:
        """Training-set index of the example shown at ``row`` (None on the final row)."""
        if "batch/indices" not in self.trace:
            return None
        idx = int(self.trace["batch/indices"][row, self.sample])
        return idx if idx >= 0 else None

    @property
    def updater_host(self):
        """The first part that changes per row: :meth:`Clock.drive` puts its updater there."""
        return self.edges[0]

    def set_row(self, row: int) -> NetworkDiagram:
        """Weights, activations and dropout of recorded row ``row``."""
        row = row % len(self.trace)
        if row == self.row:
            return self
        self.row = row
        self.kept = self._kept(row)
        alive = [np.ones(self.sizes[0], bool), *self.kept, np.ones(self.sizes[-1], bool)]
        for i, group in enumerate(self.edges):
            w = self.weights[i][row]
            n_in = self.sizes[i]
            for a in range(self.sizes[i + 1]):
                for b in range(n_in):
                    line = group[a * n_in + b]
                    v = w[a, b]
                    on = alive[i][b] and alive[i + 1][a]
                    color = style.BLUE if v >= 0 else style.ORANGE
                    line.set_stroke(
                        color=color if on else FAINT,
                        width=0.6 + 5.0 * abs(v) / self._wmax[i],
                        opacity=0.85 if on else 0.25,
                    )
        idx = self.example_index(row)
        X = self.trace["data/X_train"] if "data/X_train" in self.trace else None
        for b, unit in enumerate(self.layers[0]):
            if idx is not None and X is not None:
                unit.set_fill(_rgb_hex(X[idx, b], 2.0), opacity=1.0)
            else:
                unit.set_fill(IDLE_FILL, opacity=1.0)
        fr = self.trace.field_row(row)
        for i, (col, kept) in enumerate(zip(self.layers[1:-1], self.kept), start=1):
            key = f"embed/fc{i}"
            acts = None
            if idx is not None and fr is not None and key in self.trace:
                emb = self.trace[key]
                # 95th percentile of |activation| over the run: a few large values
                # would otherwise leave every unit near white.
                acts, scale = emb[fr, idx], float(np.nanpercentile(np.abs(emb), 95)) or 1.0
            for u, unit in enumerate(col):
                if not kept[u]:
                    unit.set_fill(DROPPED_FILL, opacity=1.0).set_stroke(FAINT)
                elif acts is not None:
                    unit.set_fill(_rgb_hex(acts[u], scale), opacity=1.0).set_stroke(INK)
                else:
                    unit.set_fill(IDLE_FILL, opacity=1.0).set_stroke(INK)
        return self

    def dropped_units(self, layer: int) -> np.ndarray:
        """Indices of the units of hidden layer ``layer`` (1-based) drawn greyed out now."""
        col = self.layers[layer]
        grey = ManimColor(DROPPED_FILL)
        return np.array(
            [u for u, unit in enumerate(col) if unit.get_fill_color() == grey], dtype=np.int64
        )
