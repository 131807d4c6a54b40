"""The decision-boundary panel: a value field over [-6, 6]² with the data points on it.

The field is drawn with half-block pixels, square: P pixel columns by P pixel rows in P
cells wide and P / 2 cells high, as large as the panel allows. `Boundary.grid_size` is
that P; the panel posts `Boundary.GridSizeChanged` when it changes so the app can compute
the field at the size it is shown (a field of any other size is resampled).

While training, most pixels that change move by a single shade of 31, invisibly, and each
repainted cell costs bytes over SSH. So a frame drawn with `exact=False` repaints a pixel
only when its shade moved by `SMALL_CHANGE + 1` or more, or when a small change has been
pending for `PENDING_FRAMES` such frames; NaN and discretize changes always repaint. An
exact frame (the default) shows the true shades.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Static

from tuiplay.ui.palette import (
    NAN_INDEX,
    ZERO_SHADE,
    ColorMode,
    check_color_mode,
    point_indices,
    shade_indices,
)
from tuiplay.ui.widgets.halfblock import NO_MARK, HalfBlockCanvas

if TYPE_CHECKING:
    from tuiplay.engine.trainer import Session

DOMAIN = 6.0
"""The field and the points span [-DOMAIN, DOMAIN] on both axes."""

Y_AXIS_WIDTH = 3
"""Cells left of the field for the y labels and ticks (" 6┤")."""

SMALL_CHANGE = 1
"""The largest shade step an inexact frame may leave unpainted."""

PENDING_FRAMES = 4
"""Inexact frames a small change may wait before it is painted anyway."""


def data_to_pixel(points: np.ndarray, grid_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Nearest pixel (rows, columns) of (N, 2) data points (x, y) in a field of `grid_size`².

    Pixel centres sit on the grid the engine samples: column i at x = -6 + 12 i / (P - 1),
    row j at y = 6 - 12 j / (P - 1). Points well outside [-6, 6]² get rows or columns
    outside 0 .. P - 1.
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    scale = (grid_size - 1) / (2 * DOMAIN)
    columns = np.rint((points[:, 0] + DOMAIN) * scale).astype(np.intp)
    rows = np.rint((DOMAIN - points[:, 1]) * scale).astype(np.intp)
    return rows, columns


def resample(pixels: np.ndarray, grid_size: int) -> np.ndarray:
    """A (P, P) picture taken from a square one of any size by nearest grid point."""
    source = pixels.shape[0]
    if source == grid_size:
        return pixels
    if grid_size < 2 or source < 2:
        return np.full((grid_size, grid_size), pixels[0, 0], dtype=pixels.dtype)
    nearest = np.rint(np.arange(grid_size) * (source - 1) / (grid_size - 1)).astype(np.intp)
    return pixels[np.ix_(nearest, nearest)]


def y_axis_text(rows: int) -> str:
    """Labels 6, 0 and -6 with ticks beside a field `rows` cells high."""
    lines = ["  │"] * rows
    if rows:
        lines[(rows - 1) // 2] = " 0┤"
        lines[0] = " 6┤"
        lines[-1] = "-6┤"
    return "\n".join(lines)


def x_axis_text(columns: int) -> str:
    """Labels -6, 0 and 6 under the first, middle and last column of the field."""
    if columns < 6:
        return ""
    line = [" "] * columns
    line[0:2] = "-6"
    line[(columns - 1) // 2] = "0"
    line[-1] = "6"
    return " " * Y_AXIS_WIDTH + "".join(line)


class ShadeHysteresis:
    """The shades to show when small changes may wait: see the module docstring.

    `update(true_shades, exact)` returns the picture to show and remembers it.
    """

    def __init__(self) -> None:
        self._shown = np.zeros((0, 0), dtype=np.uint8)
        self._waited = np.zeros((0, 0), dtype=np.uint8)  # inexact frames each pixel lagged

    def update(self, true_shades: np.ndarray, exact: bool) -> np.ndarray:
        """The shades to show for `true_shades` (palette indices), exactly or not."""
        if exact or true_shades.shape != self._shown.shape:
            self._shown = true_shades.copy()
            self._waited = np.zeros(true_shades.shape, dtype=np.uint8)
            return self._shown.copy()
        step = np.abs(true_shades.astype(np.int16) - self._shown)
        nan_changed = (true_shades == NAN_INDEX) != (self._shown == NAN_INDEX)
        lagging = step > 0
        self._waited = np.where(lagging, np.minimum(self._waited + 1, PENDING_FRAMES), 0)
        paint = (step > SMALL_CHANGE) | nan_changed | (self._waited >= PENDING_FRAMES)
        self._shown[paint] = true_shades[paint]
        self._waited[paint] = 0
        return self._shown.copy()


@dataclass(frozen=True)
class _Points:
    positions: np.ndarray
    markers: np.ndarray


_NO_POINTS = _Points(np.zeros((0, 2)), np.zeros(0, dtype=np.uint8))


class Boundary(Widget):
    """The main heatmap: a field of values in [-1, 1] with training and test points.

    - `show(values, session, caption, exact=...)`: everything for one frame: the field, the
      session's points (test points when its config shows them), discretize, and the
      caption. `exact=False` lets small shade changes wait (see the module docstring).
    - `set_field(values, discretize=..., exact=...)`: values over [-6, 6]², shape (Q, Q),
      row 0 at y = +6 and column 0 at x = -6; NaN shows grey. Same values again repaint
      nothing.
    - `set_points(train_points, train_labels, test_points, test_labels)`: (N, 2) points and
      their labels; test points are drawn only when given, and differ from train points.
    - `caption`: one line saying what the field shows ("output", "neuron 2 of layer 1").
    - `color_mode`: one of `palette.COLOR_MODES`.
    - `grid_size`: the pixel size P the panel shows now (0 while it has no room).
    """

    DEFAULT_CSS = """
    Boundary {
        width: 1fr;
        height: 1fr;
    }
    Boundary > #caption {
        height: 1;
        text-style: bold;
    }
    Boundary > Horizontal {
        width: auto;
        height: auto;
    }
    Boundary #y-axis, Boundary #x-axis {
        width: auto;
        height: auto;
        color: $text-muted;
    }
    """

    caption: var[str] = var("output")
    color_mode: var[ColorMode] = var("truecolor")

    @dataclass
    class GridSizeChanged(Message):
        """The panel's pixel size changed: compute the field at `grid_size` now."""

        boundary: Boundary
        grid_size: int

    def __init__(
        self,
        color_mode: ColorMode = "truecolor",
        caption: str = "output",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._canvas = HalfBlockCanvas(color_mode)
        self._grid_size = 0
        self._shades = np.full((1, 1), ZERO_SHADE, dtype=np.uint8)
        self._discretize = False
        self._hysteresis = ShadeHysteresis()
        self._train = self._test = _NO_POINTS
        self.set_reactive(Boundary.caption, caption)
        self.set_reactive(Boundary.color_mode, check_color_mode(color_mode))

    def compose(self) -> ComposeResult:
        yield Static(self.caption, id="caption", markup=False)
        with Horizontal():
            yield Static("", id="y-axis", markup=False)
            yield self._canvas
        yield Static("", id="x-axis", markup=False)

    @property
    def grid_size(self) -> int:
        """Pixels per side of the field as shown now: compute the field at this size."""
        return self._grid_size

    def show(
        self, values: np.ndarray, session: Session, caption: str, *, exact: bool = True
    ) -> None:
        """Show one frame: `values` over the grid, the session's points, and `caption`.

        With `exact=False`, pixels whose shade moved by one may keep the old shade a while.
        """
        config = session.config
        self.caption = caption
        exact = self._store_field(values, config.discretize) or exact
        if config.show_test_data:
            self._store_points(
                session.train_points,
                session.train_labels,
                session.test_points,
                session.test_labels,
            )
        else:
            self._store_points(session.train_points, session.train_labels)
        self._draw(exact=exact)

    def set_field(
        self, values: np.ndarray, *, discretize: bool = False, exact: bool = True
    ) -> None:
        """Show a square field of values (see the class docstring for its orientation)."""
        exact = self._store_field(values, discretize) or exact
        self._draw(exact=exact)

    def set_points(
        self,
        train_points: np.ndarray,
        train_labels: np.ndarray,
        test_points: np.ndarray | None = None,
        test_labels: np.ndarray | None = None,
    ) -> None:
        """Show these training points, and the test points if given (None hides them)."""
        self._store_points(train_points, train_labels, test_points, test_labels)
        self._draw()

    def _store_field(self, values: np.ndarray, discretize: bool) -> bool:
        """Keep the field's shades; True when discretize changed, which must show exactly."""
        values = np.asarray(values)
        if values.ndim != 2 or values.shape[0] != values.shape[1] or values.size == 0:
            raise ValueError(f"the boundary field must be square (P, P), not {values.shape}")
        self._shades = shade_indices(values, discretize)
        discretize_changed = discretize != self._discretize
        self._discretize = discretize
        return discretize_changed

    def _store_points(
        self,
        train_points: np.ndarray,
        train_labels: np.ndarray,
        test_points: np.ndarray | None = None,
        test_labels: np.ndarray | None = None,
    ) -> None:
        self._train = _Points(np.asarray(train_points), point_indices(train_labels))
        if test_points is None or test_labels is None:
            self._test = _NO_POINTS
        else:
            self._test = _Points(np.asarray(test_points), point_indices(test_labels, test=True))

    def watch_caption(self, caption: str) -> None:
        if self.is_mounted:
            self.query_one("#caption", Static).update(caption)

    def validate_color_mode(self, mode: str) -> ColorMode:
        return check_color_mode(mode)

    def watch_color_mode(self, mode: ColorMode) -> None:
        self._canvas.color_mode = mode

    def on_resize(self) -> None:
        width, height = self.content_size
        available = min(width - Y_AXIS_WIDTH, 2 * (height - 2))
        grid_size = max(0, available - available % 2)
        if grid_size == self._grid_size:
            return
        self._grid_size = grid_size
        self.query_one("#y-axis", Static).update(y_axis_text(grid_size // 2))
        self.query_one("#x-axis", Static).update(x_axis_text(grid_size))
        self._draw()
        self.post_message(self.GridSizeChanged(self, grid_size))

    def _draw(self, *, exact: bool = True) -> None:
        size = self._grid_size
        image = self._hysteresis.update(resample(self._shades, size), exact)
        marks = np.full((size, size), NO_MARK, dtype=np.uint8)
        for points in (self._train, self._test):
            rows, columns = data_to_pixel(points.positions, size)
            shown = (rows >= 0) & (rows < size) & (columns >= 0) & (columns < size)
            marks[rows[shown], columns[shown]] = points.markers[shown]
        self._canvas.set_image(image, marks)
