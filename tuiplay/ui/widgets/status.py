"""The top line: the dataset and seed on the left; on the right, above the boundary, the
epoch counter, playing/paused/diverged, live epochs per second and the bytes per second
sent to the terminal (when the driver counts them).

While training the right part changes a few digits many times a second. It sits on the
right so that a frame's dirty cells (these digits and the boundary's) are all in the right
column: Textual re-renders every widget that overlaps the box around a frame's dirty
cells, and with the counter on the left that box took in the network and the controls.
The line repaints only the span from its first to its last changed cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.cells import cell_len
from rich.style import Style as RichStyle
from textual.content import Content
from textual.strip import Strip

from tuiplay.ui.widgets.halfblock import changed_span
from tuiplay.ui.widgets.lines import LinePanel

DIVERGED_HINT = "diverged: lower the learning rate (l/L) or reset (r)"
RATE_WIDTH = 6  # characters for the epochs per second: up to 99,999
MIN_GAP = 3  # spaces at least between the summary and the live figures, or no summary


@dataclass(frozen=True)
class Status:
    """Everything the status line shows; equal statuses draw the same line."""

    epoch: int = 0
    state: str = "paused"  # "playing", "paused" or "diverged"
    epochs_per_second: float | None = None
    bytes_per_second: float | None = None  # sent to the terminal; None: not counted
    summary: str = ""  # dataset, problem and seed, on the left


def format_epoch(epoch: int) -> str:
    """The Playground's counter: 000,000."""
    return f"{epoch:07,d}"


def strip_cells(strip: Strip) -> list[tuple[str, RichStyle | None]]:
    """Each cell of a strip as (character, style); a wide character's second cell is ""."""
    cells: list[tuple[str, RichStyle | None]] = []
    for segment in strip:
        for character in segment.text:
            cells.append((character, segment.style))
            cells.extend([("", segment.style)] * (cell_len(character) - 1))
    return cells


def changed_cells(before: Strip, after: Strip) -> np.ndarray:
    """Which cells differ between two strips (a cell missing from one of them differs)."""
    old, new = strip_cells(before), strip_cells(after)
    width = max(len(old), len(new))
    old += [("", None)] * (width - len(old))
    new += [("", None)] * (width - len(new))
    return np.array([a != b for a, b in zip(old, new, strict=True)], dtype=bool)


class StatusBar(LinePanel):
    """One line at the top of the screen. It repaints only the span of cells that change."""

    DEFAULT_CSS = """
    StatusBar { height: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._status = Status()

    @property
    def status(self) -> Status:
        return self._status

    def show(self, status: Status) -> None:
        if status == self._status:
            return
        self._status = status
        if not self.is_mounted or self.size.width == 0 or len(self._contents) != 1:
            self.update_lines()
            return
        before = self.render_line(0)
        self._contents = [self._line()]
        self._strips.pop(0, None)
        after = self.render_line(0)
        span = changed_span(changed_cells(before, after), 0)
        if span is not None:
            self.refresh(span)

    def build_lines(self) -> list[Content]:
        return [self._line()]

    def _line(self) -> Content:
        status = self._status
        live = self._live_part()
        brand = Content.assemble((" tuiplay ", "bold reverse"), "  ")
        left = Content.assemble(brand, (status.summary, "$text-muted"))
        if self.size.width - left.cell_length - live.cell_length < MIN_GAP:
            left = brand  # no room for the summary: the live part matters more
        free = max(self.size.width - left.cell_length - live.cell_length, 1)
        return Content.assemble(left, " " * free, live)

    def _live_part(self) -> Content:
        status = self._status
        parts: list[str | tuple[str, str]] = ["epoch ", (format_epoch(status.epoch), "bold"), "  "]
        if status.state == "playing":
            parts.append(("▶ playing", "bold $success"))
            # a fixed width, so a changing rate moves nothing else on the line
            rate = status.epochs_per_second
            text = f"  {rate or 0:>{RATE_WIDTH},.0f} epochs/s"
            if status.bytes_per_second is not None:
                text += f"  {status.bytes_per_second / 1000:>5.1f} KB/s"
            parts.append((text if rate is not None else " " * len(text), "$text-muted"))
        elif status.state == "diverged":
            parts.append((f"✖ {DIVERGED_HINT}", "bold $error"))
        else:
            parts.append(("‖ paused", "bold $warning"))
        parts.append(" ")
        return Content.assemble(*parts)
