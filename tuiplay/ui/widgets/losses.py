"""Losses: test and training loss with 3 decimals, accuracy, and a chart of both since reset.

Both curves share one logarithmic scale: losses fall over decades while training, and on a
linear scale everything after the first few epochs would be a flat line. With room the
chart is drawn in braille dots (2 x 4 per cell), the test loss bright and the training
loss grey, as the Playground draws them dark and grey; in a short panel each loss gets a
one-line sparkline instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from textual.content import Content

from tuiplay.ui.widgets.lines import LinePanel

SPARK_GLYPHS = "▁▂▃▄▅▆▇█"
LABEL_WIDTH = len("Training loss") + 1
FLOOR = 1e-6  # a loss of exactly 0 still has a place on a log scale
BRAILLE = 0x2800
# The bit of each braille dot, by [column][row] within the 2 x 4 cell.
BRAILLE_DOTS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))
MIN_CHART_ROWS = 2
TEST_STYLE = "$text"
TRAIN_STYLE = "$text-muted"


@dataclass(frozen=True)
class LossReport:
    """What the panel shows, read from the session."""

    train_loss: float
    test_loss: float
    train_accuracy: float | None
    test_accuracy: float | None
    epochs: np.ndarray
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


def bucket_positions(values: np.ndarray, buckets: int, scale: tuple[float, float]) -> np.ndarray:
    """Mean log loss of each of `buckets` runs of epochs, 0 (lowest) to 1; NaN if none finite."""
    low, high = scale
    logs = np.log10(np.maximum(values, FLOOR))
    buckets = min(buckets, logs.size)
    starts = (np.arange(buckets) * logs.size) // buckets
    finite = np.isfinite(logs)
    sums = np.add.reduceat(np.where(finite, logs, 0.0), starts)
    counts = np.add.reduceat(finite.astype(np.int64), starts)
    span = high - low
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
        return (means - low) / span if span > 1e-9 else np.where(counts > 0, 0.5, np.nan)


def sparkline(values: np.ndarray, width: int, scale: tuple[float, float] | None) -> str:
    """`width` glyphs for the series: one per run of epochs, its mean on the log scale."""
    if width <= 0 or not values.size or scale is None:
        return ""
    top = len(SPARK_GLYPHS) - 1
    return "".join(
        "?" if np.isnan(p) else SPARK_GLYPHS[round(p * top)]
        for p in bucket_positions(values, width, scale).tolist()
    )


def braille_chart(
    series: list[np.ndarray], width: int, height: int, scale: tuple[float, float] | None
) -> list[list[tuple[int, int]]]:
    """Cells of a line chart of several series: (dot bits, mask of the series drawn there).

    Each series is cut into 2 * width runs of epochs; consecutive points are joined by a
    vertical run of dots so that a steep fall still reads as a line.
    """
    dots = [[0] * width for _ in range(height)]
    owners = [[0] * width for _ in range(height)]
    if scale is None or width <= 0 or height <= 0:
        return [list(zip(d, o, strict=True)) for d, o in zip(dots, owners, strict=True)]
    bottom = height * 4 - 1
    for index, values in enumerate(series):
        if not values.size:
            continue
        positions = bucket_positions(values, 2 * width, scale)
        previous = None
        for x, position in enumerate(positions.tolist()):
            if np.isnan(position):
                previous = None
                continue
            y = round((1.0 - position) * bottom)
            low, high = (y, y) if previous is None else sorted((previous, y))
            for dot_row in range(low, high + 1):
                row, column = dot_row // 4, x // 2
                dots[row][column] |= BRAILLE_DOTS[x % 2][dot_row % 4]
                owners[row][column] |= 1 << index
            previous = y
    return [list(zip(d, o, strict=True)) for d, o in zip(dots, owners, strict=True)]


def format_scale(scale: tuple[float, float] | None) -> str:
    if scale is None:
        return ""
    low, high = (10.0**value for value in scale)
    return f"log {low:.2g}…{high:.2g}"


def _epoch_span(epochs: np.ndarray) -> str:
    """The epochs a chart covers: 'epochs 0–120', 'epoch 0' for one, '' for none."""
    if epochs.size == 0:
        return ""
    first, last = int(epochs[0]), int(epochs[-1])
    return f"epoch {first:,}" if first == last else f"epochs {first:,}–{last:,}"


class LossPanel(LinePanel):
    """The loss numbers and their history; repaints only when a printed cell changes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._report: LossReport | None = None
        self._history: LossReport | None = None  # the report the curves were drawn from

    def show(self, report: LossReport, *, history: bool = True) -> None:
        """Show these losses; with `history` False the curves stay as last drawn.

        The curves move slowly and every redraw of them resends whole lines, so while
        training the app redraws them a few times a second and the numbers every frame.
        """
        self._report = report
        if history or self._history is None:
            self._history = report
        self.update_lines()

    def build_lines(self) -> list[Content]:
        report = self._report
        if report is None:
            return []
        width, height = self.size
        if height >= 3 + MIN_CHART_ROWS:
            return list(self._chart_lines(report, width, height))
        return list(self._sparkline_lines(report, width))

    def _chart_lines(self, report: LossReport, width: int, height: int) -> tuple:
        history = self._history
        scale = log_range(history.train_history, history.test_history)
        rows = braille_chart(
            [history.test_history, history.train_history], width, height - 3, scale
        )
        chart = [Content.assemble(*self._runs(row)) for row in rows]
        span = _epoch_span(history.epochs)
        return (
            self._numbers_line("Test loss", report.test_loss, self._accuracy(report, "test")),
            self._numbers_line("Training loss", report.train_loss, self._accuracy(report, "train")),
            *chart,
            self._spread(span, format_scale(scale), width),
        )

    def _runs(self, row: list[tuple[int, int]]) -> list[tuple[str, str]]:
        """A chart row as runs of cells of one style (the test loss wins a shared cell)."""
        runs: list[tuple[str, str]] = []
        for bits, owners in row:
            text = chr(BRAILLE + bits) if bits else " "
            style = TEST_STYLE if owners & 1 else TRAIN_STYLE
            if runs and runs[-1][1] == style:
                runs[-1] = (runs[-1][0] + text, style)
            else:
                runs.append((text, style))
        return runs

    def _sparkline_lines(self, report: LossReport, width: int) -> tuple:
        history = self._history
        scale = log_range(history.train_history, history.test_history)
        spark_width = max(width - LABEL_WIDTH - 7, 0)
        test = sparkline(history.test_history, spark_width, scale)
        train = sparkline(history.train_history, spark_width, scale)
        return (
            self._numbers_line("Test loss", report.test_loss, spark=test),
            self._numbers_line("Training loss", report.train_loss, spark=train),
            Content.styled(self._accuracy_text(report, width), "$text-muted"),
        )

    def _numbers_line(
        self, label: str, loss: float, notes: tuple[str, ...] = (), spark: str = ""
    ) -> Content:
        """A loss line, and after it the first of `notes` (longest first) that fits."""
        style = TEST_STYLE if label.startswith("Test") else TRAIN_STYLE
        parts = [(label.ljust(LABEL_WIDTH), style), (format_loss(loss).rjust(6), "bold")]
        if spark:
            parts += [" ", (spark, style)]
        line = Content.assemble(*parts)
        room = self.size.width - line.cell_length - 2
        note = next((note for note in notes if len(note) <= room), "")
        if note:
            line = Content.assemble(line, (f"  {note}", "$text-muted"))
        return line

    def _accuracy(self, report: LossReport, kind: str) -> tuple[str, ...]:
        """The accuracy notes of one loss line, longest first ("accuracy 97.6%", "acc 97.6%",
        "acc 98%": a narrow panel, as beside a wide network, still shows one), or why there
        is none."""
        accuracy = report.test_accuracy if kind == "test" else report.train_accuracy
        if accuracy is not None:
            return (f"accuracy {accuracy:.1%}", f"acc {accuracy:.1%}", f"acc {accuracy:.0%}")
        if kind == "test" and report.train_accuracy is None:
            return ("regression: no accuracy",)
        return ()

    def _spread(self, left: str, right: str, width: int) -> Content:
        gap = width - len(left) - len(right)
        if gap < 1:
            return Content.styled(left, "$text-disabled")
        return Content.styled(left + " " * gap + right, "$text-disabled")

    def _accuracy_text(self, report: LossReport, width: int) -> str:
        """Test and training accuracy, or only the test accuracy if both do not fit."""
        if report.test_accuracy is None and report.train_accuracy is None:
            return "regression: no accuracy"
        test = "" if report.test_accuracy is None else f"accuracy {report.test_accuracy:.1%} test"
        train = "" if report.train_accuracy is None else f"{report.train_accuracy:.1%} train"
        both = " · ".join(part for part in (test, train) if part)
        return both if len(both) <= width or not test else test
