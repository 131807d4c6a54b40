"""Where a frame's time goes inside the app: training, the app's drawing, Textual's
compositor, and each widget's render_lines; and where a key's latency goes: from the key
written to the app's action running, and from the action to the screen showing it.
A diagnostic to explain the benchmark's frame rate, epochs/s and key latency. The timers
add a little overhead of their own.

    python benchmarks/terminal_frame_costs.py [--scenario A] [--size 120x40] [--seconds 8]
        [--app-args "--large-network --hidden 64,64"] [--resets 4]

It runs the app in a pty (as benchmarks/terminal.py does) through this same file started
with --inside, which wraps those methods with timers before the app starts and writes the
totals to a file when the app exits.
"""

from __future__ import annotations

import argparse
import atexit
import collections
import functools
import gc
import json
import math
import shlex
import statistics
import sys
import tempfile
import time
from pathlib import Path

INSIDE = "--inside"
SPAN_WORTH_NOTING = 0.005  # seconds: longer calls are listed under the slow keys they delay
SLOW_KEY = 0.05  # seconds: presses slower than this are explained
STALL_WORTH_NOTING = 0.002  # seconds between two turns of the event loop


def install_timers(report: Path) -> None:
    """Inside the app's process: time the callbacks that make a frame."""
    import textual.screen
    import textual.widget

    from tuiplay.ui import app
    from tuiplay.ui.terminal_writer import ScreenDiffDriver

    totals: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0])
    spans: list[tuple[str, float, float]] = []  # (label, start, end) in time.monotonic()

    def timed(owner: type, name: str, label: str | None = None) -> None:
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(self, *args, **kwargs):
            start = time.monotonic()
            try:
                return original(self, *args, **kwargs)
            finally:
                end = time.monotonic()
                entry = totals[label or f"render_lines {type(self).__name__}#{self.id}"]
                entry[0] += 1
                entry[1] += end - start
                if label and end - start > SPAN_WORTH_NOTING:
                    spans.append((label, start, end))

        setattr(owner, name, wrapper)

    collecting: list[float] = []

    def garbage_collection(phase: str, info: dict) -> None:
        if phase == "start":
            collecting[:] = [time.monotonic()]
        elif collecting and time.monotonic() - collecting[0] > SPAN_WORTH_NOTING:
            spans.append((f"gc generation {info['generation']}", collecting[0], time.monotonic()))

    gc.callbacks.append(garbage_collection)

    timed(app.TuiplayApp, "_train", "app: train")
    timed(app.TuiplayApp, "_draw", "app: draw (widgets' show)")
    timed(textual.screen.Screen, "_compositor_refresh", "textual: compositor refresh")
    timed(textual.widget.Widget, "render_lines")
    timed(ScreenDiffDriver, "write", "driver: write (screen diff)")
    timed(textual.screen.Screen, "_on_timer_update", "textual: screen update")
    actions: list[float] = []  # time.monotonic() when each setting action started
    original_setting = app.TuiplayApp.action_setting

    @functools.wraps(original_setting)
    def action_setting(self, *args, **kwargs):
        actions.append(time.monotonic())
        return original_setting(self, *args, **kwargs)

    app.TuiplayApp.action_setting = action_setting
    stalls = watch_event_loop(app.TuiplayApp)
    atexit.register(
        lambda: report.write_text(
            json.dumps({"totals": totals, "actions": actions, "spans": spans, "stalls": stalls})
        )
    )


def watch_event_loop(app_class: type) -> list[tuple[float, float]]:
    """Inside the app's process: from mount on, a callback that runs once per turn of the
    event loop records every gap between turns over 2 ms, i.e. each time one step of work
    kept a key that had arrived from being handled."""
    import asyncio

    stalls: list[tuple[float, float]] = []  # (when the turn came, how long it took)
    original_mount = app_class.on_mount

    def turn(loop: asyncio.AbstractEventLoop, last: float) -> None:
        now = time.monotonic()
        if now - last > STALL_WORTH_NOTING:
            stalls.append((now, now - last))
        loop.call_soon(turn, loop, now)

    @functools.wraps(original_mount)
    def on_mount(self, *args, **kwargs):
        loop = asyncio.get_running_loop()
        loop.call_soon(turn, loop, time.monotonic())
        return original_mount(self, *args, **kwargs)

    app_class.on_mount = on_mount
    return stalls


