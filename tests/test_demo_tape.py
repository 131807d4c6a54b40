"""demo.tape replayed against the real app: the recording cannot drift from what tuiplay does.

The tape is parsed with the VHS grammar, the command line it types while hidden goes through
tuiplay's own argument parser, and every key after `Show` is pressed through Textual's pilot.
"""

import math
import shlex
from pathlib import Path

import pytest
from textual.pilot import Pilot
from vhs_tape import (
    Command,
    Env,
    Hide,
    Key,
    KeyCombo,
    Output,
    Screenshot,
    Set,
    Show,
    Sleep,
    Type,
    parse_tape_file,
)

from tuiplay.cli import build_parser, config_from_args
from tuiplay.engine.features import FEATURES
from tuiplay.ui.app import MIN_HEIGHT, MIN_WIDTH, TuiplayApp

DEMO_TAPE = Path(__file__).resolve().parent.parent / "demo.tape"

# A tape's Sleep becomes this pause: long enough for the training timer to tick a few times.
REPLAY_PAUSE_SECONDS = 0.1

# xterm.js cell size for VHS's default font, JetBrains Mono: the advance is 0.6 em and a line
# is ascent + descent = 1.02 + 0.30 em, times the LineHeight setting.
CELL_WIDTH_EM = 0.6
CELL_HEIGHT_EM = 1.32
VHS_DEFAULTS = {"FontSize": 22.0, "Padding": 60.0, "LineHeight": 1.0, "LetterSpacing": 0.0}

PILOT_KEYS = {
    "Enter": "enter",
    "Space": "space",
    "Tab": "tab",
    "Backspace": "backspace",
    "Delete": "delete",
    "Insert": "insert",
    "Escape": "escape",
    "Up": "up",
    "Down": "down",
    "Left": "left",
    "Right": "right",
    "PageUp": "pageup",
    "PageDown": "pagedown",
}

# Commands that change the recording but send nothing to the app.
RECORDING_ONLY = (Hide, Show, Screenshot, Env, Set)


def settings(commands: list[Command]) -> dict[str, object]:
    return {c.setting: c.value for c in commands if isinstance(c, Set)}


def terminal_cells(commands: list[Command]) -> tuple[int, int]:
    """The terminal size in cells that VHS fits into the tape's Width x Height pixels."""
    chosen = {**VHS_DEFAULTS, **settings(commands)}
    font_size = chosen["FontSize"]
    cell_width = font_size * CELL_WIDTH_EM + chosen["LetterSpacing"]
    cell_height = font_size * CELL_HEIGHT_EM * chosen["LineHeight"]
    columns = (chosen["Width"] - 2 * chosen["Padding"]) / cell_width
    rows = (chosen["Height"] - 2 * chosen["Padding"]) / cell_height
    return math.floor(columns), math.floor(rows)


def hidden_and_shown(commands: list[Command]) -> tuple[list[Command], list[Command]]:
    """The commands of the leading Hide ... Show block, and every command after it."""
    kinds = [type(c) for c in commands]
    hide, show = kinds.index(Hide), kinds.index(Show)
    return commands[hide + 1 : show], commands[show + 1 :]


def typed_command_line(hidden: list[Command]) -> list[str]:
    """The words of the shell command typed while hidden, up to its Enter."""
    typed = ""
    for command in hidden:
        if isinstance(command, Type):
            typed += command.text
        elif isinstance(command, Key) and command.key == "Enter":
            return shlex.split(typed)
    raise AssertionError(f"the hidden block never presses Enter after typing {typed!r}")


def pilot_keys(command: Command) -> list[str]:
    """The pilot key names that send what the command sends to the terminal."""
    if isinstance(command, Type):
        return [PILOT_KEYS["Space"] if ch == " " else ch for ch in command.text]
    if isinstance(command, Key) and command.key in PILOT_KEYS:
        return [PILOT_KEYS[command.key]] * command.count
    if isinstance(command, KeyCombo) and command.modifiers == ("Ctrl",):
        return [f"ctrl+{command.key.lower()}"]
    raise AssertionError(f"line {command.line}: {command} has no pilot equivalent in this test")


