"""demo.tape replayed against the real app: the recording cannot drift from what tuiplay does.

The tape is parsed with the VHS grammar, the command line it types while hidden goes through
tuiplay's own argument parser, and every key after `Show` is pressed through Textual's pilot.
"""

import math
import re
import shlex
import time
from collections.abc import Callable
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
    Require,
    Screenshot,
    Set,
    Show,
    Sleep,
    Type,
    Wait,
    parse_tape_file,
)

from tuiplay.cli import build_parser, config_from_args
from tuiplay.engine.features import FEATURES
from tuiplay.ui.app import MIN_HEIGHT, MIN_WIDTH, TuiplayApp

DEMO_TAPE = Path(__file__).resolve().parent.parent / "demo.tape"
SEED = "7"  # the seed the tape types: see the lesson test at the end

# A tape's Sleep becomes this pause: long enough for the training timer to tick a few times.
REPLAY_PAUSE_SECONDS = 0.1

# xterm.js cell size for VHS's default font, JetBrains Mono: the advance is 0.6 em and a line
# is ascent + descent = 1.02 + 0.30 em, times the LineHeight setting.
CELL_WIDTH_EM = 0.6
CELL_HEIGHT_EM = 1.32
VHS_DEFAULTS = {
    "FontSize": 22.0,
    "Padding": 60.0,
    "LineHeight": 1.0,
    "LetterSpacing": 0.0,
    "WaitTimeout": 15.0,
    "WaitPattern": ">$",
}

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
RECORDING_ONLY = (Hide, Show, Screenshot, Env, Set, Require)


def settings(commands: list[Command]) -> dict[str, object]:
    """Every setting: the tape's, else VHS's default."""
    return {**VHS_DEFAULTS, **{c.setting: c.value for c in commands if isinstance(c, Set)}}


def terminal_cells(commands: list[Command]) -> tuple[int, int]:
    """The terminal size in cells that VHS fits into the tape's Width x Height pixels."""
    chosen = settings(commands)
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
    return launch(hidden)[0]


def launch(hidden: list[Command]) -> tuple[list[str], list[Command]]:
    """The words of the shell command typed while hidden, and the commands after its Enter."""
    typed = ""
    for index, command in enumerate(hidden):
        if isinstance(command, Type):
            typed += command.text
        elif isinstance(command, Key) and command.key == "Enter":
            return shlex.split(typed), hidden[index + 1 :]
    raise AssertionError(f"the hidden block never presses Enter after typing {typed!r}")


def screen_text(app: TuiplayApp) -> str:
    """The screen as VHS's Wait+Screen reads it: its lines joined by newlines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def wait(pilot: Pilot, command: Wait, tape_settings: dict[str, object]) -> None:
    """Let the app run until its screen matches the Wait's regex, failing after its timeout."""
    assert command.scope == "Screen", (
        f"line {command.line}: Wait+Line reads the cursor's line, which a Textual app leaves "
        "anywhere; wait for the app with Wait+Screen"
    )
    pattern = re.compile(command.pattern or tape_settings["WaitPattern"])
    timeout = command.timeout or tape_settings["WaitTimeout"]
    deadline = time.monotonic() + timeout
    while not pattern.search(screen_text(pilot.app)):
        assert time.monotonic() < deadline, (
            f"line {command.line}: the screen never matched /{pattern.pattern}/ in {timeout:g} s"
        )
        await pilot.pause(0.05)


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


async def replay(
    pilot: Pilot,
    commands: list[Command],
    tape_settings: dict[str, object],
    on_new_stage: Callable[[TuiplayApp], None] | None = None,
) -> list[tuple]:
    """Press the commands' keys; return the stage shown during each Sleep, repeats dropped.
    `on_new_stage(app)` is called at the first Sleep of each stage."""
    stages: list[tuple] = []
    for command in commands:
        if isinstance(command, Wait):
            await wait(pilot, command, tape_settings)
        elif isinstance(command, Sleep):
            await pilot.pause(REPLAY_PAUSE_SECONDS)
            if not stages or stages[-1] != stage(pilot.app):
                stages.append(stage(pilot.app))
                if on_new_stage is not None:
                    on_new_stage(pilot.app)
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


def test_the_tape_requires_tuiplay_so_vhs_stops_at_once_without_it(
    commands: list[Command],
) -> None:
    assert Require("tuiplay") in commands


