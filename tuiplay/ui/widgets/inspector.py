"""The inspector: the selected node's bias and incoming weights as numbers, live.

Numbers are printed with 3 decimals (the Playground's tooltips show 2 significant digits;
a live view needs to show the small changes). When the panel is too short for one weight a
line, the weights flow into several columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from textual.content import Content
from textual.widget import Widget


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


class Inspector(Widget):
    """The numbers behind the selected node; repaints only when a printed digit changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._report: NodeReport | None = None

    def show(self, report: NodeReport) -> None:
        if report != self._report:
            self._report = report
            self.refresh()

    def render(self) -> Content:
        report = self._report
        if report is None:
            return Content("")
        lines = [
            Content.assemble((report.title, "bold"), "  ", (report.detail, "$text-muted")),
        ]
        if report.bias is None:
            lines.append(Content.styled("an input: no bias, no weights", "$text-muted"))
            return Content("\n").join(lines)
        lines.append(
            Content.assemble(("bias".ljust(9), "$text-muted"), format_parameter(report.bias))
        )
        rows_left = max(self.size.height - len(lines) - (1 if report.editable else 0), 1)
        entries = [self._weight_entry(*weight) for weight in report.weights]
        columns = math.ceil(len(entries) / rows_left) if entries else 1
        per_column = math.ceil(len(entries) / columns) if entries else 0
        for row in range(per_column):
            cells = entries[row::per_column]
            lines.append(Content("  ").join(cells))
        if report.editable:
            lines.append(Content.styled("e: edit", "$text-disabled"))
        return Content("\n").join(lines)

    def _weight_entry(self, source: str, value: float, dead: bool) -> Content:
        number = "dead" if dead else format_parameter(value)
        style = "$text-disabled" if dead else ""
        return Content.assemble((f"← {source}".ljust(9), "$text-muted"), (number.rjust(7), style))
