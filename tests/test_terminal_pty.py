"""tuiplay in a real pseudo-terminal: what a user's terminal receives (behaviour, not timing).

The app runs as `python -m tuiplay` in a pty read by the pyte emulator (the benchmark's
harness, benchmarks/terminal_pty.py). Timeouts are generous ceilings against a hang, not
speed limits: speed is measured by benchmarks/terminal.py.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import terminal_readout as readout
from terminal_pty import PtyTerminal

STARTUP_CEILING = 30.0  # seconds: a hang, not a slow start
TERMINAL_ENV: dict[str, str | None] = {
    "TERM": "xterm-256color",
    "COLORTERM": "truecolor",
    "NO_COLOR": None,
    "TEXTUAL_FPS": None,
}
MOUSE_MODES = (1000, 1003, 1006, 1015)


def pty_unavailable_reason() -> str | None:
    if sys.platform == "win32":
        return "pseudo-terminals (pty.fork) do not exist on Windows"
    try:
        primary, secondary = os.openpty()
    except OSError as error:
        return f"this machine cannot open a pseudo-terminal: {error}"
    os.close(primary)
    os.close(secondary)
    return None


pytestmark = pytest.mark.skipif(
    pty_unavailable_reason() is not None, reason=str(pty_unavailable_reason())
)


# tuiplay's command line with a bug planted in the app: it raises as soon as it is ready.
TUIPLAY_WITH_A_BUG = """
import sys
from tuiplay.cli import main
from tuiplay.ui.app import TuiplayApp

def planted_bug(app):
    raise RuntimeError("a planted bug")

TuiplayApp.on_ready = planted_bug
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def start_app() -> Iterator:
    """Starts `python -m tuiplay ARGS` at 80x24 (with `program=TUIPLAY_WITH_A_BUG`,
    `python -c program ARGS`) in TERMINAL_ENV changed by `env`, keeping every frame's bytes
    with `keep_screens`; every app started is closed afterwards."""
    started: list[PtyTerminal] = []

    def start(
        *args: str,
        program: str | None = None,
        env: dict[str, str | None] | None = None,
        keep_screens: bool = False,
    ) -> PtyTerminal:
        command = ["-m", "tuiplay"] if program is None else ["-c", program]
        terminal = PtyTerminal(
            [sys.executable, *command, *args],
            80,
            24,
            {**TERMINAL_ENV, **(env or {})},
            keep_screens=keep_screens,
        )
        terminal.start()
        started.append(terminal)
        return terminal

    yield start
    for terminal in started:
        terminal.close(quit_keys=b"\x11")  # ctrl+q, in case q was what failed


def wait_for_first_frame(terminal: PtyTerminal) -> None:
    shown = terminal.pump_until(
        lambda: readout.shows_first_complete_frame(terminal.text()), STARTUP_CEILING
    )
    assert shown is not None, "no epoch counter and heatmap on screen:\n" + terminal.text()


def wait_until_quiet(terminal: PtyTerminal, quiet: float, ceiling: float) -> None:
    """Reads until the app has written nothing for `quiet` seconds."""
    deadline = time.monotonic() + ceiling
    while time.monotonic() < deadline:
        if terminal.pump_until(lambda: True, quiet) is None:
            return
    pytest.fail(f"the app never went quiet for {quiet} s within {ceiling} s")


def test_app_starts_in_the_alternate_screen_and_draws_status_and_heatmap(start_app) -> None:
    terminal = start_app("--paused")

    wait_for_first_frame(terminal)

    assert terminal.running
    assert terminal.in_alternate_screen
    assert readout.epoch(terminal.text()) == 0
    assert readout.shows_paused(terminal.text())


def test_a_playing_app_shows_the_bytes_per_second_it_sends(start_app) -> None:
    terminal = start_app("--seed", "0.5")
    wait_for_first_frame(terminal)

    shown = terminal.pump_until(lambda: " KB/s" in terminal.line(0), STARTUP_CEILING)

    assert shown is not None, terminal.line(0)
    assert "epochs/s" in terminal.line(0)


def test_paused_app_writes_nothing_for_a_second_after_it_settles(start_app) -> None:
    terminal = start_app("--paused")
    wait_for_first_frame(terminal)
    wait_until_quiet(terminal, quiet=0.5, ceiling=10)
    written_before = len(terminal.recording.reads)

    terminal.pump(1.0)

    assert terminal.running
    assert terminal.recording.reads[written_before:] == []


def test_q_quits_with_status_0_and_restores_the_terminal(start_app) -> None:
    terminal = start_app("--paused")
    wait_for_first_frame(terminal)

    terminal.send(b"q")
    terminal.pump_until_exit(STARTUP_CEILING)

    assert terminal.exit_status == 0
    assert not terminal.in_alternate_screen
    assert not terminal.screen.cursor.hidden
    still_on = [mode for mode in MOUSE_MODES if (mode << 5) in terminal.screen.mode]
    assert still_on == [], f"mouse reporting left on: {still_on}"


