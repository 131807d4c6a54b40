"""The network panel: features, hidden layers and output as live thumbnails, with the weights.

Columns, left to right: the seven input features (the enabled ones highlighted, each with
its key 1-7), one column per hidden layer, and the output. Every node is a half-block
thumbnail of its output over the plane. In front of each node sits a bar per incoming
weight (in the order of the previous column's nodes, numbered in the header; blue is
positive, orange negative, and the bar grows one eighth each time |w| doubles from 0.05;
a weight L1 killed for good is a dim `×`), then a square in the colour of its bias.

The picture is kept as segments per line and column, drawn only where the panel shows it
(a large network is mostly out of view; the rest is drawn when it scrolls in). A frame whose
pixels, bars and cursor are all unchanged costs nothing more; otherwise the cells in view are
drawn again and only those that differ are repainted, so a paused or converged network
sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuiplay.engine.features import FEATURE_LABELS, FEATURES
from tuiplay.ui.palette import N_SHADES, NAN_INDEX, Palette, shade_indices
from tuiplay.ui.widgets.halfblock import half_block_strip

THUMB_SIZES = (8, 6, 4, 2)  # thumbnail width in cells = height in pixels, largest first
BAR_GLYPHS = "▁▂▃▄▅▆▇█"
BAR_THRESHOLDS = 0.05 * 2.0 ** np.arange(len(BAR_GLYPHS))  # |w| at which each bar starts
DEAD_CODE, NAN_CODE = 100, 101  # bar codes beyond the sizes -8 .. 8
# Every bar code's glyph and kind of colour (negative, positive, weak, NaN), by entry: codes
# -8 .. 8 at entries 0 .. 16, then a dead link and a weight that is not a number.
NEGATIVE, POSITIVE, WEAK, NOT_A_NUMBER = range(4)
ZERO_ENTRY, DEAD_ENTRY, NAN_ENTRY = 8, 17, 18
BAR_TABLE_GLYPHS = np.array([*BAR_GLYPHS[::-1], "·", *BAR_GLYPHS, "×", "?"])
BAR_TABLE_KINDS = np.array([NEGATIVE] * 8 + [WEAK] + [POSITIVE] * 8 + [WEAK, NOT_A_NUMBER])
THUMBNAIL_CACHE_SIZE = 4096  # distinct thumbnail rows kept between frames
BAR_ROW_CACHE_SIZE = 4096  # distinct rows of weight bars kept between frames
REPAINT_LINES = 10  # changed lines repainted per screen update, see _repaint_some
STYLE_NAMES = ("header", "header-selected", "cursor", "feature-on", "feature-off", "weak")
FEATURE_LABEL_WIDTH = 2 + max(len(label) for label in FEATURE_LABELS.values())


@dataclass(frozen=True)
class Cursor:
    """The selected node: column 0 is the features, then hidden layers, then the output."""

    column: int
    node: int


@dataclass(frozen=True)
class NetworkPicture:
    """What the panel draws, read from the session once per frame."""

    features_on: tuple[str, ...]
    feature_grids: np.ndarray  # (7, S, S): every feature over the plane, enabled or not
    node_grids: list[np.ndarray]  # node_outputs_on_grid()[1:]: per layer (n, S, S)
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    dead: list[np.ndarray]
    cursor: Cursor


@dataclass(frozen=True)
class Frame:
    """One frame's pixels and marks, as palette indices and bar codes."""

    thumbs: list[np.ndarray]  # per column: (nodes, P, P) shade indices
    bars: list[np.ndarray]  # per layer: bar codes of its incoming weights
    biases: list[np.ndarray]  # per layer: shade indices of its biases

    def fingerprint(self) -> tuple[bytes, ...]:
        """Equal fingerprints draw equal pictures."""
        return tuple(array.tobytes() for array in (*self.thumbs, *self.bars, *self.biases))


@dataclass(frozen=True)
class Column:
    """Where a column sits. A layer column is: gap, weight bars, bias, cursor mark, thumbnail.

    The features column is: cursor mark, thumbnail, gap, label.
    """

    x: int
    inputs: int  # weight bars per node (0 for the features column)
    nodes: int
    width: int


