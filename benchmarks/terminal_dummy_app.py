"""A stand-in for tuiplay while its UI is being written: a tiny Textual app with the same
surface the terminal benchmark reads (a half-block heatmap, a status bar with the epoch as
`000,000` and epochs/s, a learning rate changed with l/L, space to pause, q to quit).

It exists so the pty harness can be developed and checked against a real Textual app:
    python benchmarks/terminal_dummy_app.py [--paused] [--fps N] [--colors MODE]
"""

from __future__ import annotations

import argparse
import math
import os
import time
from typing import ClassVar

import numpy as np

LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
COLOR_SYSTEMS = {"truecolor": "truecolor", "256": "256", "16": "standard"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paused", action="store_true")
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--colors", default="auto")
    parser.add_argument("--preset", default="default")
    parser.add_argument("--hidden", default="4,2")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    # Textual reads both at import time.
    os.environ["TEXTUAL_FPS"] = str(args.fps)
    if args.colors in COLOR_SYSTEMS:
        os.environ["TEXTUAL_COLOR_SYSTEM"] = COLOR_SYSTEMS[args.colors]

    from rich.segment import Segment
    from rich.style import Style
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.strip import Strip
    from textual.widget import Widget
    from textual.widgets import Static

    class Heatmap(Widget):
        """A moving blue-orange field drawn with `▀`, one Segment per cell (naive on purpose)."""

        phase = 0.0

        def render_line(self, y: int) -> Strip:
            width = self.size.width
            xs = np.linspace(-3, 3, width)
            segments = []
            top = np.sin(xs + self.phase + (2 * y) / 6.0)
            bottom = np.sin(xs + self.phase + (2 * y + 1) / 6.0)
            for t, b in zip(top, bottom):
                segments.append(Segment("▀", Style(color=shade(t), bgcolor=shade(b))))
            return Strip(segments, width)

    def shade(value: float) -> str:
        level = int((value + 1) * 7.5)
        return f"rgb({245 - level * 8},{147 + level * 2},{34 + level * 13})"

    class DummyApp(App):
        CSS = "Heatmap { height: 1fr; } #status { height: 2; dock: bottom; }"
        BINDINGS: ClassVar = [
            Binding("space", "toggle_play", "Play/pause"),
            Binding("l", "rate(1)", "LR up"),
            Binding("L", "rate(-1)", "LR down"),
            Binding("q", "quit", "Quit"),
        ]

        def __init__(self) -> None:
            super().__init__()
            self.epoch = 0
            self.rate_index = 3
            self.playing = not args.paused
            self.rate_window: list[tuple[float, int]] = []

        def compose(self) -> ComposeResult:
            yield Heatmap()
            yield Static(id="status")

        def on_mount(self) -> None:
            self.show_status()
            self.set_interval(1 / 30, self.tick)

        def tick(self) -> None:
            if not self.playing:
                return
            deadline = time.perf_counter() + 0.01
            while time.perf_counter() < deadline:
                math.fsum(range(200))
                self.epoch += 1
            heatmap = self.query_one(Heatmap)
            heatmap.phase += 0.05
            heatmap.refresh()
            self.show_status()

        def show_status(self) -> None:
            now = time.monotonic()
            self.rate_window = [(t, e) for t, e in self.rate_window if now - t < 1.0]
            self.rate_window.append((now, self.epoch))
            first_time, first_epoch = self.rate_window[0]
            per_second = (self.epoch - first_epoch) / max(now - first_time, 1e-9)
            state = "running" if self.playing else "paused"
            self.query_one("#status", Static).update(
                f"Epoch {self.epoch:07,d}  {per_second:,.0f} epochs/s  {state}\n"
                f"learn rate {LEARNING_RATES[self.rate_index]}"
            )

        def action_toggle_play(self) -> None:
            self.playing = not self.playing
            self.show_status()

        def action_rate(self, step: int) -> None:
            self.rate_index = max(0, min(len(LEARNING_RATES) - 1, self.rate_index + step))
            self.show_status()

    DummyApp().run()


if __name__ == "__main__":
    main()
