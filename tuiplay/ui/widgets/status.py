"""The top line: epoch counter, playing/paused/diverged, and live epochs per second."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

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


class StatusBar(LinePanel):
    """One line at the top of the screen. It repaints only when its text would change."""

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
        if status != self._status:
            self._status = status
            self.update_lines()

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