def stage(app: TuiplayApp) -> tuple[str, tuple[int, ...], float, int]:
    """What the viewer watches: dataset, hidden layers, learning rate, number of features."""
    config = app.session.config
    return config.dataset, config.network_shape, config.learning_rate, len(config.features)


async def replay(pilot: Pilot, commands: list[Command]) -> list[tuple]:
    """Press the commands' keys; return the stage shown during each Sleep, repeats dropped."""
    stages: list[tuple] = []
    for command in commands:
        if isinstance(command, Sleep):
            await pilot.pause(REPLAY_PAUSE_SECONDS)
            if not stages or stages[-1] != stage(pilot.app):
                stages.append(stage(pilot.app))
        elif not isinstance(command, RECORDING_ONLY):
            await pilot.press(*pilot_keys(command))
    return stages


@pytest.fixture(scope="module")
def commands() -> list[Command]:
    return parse_tape_file(DEMO_TAPE)


def test_the_tape_records_a_truecolor_gif_of_1200_by_700(commands: list[Command]) -> None:
    chosen = settings(commands)
    assert (chosen["Width"], chosen["Height"]) == (1200, 700)
    assert [c.path for c in commands if isinstance(c, Output)] == ["demo.gif"]
    assert Env("COLORTERM", "truecolor") in commands


def test_the_tapes_terminal_is_large_enough_for_the_app(commands: list[Command]) -> None:
    columns, rows = terminal_cells(commands)
    assert columns >= MIN_WIDTH and rows >= MIN_HEIGHT


def test_the_tape_launches_the_circle_preset_while_hidden(commands: list[Command]) -> None:
    hidden, _ = hidden_and_shown(commands)
    assert typed_command_line(hidden) == ["tuiplay", "--preset", "video-circle"]


def test_the_shown_part_lasts_30_to_60_seconds(commands: list[Command]) -> None:
    _, shown = hidden_and_shown(commands)
    seconds = sum(c.seconds for c in shown if isinstance(c, Sleep))
    assert 30 <= seconds <= 60


def test_the_tape_ends_with_the_quit_key(commands: list[Command]) -> None:
    assert pilot_keys(commands[-1]) in (["q"], ["ctrl+q"])


def circle(*hidden: int) -> tuple:
    """A circle stage of the video: lr 0.03, features x and y."""
    return ("circle", hidden, 0.03, 2)


def spiral(*hidden: int) -> tuple:
    """A spiral stage of the video: lr 0.01, all seven features."""
    return ("spiral", hidden, 0.01, 7)


THE_VIDEOS_EXPERIMENT = [
    circle(1), circle(2), circle(3), circle(4), circle(8),
    spiral(1), spiral(2), spiral(4), spiral(6), spiral(8),
    spiral(8, 2), spiral(8, 4), spiral(8, 6), spiral(8, 8),
]  # fmt: skip


async def test_replaying_the_tape_shows_the_videos_networks_in_order_then_quits(
    commands: list[Command],
) -> None:
    hidden, shown = hidden_and_shown(commands)
    argv = typed_command_line(hidden)
    args = build_parser().parse_args(argv[1:])
    config, warnings = config_from_args(args)
    assert warnings == []
    app = TuiplayApp(config, paused=args.paused, colors=args.colors, fps=args.fps)

    async with app.run_test(size=terminal_cells(commands)) as pilot:
        stages = await replay(pilot, shown[:-1])
        session = app.session
        await replay(pilot, shown[-1:])
        await pilot.pause()
        return_code_after_quit_key = app.return_code

    assert stages == THE_VIDEOS_EXPERIMENT
    final = session.config
    assert final.features == FEATURES
    assert (final.activation, final.batch_size) == ("relu", 1)
    assert (final.regularization, final.regularization_rate) == ("L1", 0.001)
    assert session.epoch > 0
    assert not session.diverged
    assert return_code_after_quit_key == 0
