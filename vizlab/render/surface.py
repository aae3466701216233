"""Gradient descent in 3-D: the ball rolling on the loss surface.

Nothing here imports torch.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes

from vizlab.render import style
from vizlab.render.base import Display, animator
from vizlab.render.lossmap import (
    DIVERGED_COLOR,
    MIN_COLOR,
    as_traces,
    clip_to_box,
    log_levels,
    status,
)
from vizlab.trace import Trace


class SurfaceDisplay(Display):
    """The path on the 3-D loss surface (see :func:`draw_surface_3d`)."""

    blit_safe = False  # 3-D axes re-sort their artists on every draw

    def __init__(self, trace: Trace, fig, artists: dict, xyz: np.ndarray, floor: float):
        super().__init__(trace, fig, artists)
        # (T, 3) points drawn on the surface: x, y, loss (NaN outside the box)
        self._xyz, self._floor = xyz, floor

    def update(self, row: int) -> list[Artist]:
        self.row = r = self._row(row)
        xyz = self._xyz[: r + 1]
        self.artists["path"].set_data_3d(xyz[:, 0], xyz[:, 1], xyz[:, 2])
        self.artists["shadow"].set_data_3d(xyz[:, 0], xyz[:, 1], np.full(len(xyz), self._floor))
        self.artists["ball"].set_data_3d(xyz[-1:, 0], xyz[-1:, 1], xyz[-1:, 2])
        self.artists["step"].set_text(f"step {int(self.trace.steps[r])}")
        self.artists["status"].set_text(status(self.trace, r))
        return list(self.artists.values())


def draw_surface_3d(
    trace: Trace,
    step: int = -1,
    *,
    ax: Axes | None = None,
    theme: str = "light",
    title: str | None = None,
    resolution: int = 60,
    elev: float = 28.0,
    azim: float = -130.0,
) -> SurfaceDisplay:
    """Gradient descent in 3-D: the loss surface with the path and the ball on it.

    Parameters
    ----------
    trace : Trace
        A 2-D run (``grid/x`` (W,), ``grid/y`` (H,), ``grid/loss`` (H, W),
        ``point/xy`` (T, 2), ``scalar/loss`` (T,)).
    step : int
        Recorded row to show.
    ax : Axes3D, optional
        A 3-D axes (``projection="3d"``); a new figure by default.
    resolution : int
        Grid lines per axis of the drawn surface (the stored grid is thinned).
    elev, azim : float
        View angle in degrees.

    Returns
    -------
    SurfaceDisplay
        ``artists["path"]`` (x, y, loss) of the first row+1 points (NaN where
        the path left the drawn box), ``artists["ball"]``, ``artists["shadow"]``
        (the path on the floor, over the contour map).
    """
    (trace,) = as_traces(trace, ("grid/x", "grid/y", "grid/loss", "point/xy", "scalar/loss"))
    if ax is not None and getattr(ax, "name", "") != "3d":
        raise ValueError("draw_surface_3d needs a 3-D axes (projection='3d')")
    gx, gy, Z = trace["grid/x"], trace["grid/y"], trace["grid/loss"]
    sy, sx = max(1, len(gy) // resolution), max(1, len(gx) // resolution)
    X, Y = np.meshgrid(gx[::sx], gy[::sy])
    Zs = Z[::sy, ::sx]
    zmin, zmax = float(Z.min()), float(Z.max())
    floor = zmin - 0.25 * (zmax - zmin)
    xy = clip_to_box(trace["point/xy"], (gx[0], gx[-1]), (gy[0], gy[-1]))
    loss = np.where(np.isfinite(xy[:, 0]), trace["scalar/loss"], np.nan)
    with style.theme(theme):
        if ax is None:
            fig = plt.figure(figsize=(12.8, 7.2), layout="constrained")
            ax = fig.add_subplot(projection="3d", computed_zorder=False)
        fig = ax.figure
        ax.plot_surface(
            X,
            Y,
            Zs,
            cmap=style.SURFACE_CMAP,
            alpha=0.75,
            linewidth=0,
            antialiased=True,
            rstride=1,
            cstride=1,
            zorder=1,
        )
        ax.contour(
            gx,
            gy,
            Z,
            levels=log_levels(Z, 14),
            zdir="z",
            offset=floor,
            cmap=style.SURFACE_CMAP,
            linewidths=1,
            alpha=0.6,
            zorder=0,
        )
        (shadow,) = ax.plot([], [], [], "-", color=style.PATH_COLOR, lw=1.5, alpha=0.6, zorder=2)
        (path,) = ax.plot([], [], [], "-o", color=style.PATH_COLOR, lw=2.5, ms=4, zorder=5)
        (ball,) = ax.plot([], [], [], "o", color=style.PATH_COLOR, ms=14, mec=style.INK, zorder=8)
        if "data/minima" in trace and len(trace["data/minima"]):
            # A star on the surface, where the ball arrives, and its shadow on the floor map.
            m = trace["data/minima"]
            ix = np.abs(gx[None, :] - m[:, :1]).argmin(1)
            iy = np.abs(gy[None, :] - m[:, 1:2]).argmin(1)
            ax.plot(
                m[:, 0], m[:, 1], Z[iy, ix], "*", ms=24, color=MIN_COLOR, mec=style.INK, zorder=7
            )
            ax.plot(
                m[:, 0],
                m[:, 1],
                np.full(len(m), floor),
                "*",
                ms=12,
                color=MIN_COLOR,
                mec=style.INK,
                zorder=0.5,
            )
        ax.set_xlim(gx[0], gx[-1])
        ax.set_ylim(gy[0], gy[-1])
        ax.set_zlim(floor, zmax)
        ax.view_init(elev=elev, azim=azim)
        ax.set_box_aspect(None, zoom=1.1)
        ax.set_xlabel("x", labelpad=10)
        ax.set_ylabel("y", labelpad=10)
        ax.set_zlabel("loss", labelpad=10)
        step_text = ax.text2D(0.02, 0.95, "", transform=ax.transAxes, fontsize=16)
        status_text = ax.text2D(
            0.02,
            0.89,
            "",
            transform=ax.transAxes,
            fontsize=15,
            color=DIVERGED_COLOR,
            fontweight="bold",
        )
        land = trace.header.get("landscape", {})
        default = "Gradient descent in 3-D: every step goes downhill"
        if land.get("title"):
            default += f"\n{land['title']}"
        ax.set_title(title or default)
    disp = SurfaceDisplay(
        trace,
        fig,
        {"path": path, "ball": ball, "shadow": shadow, "step": step_text, "status": status_text},
        np.column_stack([xy, loss]),
        floor,
    )
    disp.update(step)
    return disp


animate_surface_3d = animator(draw_surface_3d)
