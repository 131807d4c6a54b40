"""The screen-diffing driver, on the real app in a pseudo-terminal: the terminal shows the
same screens as with Textual's own driver, from far fewer bytes."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pyte
import pytest
from textual import events
from textual.app import App
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Size

from tuiplay.ui.screen_diff import ScreenDiff
from tuiplay.ui.terminal_writer import ScreenDiffDriver

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import terminal_readout as readout
from terminal_pty import PYTE_UNKNOWN, PtyTerminal

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="pseudo-terminals do not exist on Windows"
)

ENV = {"TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": None, "TEXTUAL_FPS": None}
TEXTUALS_DRIVER = {"TEXTUAL_DRIVER": "textual.drivers.linux_driver:LinuxDriver"}


def test_the_driver_is_a_linux_driver() -> None:
    assert issubclass(ScreenDiffDriver, LinuxDriver)


@pytest.fixture
async def driver_writing_to(monkeypatch):
    """A ScreenDiffDriver of a 40x12 terminal whose output lands in the returned list
    (no terminal, no writer thread, no signal handlers installed)."""
    written: list[str] = []
    monkeypatch.setattr(signal, "signal", lambda *_: None)
    monkeypatch.setattr(LinuxDriver, "write", lambda self, data: written.append(data))
    monkeypatch.setattr(LinuxDriver, "_get_terminal_size", lambda self: (40, 12))
    monkeypatch.setattr(Driver, "send_message", lambda self, message: None)
    return ScreenDiffDriver(App(), size=(40, 12)), written


FRAME = "\x1b[0m\x1b[?2026h\x1b[1;1H\x1b[38;2;1;2;3mhello\x1b[0m\x1b[1;1H\x1b[?2026l"


async def test_the_driver_sends_a_frame_the_terminal_already_shows_as_nothing(
    driver_writing_to,
) -> None:
    driver, written = driver_writing_to
    driver.write(FRAME)
    sent = len(written)

    driver.write(FRAME)

    assert sent == 1 and "hello" in written[0]
    assert len(written) == sent


async def test_the_driver_counts_the_bytes_it_sends_in_utf_8(driver_writing_to) -> None:
    driver, written = driver_writing_to
    driver.write(FRAME.replace("hello", "héllo▀"))
    driver.write(FRAME.replace("hello", "héllo▀"))  # unchanged: nothing sent, nothing counted

    assert driver.bytes_written == sum(len(data.encode()) for data in written) > 0


async def test_after_a_resize_signal_the_driver_sends_the_next_frame_whole(
    driver_writing_to,
) -> None:
    driver, written = driver_writing_to
    driver.write(FRAME)

    driver._get_terminal_size()  # what Textual's SIGWINCH handler calls
    driver.write(FRAME)

    assert len(written) == 2 and "hello" in written[1]


async def test_after_an_in_band_resize_the_driver_sends_the_next_frame_whole(
    driver_writing_to,
) -> None:
    driver, written = driver_writing_to
    driver.write(FRAME)

    driver.process_message(events.Resize(Size(40, 12), Size(40, 12)))
    driver.write(FRAME)

    assert len(written) == 2 and "hello" in written[1]


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


def test_the_app_draws_with_fewer_bytes_and_leaves_the_default_pen_behind() -> None:
    raw = run_paused_app_until_it_quits({**ENV, **TEXTUALS_DRIVER})
    diffed = run_paused_app_until_it_quits({**ENV, "TEXTUAL_DRIVER": None})

    assert raw.exit_status == diffed.exit_status == 0
    assert raw.recording.bytes_between(0, 1e9) * 0.8 > diffed.recording.bytes_between(0, 1e9)
    assert diffed.screen.cursor.attrs == diffed.screen.default_char


def record_with_textuals_driver(args: list[str], keys: list[bytes]) -> PtyTerminal:
    """The app at 120x40 with Textual's own driver, every frame's bytes and screen kept;
    each key is pressed after a second."""
    terminal = PtyTerminal(
        [sys.executable, "-m", "tuiplay", *args],
        120,
        40,
        {**ENV, **TEXTUALS_DRIVER},
        keep_screens=True,
    )
    terminal.start()
    try:
        shown = terminal.pump_until(lambda: readout.shows_first_complete_frame(terminal.text()), 30)
        assert shown is not None, "no first frame:\n" + terminal.text()
        for key in keys:
            terminal.pump(1.0)
            terminal.send(key)
        terminal.pump(1.0)
    finally:
        terminal.close(quit_keys=b"\x11")
    return terminal


def assert_replay_shows_every_frame_the_same(terminal: PtyTerminal) -> None:
    """Replays the recorded bytes through a ScreenDiff into a second emulator and compares
    the screens after each frame; the replay must also cost far fewer bytes."""
    frames = terminal.recording.frames
    assert len(frames) > 10
    diff = ScreenDiff(terminal.columns, terminal.rows)
    replayed = pyte.Screen(terminal.columns, terminal.rows)
    stream = pyte.ByteStream(replayed)
    sent = 0
    for number, frame in enumerate(frames):
        assert frame.data is not None and frame.screen is not None
        changes = diff.feed(frame.data.decode()).encode()
        sent += len(changes)
        stream.feed(PYTE_UNKNOWN.sub(b"", changes))
        screen = tuple(
            tuple(replayed.buffer[y][x] for x in range(terminal.columns))
            for y in range(terminal.rows)
        )

        assert screen == frame.screen, f"frame {number} of {len(frames)}"
    assert sent < 0.5 * sum(frame.size for frame in frames)


@pytest.mark.parametrize("colors", ["truecolor", "256", "16"])
def test_replaying_the_training_spiral_through_the_screen_diff_shows_every_frame_the_same(
    colors: str,
) -> None:
    args = ["--preset", "video-spiral", "--hidden", "8,8", "--colors", colors]
    terminal = record_with_textuals_driver(args, [])

    assert_replay_shows_every_frame_the_same(terminal)


def test_replaying_the_help_screen_and_command_palette_shows_every_frame_the_same() -> None:
    escape, ctrl_p = b"\x1b", b"\x10"
    keys = [b"?", escape, ctrl_p, b"s", b"p", escape, b"l", b"L"]
    terminal = record_with_textuals_driver(["--preset", "video-spiral"], keys)

    assert_replay_shows_every_frame_the_same(terminal)
