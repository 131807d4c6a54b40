"""Where the app's terminal bytes go: which rows each frame rewrites, how many of the cells
it writes had not changed, and what its SGR sequences look like. A diagnostic to explain
the numbers of benchmarks/terminal.py.

    python benchmarks/terminal_anatomy.py                  # scenario A at 120x40, 5 s
    python benchmarks/terminal_anatomy.py --scenario D256 --size 80x24 --seconds 3
    python benchmarks/terminal_anatomy.py --textuals-driver   # what Textual itself writes

By default the app runs with its own driver, which sends only the cells that changed
(tuiplay/ui/screen_diff.py); `--textuals-driver` shows the output it starts from.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from collections import Counter
from dataclasses import dataclass, field

import terminal
import terminal_readout as readout
from terminal_floor import diff_cost
from terminal_pty import Frame, PtyTerminal, Snapshot
from wcwidth import wcwidth

TOKEN = re.compile(
    r"(?P<csi>\x1b\[[0-?]*[ -/]*[@-~])|(?P<osc>\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))"
    r"|(?P<esc>\x1b.)|(?P<newline>[\r\n])|(?P<text>[^\x1b\r\n]+)"
)
CURSOR_FINALS = "HfABCDGd"


@dataclass(frozen=True)
class Panel:
    """A bordered box on screen, found by its rounded corners and named by its title."""

    name: str
    top: int
    left: int
    bottom: int
    right: int

    def holds(self, row: int, column: int) -> bool:
        return self.top <= row <= self.bottom and self.left <= column <= self.right


def find_panels(lines: list[str]) -> list[Panel]:
    panels = []
    for top, line in enumerate(lines):
        for left, corner in enumerate(line):
            if corner != "╭":
                continue
            right = line.find("╮", left)
            bottom = next(
                (r for r in range(top + 1, len(lines)) if lines[r][left : left + 1] == "╰"), top
            )
            title = line[left + 1 : right].strip("─ ") or f"box at {top},{left}"
            panels.append(Panel(title, top, left, bottom, right))
    return panels


def area_name(panels: list[Panel], row: int, column: int) -> str:
    return next((p.name for p in panels if p.holds(row, column)), f"row {row}")


@dataclass
class AreaStats:
    frames_written: int = 0
    bytes: int = 0
    cells_written: int = 0
    cells_unchanged: int = 0  # written, yet equal to what was already there
    first_column: int = 10_000
    last_column: int = -1


@dataclass
class Anatomy:
    frames: int = 0
    bytes_by_kind: Counter = field(default_factory=Counter)
    sgr_sequences: Counter = field(default_factory=Counter)
    cells_changed: int = 0
    floor_bytes: int = 0
    rows: dict[int, AreaStats] = field(default_factory=dict)
    areas: dict[str, AreaStats] = field(default_factory=dict)  # by panel title
    panels: list[Panel] = field(default_factory=list)

    def area_at(self, row: int, column: int) -> str:
        return area_name(self.panels, row, column)

    def stats_at(self, row: int, column: int) -> tuple[AreaStats, AreaStats]:
        by_row = self.rows.setdefault(row, AreaStats())
        return by_row, self.areas.setdefault(self.area_at(row, column), AreaStats())


def move_cursor(sequence: str, row: int, column: int) -> tuple[int, int]:
    final, numbers = sequence[-1], sequence[2:-1].split(";")
    values = [int(n) if n.isdigit() else 0 for n in numbers]
    first = values[0] or 1
    if final in "Hf":
        second = values[1] if len(values) > 1 and values[1] else 1
        return first - 1, second - 1
    steps = {"A": (-first, 0), "B": (first, 0), "C": (0, first), "D": (0, -first)}
    if final in steps:
        return row + steps[final][0], column + steps[final][1]
    if final == "G":
        return row, first - 1
    return first - 1, column  # "d": line position absolute


def add_frame(anatomy: Anatomy, frame: Frame, before: Snapshot, truecolor: bool) -> None:
    assert frame.data is not None and frame.screen is not None
    after = frame.screen
    anatomy.frames += 1
    anatomy.floor_bytes += diff_cost(before, after, truecolor)
    text = frame.data.decode("utf-8", "replace")
    anatomy.cells_changed += sum(
        old != new
        for old_line, new_line in zip(before, after)
        for old, new in zip(old_line, new_line)
    )
    row = column = 0
    written: set[tuple[str, int | str]] = set()
    for token in TOKEN.finditer(text):
        kind, piece = token.lastgroup, token.group()
        if kind == "csi" and piece.endswith("m"):
            kind = "SGR"
            anatomy.sgr_sequences[piece] += 1
        elif kind == "csi" and piece[-1] in CURSOR_FINALS:
            kind = "cursor move"
            row, column = move_cursor(piece, row, column)
        elif kind == "newline":
            row, column = (row + 1, column) if piece == "\n" else (row, 0)
        anatomy.bytes_by_kind[kind] += len(piece.encode())
        if not 0 <= row < len(after):
            continue
        if kind != "text":  # escapes count for the cell the cursor is on
            for stats in anatomy.stats_at(row, column):
                stats.bytes += len(piece.encode())
            continue
        for character in piece:
            if column < len(after[row]):
                for key, stats in zip(("row", "area"), anatomy.stats_at(row, column)):
                    stats.bytes += len(character.encode())
                    stats.cells_written += 1
                    stats.cells_unchanged += before[row][column] == after[row][column]
                    stats.first_column = min(stats.first_column, column)
                    stats.last_column = max(stats.last_column, column)
                    written.add((key, row if key == "row" else anatomy.area_at(row, column)))
            column += max(wcwidth(character), 1)
    for key, name in written:
        table = anatomy.rows if key == "row" else anatomy.areas
        table[name].frames_written += 1


def area_lines(kind: str, areas: dict, frames: int, total: int) -> list[str]:
    """One line per area (a panel or a row), largest share of bytes first for panels."""
    order = sorted(areas, key=lambda n: -areas[n].bytes) if kind == "panel" else list(areas)
    width = max([len(kind), *(len(name) for name in order)])
    lines = [
        f"{kind:<{width}}  written in % of frames  bytes/frame  share  "
        "cells written/frame  unchanged  columns"
    ]
    for name in order:
        stats = areas[name]
        if not stats.cells_written:
            continue
        lines.append(
            f"{name:<{width}}  {stats.frames_written / frames:>22.0%}  "
            f"{stats.bytes / frames:>11,.0f}  {stats.bytes / max(total, 1):>5.0%}  "
            f"{stats.cells_written / frames:>19,.1f}  "
            f"{stats.cells_unchanged / stats.cells_written:>9.0%}  "
            f"{stats.first_column}-{stats.last_column}"
        )
    return lines


def report(anatomy: Anatomy) -> str:
    frames = max(anatomy.frames, 1)
    total = sum(anatomy.bytes_by_kind.values())
    written = sum(r.cells_written for r in anatomy.rows.values())
    unchanged = sum(r.cells_unchanged for r in anatomy.rows.values())
    lines = [
        f"frames analysed: {anatomy.frames}; bytes/frame {total / frames:,.0f}; "
        f"cell-diff floor/frame {anatomy.floor_bytes / frames:,.0f} "
        f"(x{total / max(anatomy.floor_bytes, 1):.1f})",
        f"cells written/frame {written / frames:,.0f}, of which unchanged "
        f"{unchanged / max(written, 1):.0%}; cells that changed/frame "
        f"{anatomy.cells_changed / frames:,.0f}",
        "bytes by kind: "
        + ", ".join(
            f"{kind} {size / max(total, 1):.0%}"
            for kind, size in anatomy.bytes_by_kind.most_common()
        ),
        "",
        *area_lines("panel", anatomy.areas, frames, total),
        "",
        *area_lines(
            "row", {f"{row:>3}": s for row, s in sorted(anatomy.rows.items())}, frames, total
        ),
    ]
    sgr_count = sum(anatomy.sgr_sequences.values())
    sgr_bytes = anatomy.bytes_by_kind["SGR"]
    lines += [
        "",
        f"SGR sequences: {sgr_count / frames:,.0f}/frame, {sgr_bytes / max(sgr_count, 1):.1f} "
        "bytes each on average; the most frequent:",
    ]
    for sequence, count in anatomy.sgr_sequences.most_common(10):
        lines.append(f"  {count / frames:>8,.1f}/frame  {len(sequence):>3} B  {sequence!r}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="A", choices=[s.name for s in terminal.SCENARIOS])
    parser.add_argument("--size", default="120x40", choices=["120x40", "80x24"])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--app", default=f"{shlex.quote(sys.executable)} -m tuiplay")
    parser.add_argument(
        "--textuals-driver",
        action="store_true",
        help="run the app with Textual's own driver (no screen diff)",
    )
    args = parser.parse_args()
    scenario = next(s for s in terminal.SCENARIOS if s.name == args.scenario)
    columns, rows = (int(n) for n in args.size.split("x"))
    environment = terminal.environment(scenario)
    if args.textuals_driver:
        environment["TEXTUAL_DRIVER"] = "textual.drivers.linux_driver:LinuxDriver"
    pty = PtyTerminal(
        [*shlex.split(args.app), *scenario.args], columns, rows, environment, keep_screens=True
    )
    pty.start()
    try:
        pty.pump_until(lambda: readout.shows_first_complete_frame(pty.text()), 20)
        terminal.start_training(pty)
        pty.pump(terminal.FULL.warm_up)
        first = len(pty.recording.frames)
        pty.pump(args.seconds)
        frames = pty.recording.frames
        anatomy = Anatomy(panels=find_panels(pty.text().split("\n")))
        truecolor = scenario.colors is None
        for index in range(max(first, 1), len(frames)):
            add_frame(anatomy, frames[index], frames[index - 1].screen, truecolor)
    finally:
        pty.close()
    driver = "Textual's own driver" if args.textuals_driver else "the app's screen-diffing driver"
    print(f"{scenario.name} {scenario.title} at {args.size}, {args.seconds:g} s, {driver}")
    print(report(anatomy))


if __name__ == "__main__":
    main()
