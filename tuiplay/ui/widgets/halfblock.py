"""Pictures of palette indices drawn with half-block cells, sending as few bytes as possible.

A terminal cell shows two stacked pixels: `▀` with the upper pixel as foreground and the
lower as background, or a space on the background when both look the same. Every segment
costs a full colour escape, and Textual resends the dirty part of a line without diffing
cells, so:

- equal neighbouring cells are merged into one segment (runs found with numpy);
- the text and style of every (upper, lower) pair is built once per colour mode;
- `HalfBlockCanvas.set_image` refreshes only the rows whose pixels changed (the span from
  the first to the last changed cell, see `changed_span`), and nothing when nothing did.

Pixels are palette indices from `tuiplay.ui.palette`; points and other marks are laid over
a picture with `overlay` (or the `marks` argument of `set_image`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tuiplay.ui.palette import N_INDICES, ColorMode, check_color_mode, palette_for

NO_MARK = 255
"""The value of a `marks` pixel that leaves the picture's pixel showing."""


@dataclass(frozen=True)
class CellTable:
    """Every distinct cell of a colour mode, and which one each (upper, lower) pair is.

    `ids[upper, lower]` indexes `texts` and `styles`; pairs that look the same share an id,
    so a run of equal ids is one segment.
    """

    ids: np.ndarray
    texts: tuple[str, ...]
    styles: tuple[Style, ...]


@cache
def cell_table(mode: ColorMode) -> CellTable:
    """The cell table of a colour mode, built once."""
    palette = palette_for(mode)
    ids = np.empty((N_INDICES, N_INDICES), dtype=np.int16)
    cells: dict[tuple[str, Style], int] = {}
    for upper in range(N_INDICES):
        for lower in range(N_INDICES):
            ids[upper, lower] = cells.setdefault(palette.cell(upper, lower), len(cells))
    texts = tuple(text for text, _ in cells)
    styles = tuple(style for _, style in cells)
    return CellTable(ids, texts, styles)


def half_block_strip(upper: np.ndarray, lower: np.ndarray, mode: ColorMode) -> Strip:
    """One line of cells showing two pixel rows of palette indices (equal lengths).

    Neighbouring cells that look the same are merged into one segment.
    """
    table = cell_table(mode)
    ids = table.ids[upper, lower]
    width = len(ids)
    if width == 0:
        return Strip([], 0)
    starts = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    bounds = np.concatenate(([0], starts, [width])).tolist()
    texts, styles = table.texts, table.styles
    segments = [
        Segment(texts[cell] * (end - start), styles[cell])
        for cell, start, end in zip(ids[bounds[:-1]].tolist(), bounds[:-1], bounds[1:])
    ]
    return Strip(segments, width)


def overlay(image: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """`image` with every pixel of `marks` (same shape) that is not NO_MARK laid over it."""
    return np.where(marks != NO_MARK, marks, image).astype(np.uint8)


def changed_span(changed_cells: np.ndarray, row: int) -> Region | None:
    """The region of line `row` from its first to its last changed cell (a 1-D bool array).

    One region per line, not one per run of changes: Textual (8.2) writes every dirty span
    of a line from the widget's left edge to the span's right end, so a second region on
    the same line resends everything left of it again. Ending at the last changed cell
    saves the cells to its right.
    """
    changed = np.flatnonzero(changed_cells)
    if len(changed) == 0:
        return None
    first, last = int(changed[0]), int(changed[-1])
    return Region(first, row, last - first + 1, 1)


class HalfBlockCanvas(Widget):
    """A picture of palette indices, shape (2 * rows, columns), one cell per pixel pair.

    Call `set_image` with each new picture; only changed rows are repainted. The widget's
    natural size is the picture's (columns wide, rows high). `color_mode` (one of
    `palette.COLOR_MODES`) picks the colours; changing it repaints everything.
    """

    DEFAULT_CSS = """
    HalfBlockCanvas {
        width: auto;
        height: auto;
    }
    """

    color_mode: reactive[ColorMode] = reactive("truecolor")

    def __init__(
        self,
        color_mode: ColorMode = "truecolor",
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._image = np.zeros((0, 0), dtype=np.uint8)
        self._strips: list[Strip | None] = []
        self.set_reactive(HalfBlockCanvas.color_mode, self.validate_color_mode(color_mode))

    @property
    def image(self) -> np.ndarray:
        """The picture shown (read-only view)."""
        view = self._image.view()
        view.flags.writeable = False
        return view

    @property
    def image_size(self) -> Size:
        """The picture's size in cells: columns by pixel rows / 2."""
        rows, columns = self._image.shape
        return Size(columns, rows // 2)

    def set_image(self, image: np.ndarray, marks: np.ndarray | None = None) -> int:
        """Show `image` (palette indices, an even number of rows), `marks` laid over it.

        Repaints only the cell rows that differ from the picture shown, each from its first
        to its last changed cell; a new shape repaints everything and lays the widget out
        again. Returns how many rows were repainted.
        """
        new = np.asarray(image, dtype=np.uint8)
        if marks is not None:
            new = overlay(new, marks)
        if new.ndim != 2 or new.shape[0] % 2:
            raise ValueError(f"a half-block image needs 2-D with even rows, not {new.shape}")
        rows, columns = new.shape[0] // 2, new.shape[1]
        if new.shape != self._image.shape:
            self._image = new.copy()
            self._strips = [None] * rows
            self.refresh(layout=True)
            return rows
        cells_changed = (new != self._image).reshape(rows, 2, columns).any(axis=1)
        changed_rows = np.flatnonzero(cells_changed.any(axis=1)).tolist()
        if changed_rows:
            self._image = new.copy()
            for row in changed_rows:
                self._strips[row] = None
            self.refresh(*(changed_span(cells_changed[row], row) for row in changed_rows))
        return len(changed_rows)

    def validate_color_mode(self, mode: str) -> ColorMode:
        return check_color_mode(mode)

    def watch_color_mode(self) -> None:
        self._strips = [None] * len(self._strips)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.image_size.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.image_size.height

    def render_line(self, y: int) -> Strip:
        if not 0 <= y < len(self._strips):
            return Strip.blank(self.size.width)
        strip = self._strips[y]
        if strip is None:
            pixels = self._image[2 * y : 2 * y + 2]
            strip = half_block_strip(pixels[0], pixels[1], self.color_mode)
            self._strips[y] = strip
        return strip