@dataclass(frozen=True)
class Layout:
    thumb: int  # thumbnail width in cells and height in pixels
    labels: bool  # feature names beside their thumbnails, or just their keys 1-7
    slot: int  # lines per node
    columns: tuple[Column, ...]
    width: int
    height: int

    @property
    def thumb_rows(self) -> int:
        return max(self.thumb // 2, 1)

    @property
    def label_row(self) -> int:
        """The row of a node's thumbnail that carries its bars, bias, mark and label."""
        return (self.thumb_rows - 1) // 2

    def node_line(self, node: int, row: int = 0) -> int:
        """The widget line of `row` of a node's thumbnail (line 0 is the header)."""
        return 1 + node * self.slot + row

    def node_at(self, x: int, y: int) -> Cursor | None:
        """The node drawn at cell (x, y) of the picture, if any."""
        node = (y - 1) // self.slot
        for index, column in enumerate(self.columns):
            if column.x <= x < column.x + column.width and y >= 1 and node < column.nodes:
                return Cursor(index, node)
        return None


def plan_layout(layer_sizes: list[int], size: Size) -> Layout:
    """The largest thumbnails that fit the panel; if none fit, the narrowest, and it scrolls."""
    candidates = [layout_for(layer_sizes, thumb) for thumb in THUMB_SIZES]
    candidates.append(layout_for(layer_sizes, THUMB_SIZES[-1], labels=False))
    for layout in candidates:
        if layout.height <= size.height and layout.width <= size.width:
            return layout
    tall_enough = [layout for layout in candidates if layout.height <= size.height]
    return min(tall_enough or candidates, key=lambda layout: layout.width)


def layout_for(layer_sizes: list[int], thumb: int, labels: bool = True) -> Layout:
    """The layout of a network of `layer_sizes` with thumbnails `thumb` cells wide."""
    node_counts = [len(FEATURES), *layer_sizes[1:]]
    inputs = [0, *layer_sizes[:-1]]
    rows = max(thumb // 2, 1)
    slot = rows + 1 if rows > 1 else rows
    columns = []
    x = 0
    for index, (nodes, n_in) in enumerate(zip(node_counts, inputs, strict=True)):
        if index == 0:
            width = 1 + thumb + 1 + (FEATURE_LABEL_WIDTH if labels else 1)
        else:
            width = 1 + n_in + 1 + 1 + thumb
        columns.append(Column(x, n_in if index else 0, nodes, width))
        x += width
    height = 1 + max(node_counts) * slot
    return Layout(thumb, labels, slot, tuple(columns), x, height)


def block_average(grids: np.ndarray, pixels: int) -> np.ndarray:
    """(n, S, S) values -> (n, pixels, pixels) means over near-equal square blocks."""
    size = grids.shape[-1]
    starts = (np.arange(pixels) * size) // pixels
    counts = np.diff(np.append(starts, size))
    sums = np.add.reduceat(np.add.reduceat(grids, starts, axis=-1), starts, axis=-2)
    return sums / np.outer(counts, counts)


def bar_codes(weights: np.ndarray, dead: np.ndarray) -> np.ndarray:
    """What each weight's bar shows: its size by sign, or that it is dead or not a number.

    The size is 0 for |w| below 0.05, then one more eighth each time |w| doubles (8 from
    6.4 up); negative weights get negative codes.
    """
    levels = np.searchsorted(BAR_THRESHOLDS, np.abs(weights), side="right")
    codes = np.where(weights < 0, -levels, levels)
    codes = np.where(np.isfinite(weights), codes, NAN_CODE)
    return np.where(dead, DEAD_CODE, codes)


class NetworkView(ScrollView, can_focus=True, inherit_bindings=False):
    """The network, drawn with the Line API. Arrow keys are the app's: they move the cursor."""

    COMPONENT_CLASSES = {f"network--{name}" for name in STYLE_NAMES}

    @dataclass
    class Picked(Message):
        """The user clicked a node: move the cursor there."""

        cursor: Cursor

    def __init__(self, palette: Palette, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._palette = palette
        self._picture: NetworkPicture | None = None
        self._layout: Layout | None = None
        self._frame: Frame | None = None
        self._cells: list[list[tuple[Segment, ...] | None]] = []  # per line, per column
        self._styles: dict[str, Style] = {}
        self._thumbnail_rows: dict[bytes, list[Segment]] = {}
        self._bar_rows: dict[bytes, tuple[Segment, ...]] = {}
        self._bias_squares: dict[int, Segment] = {}  # by shade
        self._bar_kind_styles: tuple[Style, ...] = ()
        self._rendered: dict[int, tuple[int, int, Strip]] = {}  # line: scroll x, width, strip
        self._unpainted: dict[int, set[int]] = {}  # line: columns changed, not yet repainted
        self._repaint_scheduled = False
        self._glance_drawn: tuple | None = None

    @property
    def layout_plan(self) -> Layout | None:
        return self._layout

    def show(self, picture: NetworkPicture) -> None:
        """Draw a new frame, repainting only the lines that changed; a moved cursor is
        scrolled into view."""
        moved = self._picture is None or picture.cursor != self._picture.cursor
        self._picture = picture
        self._rebuild(force=False)
        if moved:
            self._scroll_to_cursor()

    def on_resize(self) -> None:
        self._rebuild(force=True)

    def notify_style_update(self) -> None:
        self._styles = {}  # the theme or the stylesheet changed
        self._bias_squares = {}
        self._bar_kind_styles = ()
        self._bar_rows = {}
        self._cells = [[None] * len(line) for line in self._cells]
        self._rendered = {}
        self._glance_drawn = None
        super().notify_style_update()

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if self._layout is None or offset is None:
            return
        scroll_x, scroll_y = self.scroll_offset
        cursor = self._layout.node_at(offset.x + scroll_x, offset.y + scroll_y)
        if cursor is not None:
            self.post_message(self.Picked(cursor))

    def _scroll_to_cursor(self) -> None:
        if self._layout is None or self._picture is None:
            return
        cursor = self._picture.cursor
        column = self._layout.columns[min(cursor.column, len(self._layout.columns) - 1)]
        line = self._layout.node_line(cursor.node)
        region = Region(column.x, line, column.width, self._layout.thumb_rows)
        self.scroll_to_region(region, animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        line = y + scroll_y
        width = self.size.width
        cached = self._rendered.get(line)
        if cached is not None and cached[:2] == (scroll_x, width):
            return cached[2]
        layout = self._layout
        if layout is not None and 0 <= line < layout.height:
            shown = self._columns_between(scroll_x, scroll_x + width)
            left = layout.columns[shown[0]].x if shown else 0
            segments = [segment for index in shown for segment in self._cell(line, index)]
            strip = Strip(segments).crop_extend(scroll_x - left, scroll_x - left + width, None)
            strip = strip.apply_style(self._style("base"))
        else:
            strip = Strip.blank(width, self._style("base"))
        self._rendered[line] = (scroll_x, width, strip)
        return strip

    # Building the picture: only the part in view is drawn; the rest when it scrolls in

    def _rebuild(self, *, force: bool) -> None:
        picture = self._picture
        if picture is None or not self.size.width:
            return
        layer_sizes = [len(picture.features_on), *(g.shape[0] for g in picture.node_grids)]
        layout = plan_layout(layer_sizes, self.scrollable_content_region.size)
        if layout != self._layout:
            self._layout = layout
            self.virtual_size = Size(layout.width, layout.height)
            force = True
        grids = (picture.feature_grids, *picture.node_grids)
        frame = Frame(
            thumbs=[self._shades(grid, layout.thumb) for grid in grids],
            bars=[bar_codes(w, d) for w, d in zip(picture.weights, picture.dead, strict=True)],
            biases=[shade_indices(b) for b in picture.biases],
        )
        glance = (layout, picture.cursor, picture.features_on, frame.fingerprint())
        if glance == self._glance_drawn and not force:
            return  # every glyph and colour would be the same: skip building the lines
        self._glance_drawn = glance
        self._frame = frame
        old_cells = self._cells
        self._cells = [[None] * len(layout.columns) for _ in range(layout.height)]
        if force or len(old_cells) != len(self._cells):
            self._rendered.clear()
            self._unpainted.clear()
            self.refresh()
            return
        self._refresh_changed_cells(old_cells, layout)

    def _refresh_changed_cells(self, old_cells: list, layout: Layout) -> None:
        """Repaint only the spans of columns in view whose segments changed, line by line.

        Textual resends every cell of a dirty span, so a thumbnail that changed should not
        drag the rest of its line along. Lines out of view are drawn when they scroll in.
        """
        (scroll_x, scroll_y), (width, height) = (
            self.scroll_offset,
            self.scrollable_content_region.size,
        )
        shown = self._columns_between(scroll_x, scroll_x + width)
        in_view = range(max(scroll_y, 0), min(scroll_y + height, layout.height))
        self._rendered = {line: self._rendered[line] for line in in_view if line in self._rendered}
        for line in in_view:
            old = old_cells[line]
            changed = [index for index in shown if old[index] != self._cell(line, index)]
            if changed:
                self._unpainted.setdefault(line, set()).update(changed)
        self._repaint_some()

    def _repaint_some(self) -> None:
        """Repaint up to REPAINT_LINES of the changed lines, and the rest after the screen
        has shown those: Textual spends about a millisecond a line on a large network's
        panel, and the event loop reads no key while it does."""
        self._repaint_scheduled = False
        scroll_x, scroll_y = self.scroll_offset
        for line in sorted(self._unpainted)[:REPAINT_LINES]:
            self._rendered.pop(line, None)
            for index in self._unpainted.pop(line):
                column = self._layout.columns[index]
                self.refresh(Region(column.x - scroll_x, line - scroll_y, column.width, 1))
        if self._unpainted and not self._repaint_scheduled:
            self._repaint_scheduled = True
            self.call_after_refresh(self._repaint_some)

    def _columns_between(self, left: int, right: int) -> list[int]:
        """Indices of the layout's columns that have cells in x from `left` to `right`."""
        return [
            index
            for index, column in enumerate(self._layout.columns)
            if column.x < right and column.x + column.width > left
        ]

    def _cell(self, line: int, index: int) -> tuple[Segment, ...]:
        """The segments of one column on one line, drawn the first time they are asked for."""
        cell = self._cells[line][index]
        if cell is None:
            cell = self._features_cell(line) if index == 0 else self._layer_cell(line, index)
            self._cells[line][index] = cell
        return cell

    def _style(self, name: str) -> Style:
        """A component style, or "base"; looked up once, as a lookup costs more than a line."""
        if not self._styles:
            self._styles = {
                name: self.get_component_rich_style(f"network--{name}", partial=True)
                for name in STYLE_NAMES
            }
            self._styles["base"] = self.rich_style
        return self._styles[name]

    def _text(self, text: str, style: str | None = None) -> Segment:
        return Segment(text, self._style(style) if style else None)

    def _blank(self, width: int) -> Segment:
        return Segment(" " * width)

    def _header(self, text: str, width: int, selected: bool) -> Segment:
        return self._text(text[:width].center(width), "header-selected" if selected else "header")

    def _mark(self, selected: bool) -> Segment:
        return self._text("▶" if selected else " ", "cursor")

    def _features_cell(self, line: int) -> tuple[Segment, ...]:
        picture, layout = self._picture, self._layout
        column = layout.columns[0]
        if line == 0:
            title = "features" if column.width > len("features") else "in"
            return (self._header(title, column.width, picture.cursor.column == 0),)
        node, row = divmod(line - 1, layout.slot)
        if node >= column.nodes or row >= layout.thumb_rows:
            return (self._blank(column.width),)
        label_width = column.width - layout.thumb - 2
        thumbnail = self._thumbnail(self._frame.thumbs[0][node], row)
        if row != layout.label_row:
            return (self._blank(1), *thumbnail, self._blank(1 + label_width))
        name = FEATURES[node]
        label = f"{node + 1} {FEATURE_LABELS[name]}"[:label_width].ljust(label_width)
        label_style = "feature-on" if name in picture.features_on else "feature-off"
        selected = picture.cursor == Cursor(0, node)
        return (self._mark(selected), *thumbnail, self._blank(1), self._text(label, label_style))

    def _layer_cell(self, line: int, index: int) -> tuple[Segment, ...]:
        picture, layout, frame = self._picture, self._layout, self._frame
        column = layout.columns[index]
        if line == 0:
            sources = "".join(str((i + 1) % 10) for i in range(column.inputs))
            title = "out" if index == len(layout.columns) - 1 else f"L{index}"
            selected = picture.cursor.column == index
            return (
                self._text(f" {sources}b", "header"),
                self._header(title, layout.thumb + 1, selected),
            )
        node, row = divmod(line - 1, layout.slot)
        if node >= column.nodes or row >= layout.thumb_rows:
            return (self._blank(column.width),)
        thumbnail = self._thumbnail(frame.thumbs[index][node], row)
        if row != layout.label_row:
            return (self._blank(column.inputs + 3), *thumbnail)
        selected = picture.cursor == Cursor(index, node)
        bias = self._bias(int(frame.biases[index - 1][node]))
        bars = self._bars(frame.bars[index - 1][node])
        return (self._blank(1), *bars, bias, self._mark(selected), *thumbnail)

    def _bars(self, codes: np.ndarray) -> tuple[Segment, ...]:
        """A node's incoming weights (bar_codes) as bars, neighbours of one colour in one
        segment. Rows of bars repeat from frame to frame while the weights settle, so they
        are cached."""
        if not codes.size:  # the first layer, with every feature off
            return ()
        key = codes.tobytes()
        segments = self._bar_rows.get(key)
        if segments is None:
            if len(self._bar_rows) >= BAR_ROW_CACHE_SIZE:
                self._bar_rows.clear()
            entries = np.where(codes == DEAD_CODE, DEAD_ENTRY, codes + ZERO_ENTRY)
            entries = np.where(codes == NAN_CODE, NAN_ENTRY, entries)
            text = "".join(BAR_TABLE_GLYPHS[entries].tolist())
            kinds = BAR_TABLE_KINDS[entries]
            ends = [*(np.flatnonzero(np.diff(kinds)) + 1).tolist(), len(kinds)]
            styles = [self._bar_styles()[kind] for kind in kinds.tolist()]
            segments = self._bar_rows[key] = tuple(
                Segment(text[start:end], styles[start])
                for start, end in zip([0, *ends[:-1]], ends, strict=True)
            )
        return segments

    def _bar_styles(self) -> tuple[Style, ...]:
        """The style of each kind of bar (BAR_TABLE_KINDS), made once."""
        if not self._bar_kind_styles:
            colors = self._palette.colors
            if self._palette.mode == "mono":  # no hue: a negative bar is drawn in reverse
                negative, positive = Style(reverse=True), Style(reverse=False)
            else:
                negative, positive = Style(color=colors[0]), Style(color=colors[N_SHADES - 1])
            nan = Style(color=colors[NAN_INDEX])
            self._bar_kind_styles = (negative, positive, self._style("weak"), nan)
        return self._bar_kind_styles

    def _bias(self, shade: int) -> Segment:
        """A bias: a square in the colour of its value, as the Playground draws it."""
        segment = self._bias_squares.get(shade)
        if segment is None:
            if self._palette.mode == "mono":
                glyph, style = self._palette.cell(shade, shade)
                segment = Segment("■" if glyph == " " else glyph, style)
            else:
                segment = Segment("■", Style(color=self._palette.colors[shade]))
            self._bias_squares[shade] = segment
        return segment

    def _thumbnail(self, shades: np.ndarray, row: int) -> list[Segment]:
        """One line of a node's thumbnail: two of its pixel rows, as half-block segments.

        Rows repeat from frame to frame (and between nodes), so their segments are cached.
        """
        pixels = shades[2 * row : 2 * row + 2]
        key = pixels.tobytes()
        segments = self._thumbnail_rows.get(key)
        if segments is None:
            if len(self._thumbnail_rows) >= THUMBNAIL_CACHE_SIZE:
                self._thumbnail_rows.clear()
            strip = half_block_strip(pixels[0], pixels[1], self._palette.mode)
            segments = self._thumbnail_rows[key] = list(strip)
        return segments

    def _shades(self, grids: np.ndarray, pixels: int) -> np.ndarray:
        return shade_indices(block_average(grids, pixels))
