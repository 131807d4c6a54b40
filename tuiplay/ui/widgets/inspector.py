"""The inspector: the selected node's bias and incoming weights as numbers, live.

Numbers are printed with 3 decimals (the Playground's tooltips show 2 significant digits;
a live view needs to show the small changes). When the panel is too short for one weight a
line, the weights flow into several columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.content import Content

from tuiplay.ui.widgets.lines import LinePanel


@dataclass(frozen=True)
class NodeReport:
    """The selected node as the inspector prints it."""

    title: str  # "layer 1, neuron 2"
    detail: str  # activation, or what a feature computes
    bias: float | None  # None for an input feature
    weights: tuple[tuple[str, float, bool], ...]  # (source name, value, dead)
    editable: bool


def format_parameter(value: float) -> str:
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("+inf" if value > 0 else "-inf")
    if abs(value) >= 1000:
        return f"{value:+.2e}"
    return f"{value:+.3f}"


class Inspector(LinePanel):
    """The numbers behind the selected node; repaints only when a printed digit changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._report: NodeReport | None = None

    def show(self, report: NodeReport) -> None:
        if report != self._report:
            self._report = report
            self.update_lines()

    def build_lines(self) -> list[Content]:
        report = self._report
        if report is None:
            return []
        lines = [
            Content.assemble((report.title, "bold"), "  ", (report.detail, "$text-muted")),
        ]
        if report.bias is None:
            lines.append(Content.styled("an input: no bias, no weights", "$text-muted"))
            return lines
        lines.append(Content.assemble(("bias ", "$text-muted"), format_parameter(report.bias)))
        room = max(self.size.height - len(lines), 1)
        lines += self._weight_lines(report.weights, self.size.width, room)
        if report.editable and len(lines) < self.size.height:  # a hint, where there is room
            lines.append(Content.styled("e: edit", "$text-disabled"))
        return lines

    def _weight_lines(self, weights, width: int, rows: int) -> list[Content]:
        """The incoming weights, flowing into as many columns as the panel needs and has."""
        if not weights:
            return [Content.styled("no incoming weights", "$text-muted")]
        source_width = max(len(source) for source, _, _ in weights)
        entries = [self._weight_entry(s, v, d, source_width) for s, v, d in weights]
        entry_width = entries[0].cell_length
        fitting_columns = max((width + 2) // (entry_width + 2), 1)
        columns = min(math.ceil(len(entries) / rows), fitting_columns)
        per_column = math.ceil(len(entries) / columns)
        if per_column > rows:  # still too many: show what fits and say how many are hidden
            shown = rows * columns - 1
            hidden = len(entries) - shown
            entries = [*entries[:shown], Content.styled(f"+{hidden} more: e", "$text-muted")]
            per_column = rows
        return [Content("  ").join(entries[row::per_column]) for row in range(per_column)]

    def _weight_entry(self, source: str, value: float, dead: bool, width: int) -> Content:
        number = "dead" if dead else format_parameter(value)
        return Content.assemble(
            (f"← {source.ljust(width)} ", "$text-muted"),
            (number.rjust(7), "$text-disabled" if dead else ""),
        )
