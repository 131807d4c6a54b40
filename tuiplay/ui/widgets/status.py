"""The top line: epoch counter, playing/paused/diverged, and live epochs per second.

While training it changes a few digits many times a second, so it repaints only the span
from the first to the last changed cell rather than the whole line (Textual still writes
from the line's left edge, but not the padding and summary to the right of the change).
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


@dataclass(frozen=True)
class Status:
    """Everything the status line shows; equal statuses draw the same line."""

    epoch: int = 0
    state: str = "paused"  # "playing", "paused" or "diverged"
    epochs_per_second: float | None = None
    summary: str = ""  # dataset, problem and seed, right-aligned


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
        parts: list[str | tuple[str, str]] = [
            (" tuiplay ", "bold reverse"),
            "  epoch ",
            (format_epoch(status.epoch), "bold"),
            "  ",
        ]
        if status.state == "playing":
            parts.append(("▶ playing", "bold $success"))
            if status.epochs_per_second is not None:
                parts.append((f"  {status.epochs_per_second:,.0f} epochs/s", "$text-muted"))
        elif status.state == "diverged":
            parts.append((f"✖ {DIVERGED_HINT}", "bold $error"))
        else:
            parts.append(("‖ paused", "bold $warning"))
        line = Content.assemble(*parts)
        free = self.size.width - line.cell_length - len(status.summary) - 1
        if free > 1:
            line = Content.assemble(line, " " * free, (status.summary, "$text-muted"))
        return line