def test_load_starts_the_app_on_the_saved_session(start_app, tmp_path) -> None:
    from tuiplay.engine import session_file
    from tuiplay.engine.config import Config
    from tuiplay.engine.trainer import Session

    session = Session(Config(seed="0.5", dataset="xor"))
    session.step_epochs(12)
    path = tmp_path / "xor.json"
    session_file.save(session, path)
    terminal = start_app("--load", str(path), "--paused")

    wait_for_first_frame(terminal)

    assert terminal.running
    assert readout.epoch(terminal.text()) == 12
    assert "xor" in terminal.text()


def test_the_tour_starts_in_a_terminal_and_q_quits_it(start_app) -> None:
    terminal = start_app("tour", "--seed", "0.5", "--epochs-per-step", "3", "--rest", "30")

    shown = terminal.pump_until(
        lambda: "circle · 1 hidden layer · 1 neuron" in terminal.text(), STARTUP_CEILING
    )
    assert shown is not None, terminal.text()
    terminal.send(b"q")
    terminal.pump_until_exit(STARTUP_CEILING)
    assert terminal.exit_status == 0
    assert not terminal.in_alternate_screen


@pytest.mark.parametrize("args", [("--paused",), ("tour", "--seed", "0.5")], ids=["app", "tour"])
def test_a_crash_ends_with_a_non_zero_exit_status(start_app, args) -> None:
    terminal = start_app(*args, program=TUIPLAY_WITH_A_BUG)

    terminal.pump_until_exit(STARTUP_CEILING)

    assert terminal.exit_status == 1, terminal.text()
    assert not terminal.in_alternate_screen


def colors_sent(output: bytes) -> Counter[str]:
    """How many colours the SGR sequences in `output` set, by encoding: "truecolor"
    (38;2;r;g;b and 48;2;…), "256" (38;5;n and 48;5;n) and "16" (30-37, 90-97 and their
    backgrounds)."""
    sent: Counter[str] = Counter()
    for parameters in re.findall(rb"\x1b\[([0-9;]*)m", output):
        values = [int(value or 0) for value in parameters.split(b";")]
        i = 0
        while i < len(values):
            if values[i] in (38, 48) and i + 1 < len(values) and values[i + 1] in (2, 5):
                encoding, length = ("truecolor", 5) if values[i + 1] == 2 else ("256", 3)
                sent[encoding] += 1
                i += length
                continue
            if values[i] in SIXTEEN_COLOR_CODES:
                sent["16"] += 1
            i += 1
    return sent


SIXTEEN_COLOR_CODES = {*range(30, 38), *range(40, 48), *range(90, 98), *range(100, 108)}


@pytest.mark.parametrize(
    ("colors", "env", "encoding", "never"),
    [
        ("truecolor", {"COLORTERM": None}, "truecolor", ("256", "16")),
        ("256", {"COLORTERM": "truecolor"}, "256", ("truecolor",)),
        ("16", {"COLORTERM": "truecolor"}, "16", ("truecolor", "256")),
        ("auto", {"COLORTERM": None}, "256", ("truecolor",)),  # TERM is xterm-256color
    ],
)
def test_colors_decides_how_the_terminal_is_sent_colours(
    start_app, colors, env, encoding, never
) -> None:
    terminal = start_app("--paused", "--colors", colors, env=env, keep_screens=True)
    wait_for_first_frame(terminal)
    wait_until_quiet(terminal, quiet=0.5, ceiling=10)

    sent = colors_sent(b"".join(frame.data for frame in terminal.recording.frames))

    assert sent[encoding] > 100, sent
    assert all(sent[other] == 0 for other in never), sent


def test_colors_sent_counts_each_encoding() -> None:
    output = b"\x1b[38;2;1;2;3;48;5;17m\x1b[1;91;40mx\x1b[0;38;5;253m"

    assert colors_sent(output) == Counter({"truecolor": 1, "256": 2, "16": 2})


# The benchmark's own yardsticks, checked on hand-made screens.


def screen_after(stream: str, columns: int = 8, rows: int = 2) -> tuple:
    import pyte

    screen = pyte.Screen(columns, rows)
    pyte.Stream(screen).feed(stream)
    return tuple(tuple(screen.buffer[y][x] for x in range(columns)) for y in range(rows))


def test_cell_diff_floor_pays_only_for_changed_cells() -> None:
    from terminal_floor import diff_cost

    before = screen_after("hello")
    after = screen_after("hellx")

    assert diff_cost(before, before, truecolor=True) == 0
    # one cursor move to row 1, column 5, then the one new character
    assert diff_cost(before, after, truecolor=True) == len("\x1b[1;5H") + len("x")


def test_delta_sgr_reencoding_draws_the_same_screen_in_fewer_bytes() -> None:
    from terminal_sgr import with_delta_sgr

    frame = (
        "\x1b[1;1H\x1b[38;2;1;2;3;48;2;9;9;9mab\x1b[0m\x1b[38;2;1;2;3;48;2;9;9;9mcd\x1b[0m"
        "\x1b[2;1H\x1b[1;38;2;4;5;6;48;2;9;9;9mX\x1b[0m\x1b[48;2;9;9;9m  \x1b[0m"
    )

    shorter = with_delta_sgr(frame)

    assert screen_after(shorter) == screen_after(frame)
    assert len(shorter) < len(frame)
