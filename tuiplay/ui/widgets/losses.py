"""Losses: test and training loss with 3 decimals, accuracy, and a sparkline of each.

Both sparklines share one logarithmic scale: losses fall over decades while training, and
on a linear scale everything after the first few epochs would be a flat line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from textual.content import Content
from textual.widget import Widget

SPARK_GLYPHS = "▁▂▃▄▅▆▇█"
LABEL_WIDTH = len("Training loss") + 1
FLOOR = 1e-6  # a loss of exactly 0 still has a place on a log scale


@dataclass(frozen=True)
class LossReport:
    """What the panel shows, read from the session."""

    train_loss: float
    test_loss: float
    train_accuracy: float | None
    test_accuracy: float | None
    train_history: np.ndarray
    test_history: np.ndarray


def format_loss(value: float) -> str:
    return f"{value:.3f}" if math.isfinite(value) else "NaN"


def log_range(*series: np.ndarray) -> tuple[float, float] | None:
    """The smallest and largest log10 of the finite losses of all series, if any."""
    finite = [np.log10(np.maximum(s[np.isfinite(s)], FLOOR)) for s in series]
    values = np.concatenate([f for f in finite if f.size] or [np.empty(0)])
    if not values.size:
        return None
    return float(values.min()), float(values.max())


def sparkline(values: np.ndarray, width: int, scale: tuple[float, float] | None) -> str:
    """`width` glyphs for the series: one per bucket of epochs, its mean on the log scale."""
    if width <= 0 or not values.size or scale is None:
        return ""
    low, high = scale
    logs = np.log10(np.maximum(values, FLOOR))
    buckets = min(width, logs.size)
    starts = (np.arange(buckets) * logs.size) // buckets
    finite = np.isfinite(logs)
    sums = np.add.reduceat(np.where(finite, logs, 0.0), starts)
    counts = np.add.reduceat(finite.astype(np.int64), starts)
    means = sums / np.maximum(counts, 1)
    span = high - low
    positions = (means - low) / span if span > 1e-9 else np.full(means.shape, 0.5)
    top = len(SPARK_GLYPHS) - 1
    return "".join(
        SPARK_GLYPHS[round(p * top)] if n else "?"
        for p, n in zip(positions.tolist(), counts.tolist(), strict=True)
    )


def format_scale(scale: tuple[float, float] | None) -> str:
    if scale is None:
        return ""
    low, high = (10.0**value for value in scale)
    return f"log scale {low:.2g}…{high:.2g}"


class LossPanel(Widget):
    """Three lines; they repaint only when a number or a sparkline glyph changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._report: LossReport | None = None
        self._lines: tuple[Content, ...] = ()

    def show(self, report: LossReport) -> None:
        self._report = report
        self._update_lines()

    def on_resize(self) -> None:
        self._update_lines()

    def get_content_height(self, container, viewport, width: int) -> int:
        return 3

    def render(self) -> Content:
        return Content("\n").join(self._lines)

    def _update_lines(self) -> None:
        report = self._report
        if report is None:
            return
        scale = log_range(report.train_history, report.test_history)
        spark_width = max(self.size.width - LABEL_WIDTH - 7, 0)
        lines = (
            self._loss_line(
                "Test loss", report.test_loss, sparkline(report.test_history, spark_width, scale)
            ),
            self._loss_line(
                "Training loss",
                report.train_loss,
                sparkline(report.train_history, spark_width, scale),
                muted=True,
            ),
            self._info_line(report, scale),
        )
        if lines != self._lines:
            self._lines = lines
            self.refresh()

    def _loss_line(self, label: str, value: float, spark: str, muted: bool = False) -> Content:
        # Like the Playground's chart: the test loss dark, the training loss grey.
        return Content.assemble(
            (label.ljust(LABEL_WIDTH), "$text-muted"),
            (format_loss(value).rjust(6), "bold"),
            " ",
            (spark, "$text-muted" if muted else "$text"),
        )

    def _info_line(self, report: LossReport, scale: tuple[float, float] | None) -> Content:
        """Accuracy, then the sparklines' scale if the line has room for it."""
        accuracy = self._accuracy_text(report)
        scale_text = format_scale(scale)
        gap = self.size.width - len(accuracy) - len(scale_text)
        if gap < 2:
            return Content.styled(accuracy, "$text-muted")
        return Content.assemble(
            (accuracy, "$text-muted"), " " * gap, (scale_text, "$text-disabled")
        )

    def _accuracy_text(self, report: LossReport) -> str:
        if report.test_accuracy is None and report.train_accuracy is None:
            return "regression: no accuracy"
        parts = []
        if report.test_accuracy is not None:
            parts.append(f"accuracy {report.test_accuracy:.1%} test")
        if report.train_accuracy is not None:
            parts.append(f"{report.train_accuracy:.1%} train")
        return " · ".join(parts)