def run_inside(report: str, app_args: list[str]) -> None:
    install_timers(Path(report))
    from tuiplay.cli import main

    sys.exit(main(app_args))


def measure(
    scenario_name: str, size: str, seconds: float, extra_args: list[str], resets: int = 0
) -> tuple[dict, list[tuple], list[list], list[float]]:
    """Runs the scenario (with `extra_args` added), pressing r `resets` times while it trains,
    then presses l/L as the benchmark does; returns the timers' totals, per press (key
    written, action started, screen showed it), the long calls, and how late each wake-up of
    the event loop was."""
    import terminal
    import terminal_readout as readout
    from terminal_pty import PtyTerminal

    scenario = next(s for s in terminal.SCENARIOS if s.name == scenario_name)
    columns, rows = (int(n) for n in size.split("x"))
    report = Path(tempfile.mkdtemp()) / "frame_costs.json"
    argv = [sys.executable, __file__, INSIDE, str(report), *scenario.args, *extra_args]
    pty = PtyTerminal(argv, columns, rows, terminal.environment(scenario))
    pty.start()
    try:
        pty.pump_until(lambda: readout.shows_first_complete_frame(pty.text()), 30)
        terminal.start_training(pty)
        training_from = time.monotonic()
        for _ in range(resets):  # new weights: a large network's are drawn in a thread
            pty.pump(seconds / (resets + 1))
            pty.send(b"r")
        pty.pump(seconds / (resets + 1))
        presses = terminal.key_presses(pty, terminal.FULL)
        training_until = time.monotonic()
    finally:
        pty.close(timeout=20)
    inside = json.loads(report.read_text())
    actions = inside["actions"]
    timeline = [
        (sent, next((a for a in actions if a >= sent), math.inf), sent + latency)
        for sent, latency in presses
    ]
    stalls = [stall for stall in inside["stalls"] if training_from <= stall[0] <= training_until]
    return inside["totals"], timeline, inside["spans"], stalls


def main() -> None:
    if sys.argv[1:2] == [INSIDE]:
        run_inside(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="A", choices=["A", "B", "D256", "D16"])
    parser.add_argument("--size", default="120x40", choices=["120x40", "80x24"])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument(
        "--app-args", default="", help="more app flags, e.g. '--hidden 8,8,8,8,8,8' (they win)"
    )
    parser.add_argument(
        "--resets", type=int, default=0, help="press r (new weights) this often while training"
    )
    args = parser.parse_args()
    totals, presses, spans, stalls = measure(
        args.scenario, args.size, args.seconds, shlex.split(args.app_args), args.resets
    )
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

    explain_slow_keys(presses, spans)
    explain_stalls(stalls, spans)


def explain_stalls(stalls: list[list[float]], spans: list[list]) -> None:
    """The longest times the event loop read no key while training, and the long calls in
    them (a stall with no call in it: the process was not running, or many short calls)."""
    print(
        f"\nevent loop while training and pressing keys: {sum(late > 0.05 for _, late in stalls)}"
        " stalls over 50 ms; the longest, with the calls over 5 ms in them:"
    )
    for woke, late in sorted(stalls, key=lambda stall: -stall[1])[:6]:
        start = woke - late
        during = [
            f"{label} {1000 * (max(begin, start) - start):+.0f}..{1000 * (end - start):+.0f}"
            for label, begin, end in spans
            if end > start and begin < woke
        ]
        print(f"  {1000 * late:4.0f} ms: " + ("; ".join(during) or "no long call"))


def explain_slow_keys(presses: list[tuple], spans: list[list]) -> None:
    """For each press slower than SLOW_KEY: the long calls that ran while it waited."""
    slow = [press for press in presses if press[2] - press[0] > SLOW_KEY]
    print(
        f"\n{len(slow)} presses slower than {1000 * SLOW_KEY:.0f} ms; calls over "
        f"{1000 * SPAN_WORTH_NOTING:.0f} ms while each waited (ms from the key written):"
    )
    for sent, action, shown in slow:
        during = [
            f"{label} {1000 * (start - sent):+.0f}..{1000 * (end - sent):+.0f}"
            for label, start, end in spans
            if end > sent and start < shown
        ]
        print(
            f"  action {1000 * (action - sent):+.0f}, shown {1000 * (shown - sent):+.0f}: "
            + ("; ".join(during) or "no long call")
        )


if __name__ == "__main__":
    main()
