"""The delta-SGR writer: the terminal draws the same screen from fewer bytes."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pyte
import pytest
from rich.color import ColorSystem
from rich.style import Style

from tuiplay.ui.terminal_writer import DeltaSgrDriver, DeltaSgrFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import terminal_readout as readout
from terminal_pty import PtyTerminal

BLUE_ON_GREY = "\x1b[38;2;8;119;189;48;2;40;40;40m"
ORANGE_ON_GREY = "\x1b[38;2;245;147;34;48;2;40;40;40m"
RESET = "\x1b[0m"


def filtered(*writes: str) -> str:
    writer = DeltaSgrFilter()
    return "".join(writer.feed(data) for data in writes)


def test_a_reset_between_two_styles_becomes_only_the_colour_that_changes() -> None:
    stream = f"{RESET}{BLUE_ON_GREY}ab{RESET}{ORANGE_ON_GREY}cd{RESET}"

    assert filtered(stream) == f"\x1b[0;{BLUE_ON_GREY[2:]}ab\x1b[38;2;245;147;34mcd"


def test_the_same_style_again_sends_nothing() -> None:
    stream = f"{RESET}{BLUE_ON_GREY}ab{RESET}{BLUE_ON_GREY}cd{RESET}"

    assert filtered(stream) == f"\x1b[0;{BLUE_ON_GREY[2:]}abcd"


def test_dropping_bold_uses_its_off_code_when_that_is_shorter_than_a_reset() -> None:
    stream = f"{RESET}\x1b[1;38;2;8;119;189;48;2;40;40;40mX{RESET}{BLUE_ON_GREY}Y"

    assert filtered(stream).endswith("X\x1b[22mY")


def test_switching_off_bold_keeps_dim_on() -> None:
    stream = f"{RESET}\x1b[1;2;94mX{RESET}\x1b[2;94mY"

    assert filtered(stream) == "\x1b[0;1;2;94mX\x1b[22;2mY"


def test_a_reset_is_chosen_when_it_is_shorter_than_switching_off() -> None:
    stream = f"{RESET}\x1b[1;2mX{RESET}\x1b[2mY"

    assert filtered(stream) == "\x1b[0;1;2mX\x1b[0;2mY"


def test_a_reset_with_nothing_drawn_after_it_waits_until_something_needs_the_pen() -> None:
    writer = DeltaSgrFilter()

    assert (
        writer.feed(f"{RESET}{BLUE_ON_GREY}ab{RESET}\x1b[2;1H")
        == f"\x1b[0;{BLUE_ON_GREY[2:]}ab\x1b[2;1H"
    )
    assert writer.feed("cd") == "\x1b[mcd"


def test_an_sgr_split_across_two_writes_is_held_back_until_it_is_complete() -> None:
    writer = DeltaSgrFilter()

    assert writer.feed(f"{RESET}ab\x1b[38;2;8;1") == "\x1b[mab"
    assert writer.feed("19;189mcd") == "\x1b[38;2;8;119;189mcd"


def test_every_way_of_splitting_a_stream_gives_the_same_output() -> None:
    stream = f"\x1b[?2026h{BLUE_ON_GREY}ab{RESET}\x1b]8;;https://x\x1b\\{ORANGE_ON_GREY}cd{RESET}"
    whole = filtered(stream)

    for cut in range(len(stream) + 1):
        assert filtered(stream[:cut], stream[cut:]) == whole, cut


def test_text_and_other_sequences_pass_through_unchanged() -> None:
    stream = "plain text\r\n\x1b[2J\x1b[3;4H\x1b[?25l\x1b]0;title\x07\x1b(B\x1b[>4;1m more"

    assert filtered(stream) == stream


def test_an_erase_gets_the_background_it_would_fill_with() -> None:
    stream = f"{RESET}{BLUE_ON_GREY}\x1b[K"

    assert filtered(stream) == f"\x1b[0;{BLUE_ON_GREY[2:]}\x1b[K"


def test_an_sgr_with_codes_it_does_not_model_is_sent_as_is() -> None:
    stream = f"{RESET}\x1b[1mA\x1b[4:3mB\x1b[53mC{RESET}D"

    assert filtered(stream) == "\x1b[0;1mA\x1b[4:3mB\x1b[53mC\x1b[mD"


def test_the_pen_is_forgotten_after_the_alternate_screen_and_a_terminal_reset() -> None:
    for pen_changing in ("\x1b[?1049h", "\x1b[?1049l", "\x1bc", "\x1b8"):
        stream = f"{RESET}{BLUE_ON_GREY}a{pen_changing}{RESET}{BLUE_ON_GREY}b"

        assert filtered(stream) == (
            f"\x1b[0;{BLUE_ON_GREY[2:]}a{pen_changing}\x1b[0;{BLUE_ON_GREY[2:]}b"
        ), repr(pen_changing)


def test_before_the_first_reset_styles_pass_through_because_the_pen_is_unknown() -> None:
    stream = f"\x1b[1mA{RESET}B"

    assert filtered(stream) == "\x1b[1mA\x1b[mB"


def test_the_driver_is_a_linux_driver() -> None:
    from textual.drivers.linux_driver import LinuxDriver

    assert issubclass(DeltaSgrDriver, LinuxDriver)


# Equivalence: frames as Textual writes them, drawn by pyte with and without the filter.

COLUMNS, ROWS = 40, 12
COLOURS = ["#0877bd", "#f59322", "#e8eaeb", "#282828", "red", "bright_blue", "color(208)"]


def textual_like_frames(seed: int, count: int) -> str:
    """Frames as Textual writes them: synchronized, a cursor move per line, and each segment
    as its full style, its text, and a reset."""
    rng = random.Random(seed)
    frames = ["\x1b[?1049h\x1b[?25l"]
    for _ in range(count):
        frames.append("\x1b[?2026h")
        for row in range(1, ROWS + 1):
            frames.append(f"\x1b[{row};1H")
            column = 0
            while column < COLUMNS:
                width = min(rng.randint(1, 6), COLUMNS - column)
                style = Style(
                    color=rng.choice(COLOURS),
                    bgcolor=rng.choice([*COLOURS, None]),
                    bold=rng.random() < 0.2,
                    dim=rng.random() < 0.1,
                    italic=rng.random() < 0.1,
                    underline=rng.random() < 0.1,
                    reverse=rng.random() < 0.1,
                    strike=rng.random() < 0.1,
                )
                text = "".join(rng.choice("▀▄█ ab·") for _ in range(width))
                frames.append(style.render(text, color_system=ColorSystem.TRUECOLOR))
                column += width
        frames.append("\x1b[?2026l")
    return "".join(frames)


def random_writes(stream: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(stream)), 300))
    return [stream[start:end] for start, end in zip([0, *cuts], [*cuts, len(stream)])]


def screen_after(stream: str) -> list[list[pyte.screens.Char]]:
    screen = pyte.Screen(COLUMNS, ROWS)
    pyte.Stream(screen).feed(stream)
    return [[screen.buffer[y][x] for x in range(COLUMNS)] for y in range(ROWS)]


def test_frames_cut_into_random_writes_draw_the_same_screen_in_fewer_bytes() -> None:
    for seed in range(3):
        stream = textual_like_frames(seed, count=5)
        written = filtered(*random_writes(stream, seed))
        for frames in range(1, 6):  # after each frame, not only the last
            end = stream.index("\x1b[?2026l", len(stream) * (frames - 1) // 5)
            assert screen_after(filtered(stream[:end])) == screen_after(stream[:end])

        assert screen_after(written) == screen_after(stream)
        assert len(written) < 0.85 * len(stream)


# The real app in a pseudo-terminal (as tests/test_terminal_pty.py runs it).


def run_paused_app_until_it_quits(env: dict[str, str | None]) -> PtyTerminal:
    terminal = PtyTerminal([sys.executable, "-m", "tuiplay", "--paused"], 80, 24, env)
    terminal.start()
    try:
        shown = terminal.pump_until(lambda: readout.shows_first_complete_frame(terminal.text()), 30)
        assert shown is not None, "no first frame:\n" + terminal.text()
        terminal.pump(1.0)  # let it settle
        terminal.send(b"q")
        terminal.pump_until_exit(30)
    finally:
        terminal.close(quit_keys=b"\x11")
    return terminal


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals do not exist on Windows")
def test_the_app_draws_with_fewer_bytes_and_leaves_the_default_pen_behind() -> None:
    env = {"TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": None}
    textuals_driver = "textual.drivers.linux_driver:LinuxDriver"

    raw = run_paused_app_until_it_quits({**env, "TEXTUAL_DRIVER": textuals_driver})
    delta = run_paused_app_until_it_quits({**env, "TEXTUAL_DRIVER": None})

    assert raw.exit_status == delta.exit_status == 0
    assert raw.recording.bytes_between(0, 1e9) * 0.8 > delta.recording.bytes_between(0, 1e9)
    assert delta.screen.cursor.attrs == delta.screen.default_char
