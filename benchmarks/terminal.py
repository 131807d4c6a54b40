"""How frugal tuiplay is in a real terminal: bytes, frames, epochs, latency, CPU, memory.

Runs `python -m tuiplay` in a pseudo-terminal (120x40 and 80x24), reads everything it
writes through the pyte emulator, types keys as a user would, and prints one table of
measurements and one of targets with pass/fail.

    python benchmarks/terminal.py                 # every scenario, about three minutes
    python benchmarks/terminal.py --quick         # shorter windows, same scenarios
    python benchmarks/terminal.py --scenario A    # one scenario (A, B, C, D256, D16)
    python benchmarks/terminal.py --app "python benchmarks/terminal_dummy_app.py"

Scenarios: (A) the video's spiral with hidden layers 8,8, training; (B) the Playground's
default page, training; (C) A paused after it trained a while; (D256, D16) A with
`--colors 256` / `--colors 16` (and no COLORTERM). The terminal answers the
synchronized-output query as current terminal emulators do, so frames are counted by their
`ESC[?2026h … ESC[?2026l` markers (by write bursts if the app sends none).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import terminal_readout as readout
from terminal_floor import diff_cost
from terminal_pty import PtyTerminal

SIZES = ((120, 40), (80, 24))
VIDEO_SPIRAL = ["--preset", "video-spiral", "--hidden", "8,8"]
LATENCY_PRESSES = 30
LOST_KEY_AFTER = 2.0  # seconds without the key's effect on screen
OTHER_LOAD_NOTICE = 0.25  # cores


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    args: list[str]
    colors: str | None = None  # None: truecolor announced through COLORTERM
    pause_after_training: bool = False
    latency: bool = False
    floor: bool = False


SCENARIOS = (
    Scenario("A", "video spiral 8,8, training", VIDEO_SPIRAL, latency=True, floor=True),
    Scenario("B", "default page, training", ["--preset", "default"], latency=True),
    Scenario("C", "video spiral 8,8, paused", VIDEO_SPIRAL, pause_after_training=True),
    Scenario("D256", "A in 256 colours", [*VIDEO_SPIRAL, "--colors", "256"], colors="256"),
    Scenario("D16", "A in 16 colours", [*VIDEO_SPIRAL, "--colors", "16"], colors="16"),
)


@dataclass(frozen=True)
class Timing:
    warm_up: float  # seconds of training before measuring
    window: float  # seconds measured
    train_before_pause: float
    settle: float  # after pausing, before measuring
    gap: tuple[float, float]  # pause between key presses, drawn uniformly


FULL = Timing(warm_up=2.0, window=8.0, train_before_pause=10.0, settle=1.0, gap=(0.05, 0.2))
QUICK = Timing(warm_up=1.0, window=3.0, train_before_pause=3.0, settle=1.0, gap=(0.02, 0.08))


@dataclass
class Result:
    scenario: Scenario
    size: tuple[int, int]
    first_frame: float | None = None  # seconds from start to the first complete frame
    bytes_per_second: float | None = None
    frames_per_second: float | None = None
    epochs_per_second: float | None = None
    cpu_share: float | None = None  # of one core
    peak_rss: int | None = None
    floor_bytes_per_second: float | None = None
    latencies: list[float] = field(default_factory=list)
    bytes_per_frame: float | None = None
    other_load: float | None = None  # cores busy with neither the app nor this benchmark
    synchronized: bool = False
    exit_code: int | None = None
    problem: str = ""

    @property
    def floor_ratio(self) -> float | None:
        if not self.floor_bytes_per_second or self.bytes_per_second is None:
            return None
        return self.bytes_per_second / self.floor_bytes_per_second

    @property
    def lost_keys(self) -> int:
        return sum(math.isinf(latency) for latency in self.latencies)

    def latency(self, statistic: str) -> float | None:
        if len(self.latencies) < LATENCY_PRESSES:
            return None
        ordered = sorted(self.latencies)
        if statistic == "median":
            return statistics.median(ordered)
        if statistic == "p95":
            return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return ordered[-1]


class ScenarioFailed(Exception):
    """The app did not do what the scenario needs (said in one line)."""


def environment(scenario: Scenario) -> dict[str, str | None]:
    return {
        "TERM": "xterm-256color",
        "COLORTERM": None if scenario.colors else "truecolor",
        "NO_COLOR": None,
        "TEXTUAL_COLOR_SYSTEM": None,
        "TEXTUAL_FPS": None,
    }


def run(app: list[str], scenario: Scenario, size: tuple[int, int], timing: Timing) -> Result:
    result = Result(scenario, size)
    terminal = PtyTerminal(
        [*app, *scenario.args], *size, environment(scenario), keep_screens=scenario.floor
    )
    terminal.start()
    try:
        measure(terminal, result, timing)
    except ScenarioFailed as failure:
        shown = [line.strip() for line in terminal.text().splitlines() if line.strip()]
        last = f" (the screen's last line: {shown[-1][:80]!r})" if shown else " (blank screen)"
        result.problem = str(failure) + last
    finally:
        if terminal.running:
            result.peak_rss = terminal.peak_rss_bytes()
        result.exit_code = terminal.close()
        result.synchronized = terminal.recording.synchronized
    return result


def measure(terminal: PtyTerminal, result: Result, timing: Timing) -> None:
    shown = terminal.pump_until(lambda: readout.shows_first_complete_frame(terminal.text()), 20)
    if shown is None:
        raise ScenarioFailed("no complete first frame (epoch counter and heatmap) within 20 s")
    result.first_frame = shown - terminal.started
    start_training(terminal)
    if result.scenario.pause_after_training:
        terminal.pump(timing.train_before_pause)
        pause(terminal)
        terminal.pump(timing.settle)
    else:
        terminal.pump(timing.warm_up)
    measure_window(terminal, result, timing.window)
    if result.scenario.latency:
        result.latencies = [latency for _, latency in key_presses(terminal, timing)]


def screen_epoch(terminal: PtyTerminal) -> int:
    epoch = readout.epoch(terminal.text())
    if epoch is None:
        raise ScenarioFailed("the epoch counter is not on screen")
    return epoch


def start_training(terminal: PtyTerminal) -> None:
    """Wait for the epoch counter to move; press space, as a user would, if the app
    stays paused."""
    before = screen_epoch(terminal)
    advancing = lambda: screen_epoch(terminal) > before  # noqa: E731
    if terminal.pump_until(advancing, 2) is not None:
        return
    if readout.shows_paused(terminal.text()):
        terminal.send(b" ")
        if terminal.pump_until(advancing, 5) is not None:
            return
    raise ScenarioFailed("the epoch counter does not advance while training")


def pause(terminal: PtyTerminal) -> None:
    terminal.send(b" ")
    if terminal.pump_until(lambda: readout.shows_paused(terminal.text()), 5) is None:
        raise ScenarioFailed("space did not pause training")


def measure_window(terminal: PtyTerminal, result: Result, seconds: float) -> None:
    start, cpu_before = time.monotonic(), terminal.cpu_seconds()
    machine_before, own_before = machine_busy(), own_cpu()
    terminal.catch_up(start)
    epoch_before = screen_epoch(terminal)
    terminal.idle(seconds)  # the emulator waits, so the app has the CPU it would have
    end, cpu_after = time.monotonic(), terminal.cpu_seconds()
    machine_after, own_after = machine_busy(), own_cpu()
    terminal.catch_up(end)
    epoch_after = screen_epoch(terminal)
    elapsed = end - start
    recording = terminal.recording
    sent = recording.bytes_between(start, end)
    frames = recording.frames_between(start, end)
    result.bytes_per_second = sent / elapsed
    result.frames_per_second = len(frames) / elapsed
    result.bytes_per_frame = sent / len(frames) if frames else None
    result.epochs_per_second = (epoch_after - epoch_before) / elapsed
    result.cpu_share = (cpu_after - cpu_before) / elapsed
    others = (machine_after - machine_before) - (cpu_after - cpu_before) - (own_after - own_before)
    result.other_load = max(others, 0.0) / elapsed
    result.peak_rss = terminal.peak_rss_bytes()
    if result.scenario.floor:
        result.floor_bytes_per_second = floor_bytes(terminal, start, end) / elapsed


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    with open("/proc/stat") as stat:
        ticks = [int(n) for n in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    """CPU seconds of this benchmark process (the emulator and its reader thread)."""
    times = os.times()
    return times.user + times.system


def floor_bytes(terminal: PtyTerminal, start: float, end: float) -> int:
    """Bytes a cell-diffing renderer needs for the frames drawn between start and end."""
    frames = terminal.recording.frames
    inside = [i for i, frame in enumerate(frames) if start <= frame.end < end]
    truecolor = not any(arg in ("256", "16", "mono") for arg in terminal.argv)
    return sum(
        diff_cost(frames[i - 1].screen, frames[i].screen, truecolor) for i in inside if i > 0
    )


def key_presses(terminal: PtyTerminal, timing: Timing) -> list[tuple[float, float]]:
    """Press l and L in turn; each latency runs from the key written to the screen showing
    the new learning rate. Presses land at random points of the frame cycle. A press whose
    effect never shows counts as an infinite latency (and is reported as lost).
    Returns (time written, latency) per press."""
    chance = random.Random(4)
    presses = []
    for press in range(LATENCY_PRESSES):
        before = readout.learning_rate(terminal.text())
        if before is None:
            raise ScenarioFailed("the learning rate is not on screen")
        sent = terminal.send(b"l" if press % 2 == 0 else b"L")
        changed = lambda before=before: readout.learning_rate(terminal.text()) != before  # noqa: E731
        shown = terminal.pump_until(changed, LOST_KEY_AFTER)
        presses.append((sent, math.inf if shown is None else shown - sent))
        terminal.pump(chance.uniform(*timing.gap))
    return presses


@dataclass(frozen=True)
class Target:
    text: str
    scenario: str  # measured on this scenario at 120x40
    value: Callable[[Result], float | None]
    limit: float
    at_most: bool  # pass when value <= limit (else when value >= limit)
    unit: str

    def verdict(self, value: float | None) -> str:
        if value is None:
            return "FAIL (not measured)"
        passed = value <= self.limit if self.at_most else value >= self.limit
        return "pass" if passed else "FAIL"


TARGETS = (
    Target("bytes/s while training", "A", lambda r: r.bytes_per_second, 100_000, True, "B/s"),
    Target("ratio to the cell-diff floor", "A", lambda r: r.floor_ratio, 2, True, "x"),
    Target("bytes/s while paused", "C", lambda r: r.bytes_per_second, 1_000, True, "B/s"),
    Target("CPU while paused", "C", lambda r: percent(r.cpu_share), 2, True, "% core"),
    Target("live epochs/s, screen updating", "A", lambda r: r.epochs_per_second, 150, False, "/s"),
    Target("live epochs/s, default page", "B", lambda r: r.epochs_per_second, 1_000, False, "/s"),
    Target("key latency p95 while training", "A", lambda r: ms(r.latency("p95")), 50, True, "ms"),
    Target("key latency max while training", "A", lambda r: ms(r.latency("max")), 100, True, "ms"),
    Target("start to first complete frame", "A", lambda r: r.first_frame, 1.5, True, "s"),
)


def percent(share: float | None) -> float | None:
    return None if share is None else 100 * share


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else 1000 * seconds


def show(value: float | None, template: str = "{:,.0f}") -> str:
    return "-" if value is None else template.format(value)


COLUMNS = (
    ("scenario", lambda r: f"{r.scenario.name} {r.scenario.title}"),
    ("size", lambda r: "{}x{}".format(*r.size)),
    ("first frame s", lambda r: show(r.first_frame, "{:.2f}")),
    ("bytes/s", lambda r: show(r.bytes_per_second)),
    ("frames/s", lambda r: show(r.frames_per_second, "{:.1f}")),
    ("bytes/frame", lambda r: show(r.bytes_per_frame)),
    ("epochs/s", lambda r: show(r.epochs_per_second)),
    (
        "key ms p50/p95/max",
        lambda r: (
            "/".join(show(ms(r.latency(s)), "{:.0f}") for s in ("median", "p95", "max"))
            if r.latencies
            else "-"
        ),
    ),
    ("CPU % core", lambda r: show(percent(r.cpu_share), "{:.1f}")),
    ("peak RSS MB", lambda r: show(r.peak_rss and r.peak_rss / 1e6, "{:.0f}")),
    ("floor bytes/s", lambda r: show(r.floor_bytes_per_second)),
    ("x floor", lambda r: show(r.floor_ratio, "{:.1f}")),
    ("other load cores", lambda r: show(r.other_load, "{:.2f}")),
    ("exit", lambda r: show(r.exit_code, "{}")),
)


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows)]
    lines = [header, ["-" * width for width in widths], *rows]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)) for line in lines)


def measurements_table(results: list[Result]) -> str:
    rows = [[cell(result) for _, cell in COLUMNS] for result in results]
    return table([name for name, _ in COLUMNS], rows)


def targets_table(results: list[Result]) -> str:
    by_name = {r.scenario.name: r for r in results if r.size == SIZES[0]}
    rows = []
    for target in TARGETS:
        if target.scenario not in by_name:
            continue
        value = target.value(by_name[target.scenario])
        bound = "<=" if target.at_most else ">="
        rows.append(
            [
                f"({target.scenario}) {target.text}",
                f"{show(value, '{:,.1f}')} {target.unit}",
                f"{bound} {target.limit:,g} {target.unit}",
                target.verdict(value),
            ]
        )
    return table(["target (120x40)", "measured", "limit", "result"], rows)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter measuring windows")
    names = [s.name for s in SCENARIOS]
    parser.add_argument("--scenario", choices=names, action="append", help="repeatable")
    parser.add_argument("--size", choices=["120x40", "80x24"], action="append")
    parser.add_argument(
        "--app",
        default=f"{shlex.quote(sys.executable)} -m tuiplay",
        help="the command that starts the app (default: %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # The pty reader thread timestamps output; let it take the GIL promptly.
    sys.setswitchinterval(0.0005)
    timing = QUICK if args.quick else FULL
    app = shlex.split(args.app)
    chosen = [s for s in SCENARIOS if not args.scenario or s.name in args.scenario]
    sizes = [s for s in SIZES if not args.size or "{}x{}".format(*s) in args.size]
    results = []
    for scenario in chosen:
        for size in sizes:
            print(f"running {scenario.name} at {size[0]}x{size[1]} ...", file=sys.stderr)
            result = run(app, scenario, size, timing)
            if result.problem:
                print(f"  {scenario.name}: {result.problem}", file=sys.stderr)
            results.append(result)
    print(measurements_table(results))
    for result in results:
        if result.lost_keys:
            print(
                f"{result.scenario.name} {result.size[0]}x{result.size[1]}: {result.lost_keys} of "
                f"{len(result.latencies)} key presses showed no effect within {LOST_KEY_AFTER:g} s"
            )
    problems = [r for r in results if r.problem]
    for result in problems:
        print(f"{result.scenario.name} {result.size[0]}x{result.size[1]}: {result.problem}")
    print()
    print(targets_table(results))
    frames = "synchronized-update frames" if any(r.synchronized for r in results) else "bursts"
    print(f"\nframes counted as {frames}; app: {args.app}")
    busiest = max((r.other_load or 0.0 for r in results), default=0.0)
    if busiest > OTHER_LOAD_NOTICE:
        print(
            f"other processes kept up to {busiest:.1f} of {os.cpu_count()} cores busy: "
            "epochs/s, latencies and first-frame times are pessimistic there."
        )


if __name__ == "__main__":
    main()
