"""`tuiplay snapshot`: train headless, then save the app's screen as an SVG picture.

The picture is the real app, run without a terminal at the size asked for and paused on
the trained session, so it is exactly what `tuiplay --paused` would show after that many
epochs. With --seed the same command writes the same file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tuiplay.cli import (
    UsageError,
    add_config_flags,
    check_writable,
    config_from_args,
    parse_size,
    warn,
)
from tuiplay.commands.compare import epoch_count
from tuiplay.engine.config import Config, shown

COLOR_MODES = ("truecolor", "256", "16", "mono")
DEFAULT_EPOCHS = 300
DEFAULT_SIZE = (120, 40)


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "snapshot",
        help="train headless and save the app's screen as an SVG",
        description=__doc__.splitlines()[0],
    )
    add_config_flags(parser)
    parser.add_argument(
        "--epochs", type=epoch_count, default=DEFAULT_EPOCHS, help=f"default {DEFAULT_EPOCHS}"
    )
    parser.add_argument(
        "--size", type=parse_size, default=DEFAULT_SIZE, help="columns x lines, default 120x40"
    )
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the SVG to write")
    parser.add_argument("--colors", choices=COLOR_MODES, default="truecolor")
    parser.add_argument(
        "--press",
        nargs="+",
        type=key_name,
        default=[],
        metavar="KEY",
        help="keys to press after training, e.g. t (test data) or left up (pick a neuron)",
    )
    parser.set_defaults(run=run)


def key_name(text: str) -> str:
    """A key as Textual names it: one character, or a name such as left, space, ctrl+p."""
    from textual.keys import Keys, key_to_character  # not before the app sets TEXTUAL_FPS

    if len(text) == 1 or text in {key.value for key in Keys} or key_to_character(text):
        return text
    raise argparse.ArgumentTypeError(
        f"{shown(text)} is not a key; give one character or a key name such as left, space, "
        "escape or ctrl+p"
    )


def run(args: argparse.Namespace) -> int:
    config, warnings = config_from_args(args)
    for message in warnings:
        warn(message)
    check_writable("--output", args.output)
    svg = render_svg(config, args.epochs, args.size, colors=args.colors, press=args.press)
    try:  # written in place, not renamed over, so that -o /dev/stdout works
        Path(args.output).write_text(svg, encoding="utf-8")
    except BrokenPipeError:
        raise  # -o /dev/stdout into a reader that stopped early: cli.main ends quietly
    except OSError as error:
        raise UsageError(f"--output: {args.output}: cannot write: {error.strerror}") from None
    return 0


def render_svg(
    config: Config,
    epochs: int,
    size: tuple[int, int],
    *,
    colors: str = "truecolor",
    press: list[str] | None = None,
) -> str:
    """The app's screen, paused after training `config` for `epochs` epochs, as SVG text."""
    from textual.pilot import Pilot

    from tuiplay.ui.app import TuiplayApp

    app = TuiplayApp(config, paused=True, colors=colors)
    # The app draws its session when it mounts, so training it first is enough.
    app.session.step_epochs(epochs)
    pictures: list[str] = []

    async def take_picture(pilot: Pilot) -> None:
        await pilot.pause()
        await pilot.press(*(press or []))
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        pictures.append(app.export_screenshot(title="tuiplay"))
        app.exit()

    app.run(headless=True, size=size, auto_pilot=take_picture)
    return pictures[0]
