"""Where a frame's time goes inside the app: training, the app's drawing, Textual's
compositor, and each widget's render_lines; and where a key's latency goes: from the key
written to the app's action running, and from the action to the screen showing it.
A diagnostic to explain the benchmark's frame rate, epochs/s and key latency. The timers
add a little overhead of their own.

    python benchmarks/terminal_frame_costs.py [--scenario A] [--size 120x40] [--seconds 8]

It runs the app in a pty (as benchmarks/terminal.py does) through this same file started
with --inside, which wraps those methods with timers before the app starts and writes the
totals to a file when the app exits.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import functools
import json
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

INSIDE = "--inside"


def install_timers(report: Path) -> None:
    """Inside the app's process: time the callbacks that make a frame."""
    import textual.screen
    import textual.widget

    from tuiplay.ui import app

    totals: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0])

    def timed(owner: type, name: str, label: str | None = None) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                entry = totals[label or f"render_lines {type(self).__name__}#{self.id}"]
                entry[0] += 1
                entry[1] += time.perf_counter() - start

        setattr(owner, name, wrapper)

    timed(app.TuiplayApp, "_train", "app: train")
    timed(app.TuiplayApp, "_draw", "app: draw (widgets' show)")
    timed(textual.screen.Screen, "_compositor_refresh", "textual: compositor refresh")
    timed(textual.widget.Widget, "render_lines")
    actions: list[float] = []  # time.monotonic() when each setting action started
    original_setting = app.TuiplayApp.action_setting

    @functools.wraps(original_setting)
    def action_setting(self, *args, **kwargs):
        actions.append(time.monotonic())
        return original_setting(self, *args, **kwargs)

    app.TuiplayApp.action_setting = action_setting
    atexit.register(lambda: report.write_text(json.dumps({"totals": totals, "actions": actions})))


def run_inside(report: str, app_args: list[str]) -> None:
    install_timers(Path(report))
    from tuiplay.cli import main

    sys.exit(main(app_args))


def measure(scenario_name: str, size: str, seconds: float) -> tuple[dict, list[tuple]]:
    """Runs the scenario, then presses l/L as the benchmark does; returns the timers'
    totals and, per press, (key written, action started, screen showed it)."""
    import terminal
    import terminal_readout as readout
    from terminal_pty import PtyTerminal

    scenario = next(s for s in terminal.SCENARIOS if s.name == scenario_name)
    columns, rows = (int(n) for n in size.split("x"))
    report = Path(tempfile.mkdtemp()) / "frame_costs.json"
    argv = [sys.executable, __file__, INSIDE, str(report), *scenario.args]
    pty = PtyTerminal(argv, columns, rows, terminal.environment(scenario))
    pty.start()
    try:
        pty.pump_until(lambda: readout.shows_first_complete_frame(pty.text()), 30)
        terminal.start_training(pty)
        pty.pump(seconds)
        presses = terminal.key_presses(pty, terminal.FULL)
    finally:
        pty.close(timeout=20)
    inside = json.loads(report.read_text())
    actions = inside["actions"]
    timeline = [
        (sent, next((a for a in actions if a >= sent), math.inf), sent + latency)
        for sent, latency in presses
    ]
    return inside["totals"], timeline


def main() -> None:
    if sys.argv[1:2] == [INSIDE]:
        run_inside(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="A", choices=["A", "B", "D256", "D16"])
    parser.add_argument("--size", default="120x40", choices=["120x40", "80x24"])
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    totals, presses = measure(args.scenario, args.size, args.seconds)
    frames = totals.get("textual: compositor refresh", [1])[0] or 1
    print(f"scenario {args.scenario} at {args.size}: {frames} compositor refreshes in the run")
    print(f"{'what':52}  {'calls':>6}  {'ms/call':>8}  {'ms/refresh':>10}")
    for name, (calls, seconds) in sorted(totals.items(), key=lambda item: -item[1][1])[:16]:
        print(
            f"{name:52}  {calls:>6.0f}  {1000 * seconds / calls:>8.2f}  "
            f"{1000 * seconds / frames:>10.2f}"
        )
    print(f"\n{len(presses)} presses of l/L while training, ms   median    p95    max")
    for label, parts in (
        ("key written -> action starts", [action - sent for sent, action, _ in presses]),
        ("action starts -> screen shows it", [shown - action for _, action, shown in presses]),
        ("key written -> screen shows it", [shown - sent for sent, _, shown in presses]),
    ):
        ordered = sorted(parts)
        p95 = ordered[round(0.95 * (len(ordered) - 1))]
        print(
            f"{label:38}  {1000 * statistics.median(ordered):>6.0f}  {1000 * p95:>5.0f}  "
            f"{1000 * ordered[-1]:>5.0f}"
        )


if __name__ == "__main__":
    main()