def test_the_tape_launches_the_circle_preset_on_its_seed_while_hidden(
    commands: list[Command],
) -> None:
    hidden, _ = hidden_and_shown(commands)
    assert typed_command_line(hidden) == ["tuiplay", "--preset", "video-circle", "--seed", SEED]


def test_the_tape_waits_for_the_apps_screen_not_for_the_shell(commands: list[Command]) -> None:
    """While the app starts, the terminal shows the typed command: the Wait must not match it."""
    hidden, _ = hidden_and_shown(commands)
    argv, after_launch = launch(hidden)
    waits = [c for c in after_launch if isinstance(c, Wait)]
    assert [c.scope for c in waits] == ["Screen"]
    assert re.search(waits[0].pattern, f"$ {shlex.join(argv)}\n") is None


async def test_a_wait_for_text_the_app_never_shows_fails_after_its_timeout(
    commands: list[Command],
) -> None:
    app = app_of(["tuiplay", "--paused"])
    async with app.run_test(size=terminal_cells(commands)) as pilot:
        await wait(pilot, Wait("Screen", pattern="paused"), settings(commands))
        with pytest.raises(AssertionError, match=re.escape("never matched /playing/ in 0.3 s")):
            await wait(pilot, Wait("Screen", timeout=0.3, pattern="playing"), settings(commands))


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


def app_of(argv: list[str], **overrides: object) -> TuiplayApp:
    """The app that the command line starts, through tuiplay's own argument parser."""
    args = build_parser().parse_args(argv[1:])
    config, warnings = config_from_args(args)
    assert warnings == []
    options = {"paused": args.paused, "colors": args.colors, "fps": args.fps, **overrides}
    return TuiplayApp(config, **options)


async def test_replaying_the_tape_shows_the_videos_networks_in_order_then_quits(
    commands: list[Command],
) -> None:
    hidden, shown = hidden_and_shown(commands)
    argv, after_launch = launch(hidden)
    app = app_of(argv)
    tape_settings = settings(commands)

    async with app.run_test(size=terminal_cells(commands)) as pilot:
        await replay(pilot, after_launch, tape_settings)  # waits for the app's first frame
        stages = await replay(pilot, shown[:-1], tape_settings)
        session = app.session
        await replay(pilot, shown[-1:], tape_settings)
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


# The fewest epochs a step trains in the GIF: the tape sleeps 3 s on each step (the last 5 s);
# the app trains 250 to 500 circle epochs a second and 75 to 220 spiral epochs a second on a
# quiet machine (more for smaller networks), and VHS's browser takes its share of the CPU.
FEWEST_EPOCHS = {"circle": 500, "spiral": 200}


async def test_on_the_tapes_seed_each_step_shows_the_videos_lesson(
    commands: list[Command],
) -> None:
    """Circle: 1 or 2 neurons fail, 3 or more succeed. Spiral: one layer of 8 is not enough,
    two layers of 8 nearly are. Each of these steps trains FEWEST_EPOCHS epochs here (the app
    is paused: data and first weights depend only on the seed and the keys, not on timing;
    the other steps are left untrained, which changes nothing that follows, since training
    draws nothing from the random stream)."""
    hidden, shown = hidden_and_shown(commands)
    argv, _ = launch(hidden)
    app = app_of(argv, paused=True)
    test_accuracy: dict[tuple, float] = {}

    lesson_steps = {circle(1), circle(2), circle(3), circle(4), circle(8), spiral(8), spiral(8, 8)}

    def train_a_lesson_step(app: TuiplayApp) -> None:
        if stage(app) in lesson_steps:
            session = app.session
            session.step_epochs(FEWEST_EPOCHS[session.config.dataset])
            test_accuracy[stage(app)] = session.test_accuracy

    async with app.run_test(size=terminal_cells(commands)) as pilot:
        await replay(pilot, shown[:-1], settings(commands), on_new_stage=train_a_lesson_step)

    assert test_accuracy.keys() == lesson_steps
    assert test_accuracy[circle(1)] < 0.9 and test_accuracy[circle(2)] < 0.9
    assert min(test_accuracy[circle(n)] for n in (3, 4, 8)) >= 0.97
    assert test_accuracy[spiral(8)] < 0.85
    assert test_accuracy[spiral(8, 8)] >= 0.95
