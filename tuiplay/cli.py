"""The command line: `tuiplay` opens the app; `tuiplay train` and friends run headless.

Every command that describes an experiment takes the same configuration flags: a preset,
then a Playground URL over it, then one flag per hyperparameter over both. Bad input ends
with exit status 2 and one line naming the flag, the value and what is allowed.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from tuiplay import __version__
from tuiplay.engine.activations import ACTIVATIONS
from tuiplay.engine.config import (
    CLASSIFICATION_DATASETS,
    FLAGS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    PROBLEMS,
    REGULARIZATIONS,
    Config,
    ConfigError,
    cut_short,
    shown,
)
from tuiplay.engine.datasets import REGRESSION_DATASETS
from tuiplay.engine.features import FEATURES
from tuiplay.engine.presets import PRESETS
from tuiplay.engine.save_target import SaveTargetError, check_save_target
from tuiplay.engine.url import URL_KEYS
from tuiplay.ui import DEFAULT_FPS, prepare_textual

if TYPE_CHECKING:
    from tuiplay.engine.trainer import Session

COLOR_MODES = ("auto", "truecolor", "256", "16", "mono")

USAGE_ERROR = 2
BROKEN_PIPE = 128 + 13  # 128 + SIGPIPE, as a shell reports a command stopped by it
MAX_MESSAGE = 300  # characters of an argparse error; a 10 MB argument is not echoed whole


class UsageError(Exception):
    """Bad input from the user: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line (no usage block) and never a traceback."""

    # The top-level parser's: each command's name and parser.
    commands: dict[str, argparse.ArgumentParser] | None = None

    def parse_known_args(
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._given = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        message = message.removeprefix("argument ")  # "--noise: …", as our own errors read
        if self.commands and message.startswith(
            ("COMMAND: invalid choice", "unrecognized arguments")
        ):
            message = self._misplaced_command_flag() or message
        self.exit(USAGE_ERROR, f"tuiplay: error: {_short_values(message)}\n")

    def _misplaced_command_flag(self) -> str | None:
        """`tuiplay --epochs 5` (a command's flag before any command): argparse takes 5 for
        the command and says "invalid choice: '5'". Say where the flag belongs instead."""
        for index, token in enumerate(self._given):
            if token in self.commands:
                return None  # the flags after it are the command's
            flag, equals, value = token.partition("=")
            taking = self._commands_taking(flag)
            if not taking:
                continue
            if not equals and index + 1 < len(self._given):
                value = self._given[index + 1]
            example = " ".join(part for part in (flag, _example_value(value)) if part)
            first, *others = taking
            also = f" (or {', '.join(others)})" if others else ""
            return f"{flag} belongs to a command: tuiplay {first} {example} …{also}"
        return None

    def _commands_taking(self, flag: str) -> list[str]:
        """The commands taking `flag` when the app itself does not."""
        if flag in self._option_string_actions:
            return []
        return [
            name for name, parser in self.commands.items() if flag in parser._option_string_actions
        ]


def _example_value(value: str) -> str:
    """A flag's value for an example command line: quoted for the shell, left out if there is
    none (the next word is another flag), … if it is too long to repeat."""
    if value == "" or value.startswith("-"):
        return ""
    return shlex.quote(value) if len(value) <= 40 else "…"


def _short_values(message: str) -> str:
    """argparse quotes a bad value whole ("invalid choice: 'xxx' (choose from …)"): cut a
    long value short inside its quotes, keeping the choices, and any message at MAX_MESSAGE."""
    head, invalid, rest = message.partition("invalid choice: ")
    value, choose, choices = rest.rpartition(" (choose from ")
    if invalid and choose:
        message = f"{head}{invalid}{cut_short(value)}{choose}{choices}"
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


# -- flag value types (each error names what is allowed) -----------------------------------
def _number(low: float, high: float) -> object:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{shown(text)} is not a number; allowed: {low:g} to {high:g}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{shown(text)} is out of range; allowed: {low:g} to {high:g}"
            )
        return int(value) if value.is_integer() else value

    return parse


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from low to high, or one line saying what is allowed."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{shown(text)} is not a whole number; allowed: {low} to {high}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{shown(text)} is out of range; allowed: {low} to {high}"
            )
        return value

    return parse


def preset_name(text: str) -> str:
    """An argparse type: a preset's name, or one line with the nearest names and all of them."""
    if text in PRESETS:
        return text
    near = difflib.get_close_matches(text, PRESETS, n=2)
    hint = f"did you mean {' or '.join(near)}? " if near else ""
    raise argparse.ArgumentTypeError(
        f"no preset named {shown(text)}; {hint}allowed: {preset_names()}"
    )


def preset_names() -> str:
    """Every preset's name, a video's steps after their sequence: video-circle[-1|-2|...]."""
    steps: dict[str, list[str]] = {}
    for name in PRESETS:
        sequence = next((base for base in steps if name.startswith(f"{base}-")), None)
        if sequence is None:
            steps[name] = []
        else:
            steps[sequence].append(name.removeprefix(sequence))
    return ", ".join(base + (f"[{'|'.join(rest)}]" if rest else "") for base, rest in steps.items())


def parse_hidden_layers(text: str) -> tuple[int, ...]:
    """Neurons per hidden layer, e.g. "4,2"; "" is no hidden layer."""
    if text.strip() == "":
        return ()
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{shown(text)} is not a list of neuron counts; allowed: comma-separated whole "
            f"numbers, 1 to {MAX_NEURONS} per layer, up to {MAX_HIDDEN_LAYERS} layers (more with "
            "--large-network), e.g. 4,2, or '' for no hidden layer"
        ) from None


def _features(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    for name in names:
        if name not in FEATURES:
            raise argparse.ArgumentTypeError(
                f"{shown(name)} is not a feature; allowed: {', '.join(FEATURES)}"
            )
    return names


def parse_size(text: str) -> tuple[int, int]:
    """A terminal size such as 120x40."""
    width, _, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{shown(text)} is not a size; e.g. 120x40") from None
    if not (20 <= size[0] <= 500 and 8 <= size[1] <= 200):
        raise argparse.ArgumentTypeError(f"{shown(text)} is out of range; allowed: 20x8 to 500x200")
    return size


# -- the parser ----------------------------------------------------------------------------
def add_config_flags(parser: argparse.ArgumentParser, *, in_command: bool = True) -> None:
    """The flags that describe an experiment, shared by the app and the headless commands.

    In a command's parser they default to "absent" rather than None, so that flags given
    before the command name (`tuiplay --seed 1 train`) are not overwritten.
    """
    group = parser.add_argument_group("experiment (a preset, then --url, then these flags)")
    if in_command:
        group.argument_default = argparse.SUPPRESS
    group.add_argument(
        "--preset",
        type=preset_name,
        metavar="NAME",
        help="start from a named experiment: default, video-circle, video-spiral, or a step of "
        "the video such as video-circle-3 or video-spiral-8-4 (tuiplay presets lists them)",
    )
    group.add_argument("--url", help="a playground.tensorflow.org URL, or just its #hash")
    group.add_argument(
        "--dataset",
        choices=CLASSIFICATION_DATASETS + REGRESSION_DATASETS,
        help="a reg-* dataset implies --problem regression",
    )
    group.add_argument("--problem", choices=PROBLEMS)
    group.add_argument("--noise", type=_number(0, 100), help="percent, 0 to 50 in the Playground")
    group.add_argument("--train-percent", type=_number(1, 100), help="percent of data to train on")
    group.add_argument("--batch-size", type=whole_number(1, 10_000))
    group.add_argument("--features", type=_features, help=f"comma list of {','.join(FEATURES)}")
    group.add_argument(
        "--hidden", type=parse_hidden_layers, help="neurons per hidden layer, e.g. 4,2; '' for none"
    )
    group.add_argument("--activation", choices=ACTIVATIONS)
    group.add_argument("--learning-rate", type=_number(0, 1e6))
    group.add_argument("--regularization", choices=REGULARIZATIONS)
    group.add_argument("--reg-rate", type=_number(0, 1e6), help="regularization rate")
    group.add_argument("--seed", help="the Playground's seed text, e.g. 0.12345")
    group.add_argument(
        "--init-zero", action="store_const", const=True, help="start all weights at 0"
    )
    group.add_argument(
        "--large-network",
        action="store_const",
        const=True,
        help="allow up to 16 hidden layers of 64 neurons (the Playground stops at 6 of 8)",
    )


def add_network_list_flag(parser: argparse.ArgumentParser, help_text: str) -> None:
    """`--hidden` taking several networks (compare, tour), in place of the shared single one.

    The parser must be made with conflict_handler="resolve" so that this one wins.
    """
    parser.add_argument(
        "--hidden",
        dest="shapes",
        nargs="+",
        type=parse_hidden_layers,
        metavar="SHAPE",
        help=help_text,
    )


def build_parser() -> argparse.ArgumentParser:
    from tuiplay.commands import compare, presets, snapshot, tour, train

    parser = _Parser(
        prog="tuiplay",
        description="The TensorFlow Playground in your terminal. With no command: the app.",
    )
    parser.add_argument("--version", action="version", version=f"tuiplay {__version__}")
    add_config_flags(parser, in_command=False)
    add_app_flags(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in (train, compare, snapshot, tour, presets):
        module.add_parser(commands)
    parser.commands = commands.choices
    return parser


def add_app_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("app")
    group.add_argument("--paused", action="store_true", help="start paused (default: playing)")
    group.add_argument(
        "--fps", type=whole_number(1, 60), default=DEFAULT_FPS, help="screen updates per second"
    )
    group.add_argument(
        "--colors", choices=COLOR_MODES, default="auto", help="auto follows COLORTERM/TERM/NO_COLOR"
    )
    group.add_argument(
        "--load", metavar="FILE", help="start from a session file saved in the app (key w)"
    )


# -- flags to a Config ---------------------------------------------------------------------
def config_from_args(args: argparse.Namespace) -> tuple[Config, list[str]]:
    """The experiment the flags describe, and warnings to show. Raises UsageError."""
    preset, url = getattr(args, "preset", None), getattr(args, "url", None)
    config = PRESETS[preset].config if preset else Config()
    warnings: list[str] = []
    try:
        if url is not None:
            config, warnings = Config.from_url(url, base=config)
            # Its notes are on values that flags may change next: noted below, once, instead.
            url_notes = {f"url: {note}" for note in config.beyond_ui_limits(URL_KEYS)}
            warnings = [warning for warning in warnings if warning not in url_notes]
        changes = _flag_changes(args)
        config = config.replace(**changes)
    except ConfigError as error:
        raise UsageError(_name_flag(str(error))) from None
    return config, warnings + _notes(config, url is not None, changes)


def _notes(config: Config, from_url: bool, flag_changes: dict) -> list[str]:
    """Values beyond what the Playground's controls offer, each named as the user gave it:
    'note: --noise 7 …' for a flag, 'url: noise 7 …' for a URL's key."""
    names = dict(URL_KEYS) if from_url else dict(FLAGS)
    names.update((field, FLAGS[field]) for field in flag_changes if field in FLAGS)
    return [
        f"note: {note}" if note.startswith("--") else f"url: {note}"
        for note in config.beyond_ui_limits(names)
    ]


def _flag_changes(args: argparse.Namespace) -> dict:
    changes = {}
    simple = {
        "noise": "noise",
        "train_percent": "perc_train_data",
        "batch_size": "batch_size",
        "features": "features",
        "hidden": "network_shape",
        "activation": "activation",
        "learning_rate": "learning_rate",
        "regularization": "regularization",
        "reg_rate": "regularization_rate",
        "seed": "seed",
        "init_zero": "init_zero",
        "large_network": "large_network",
        "problem": "problem",
    }
    for flag, field_name in simple.items():
        value = getattr(args, flag, None)
        if value is not None:
            changes[field_name] = value
    dataset, problem = getattr(args, "dataset", None), getattr(args, "problem", None)
    if dataset in REGRESSION_DATASETS:
        if problem == "classification":
            raise UsageError(
                f"--dataset: {dataset} is a regression dataset; use --problem regression"
            )
        changes.update(reg_dataset=dataset, problem="regression")
    elif dataset is not None:
        if problem == "regression":
            raise UsageError(f"--dataset: {dataset} is a classification dataset")
        changes.update(dataset=dataset, problem="classification")
    return changes


def _name_flag(message: str) -> str:
    for field_name, flag in FLAGS.items():
        if message.startswith(f"{field_name}:"):
            return flag + message[len(field_name) :]
    return message


def config_flags_given(args: argparse.Namespace) -> list[str]:
    """The experiment flags present on the command line (for flags that exclude them)."""
    names = [
        "preset",
        "url",
        "dataset",
        "problem",
        "noise",
        "train_percent",
        "batch_size",
        "features",
        "hidden",
        "activation",
        "learning_rate",
        "regularization",
        "reg_rate",
        "seed",
        "init_zero",
        "large_network",
    ]
    return [
        "--" + name.replace("_", "-") for name in names if getattr(args, name, None) is not None
    ]


# -- running -------------------------------------------------------------------------------
def warn(message: str) -> None:
    print(f"tuiplay: {message}", file=sys.stderr)


def _run_app(args: argparse.Namespace) -> int:
    config, warnings = config_from_args(args)
    session = session_to_load(args)
    for message in warnings:
        warn(message)
    if not sys.stdout.isatty():
        raise UsageError("the app needs a terminal; for output to a pipe use 'tuiplay train'")
    prepare_textual(args.fps)
    from tuiplay.ui.app import run_app

    run_app(
        config,
        paused=args.paused,
        colors=args.colors,
        fps=args.fps,
        warnings=warnings,
        session=session,
        session_path=args.load,
    )
    return 0


def session_to_load(args: argparse.Namespace) -> Session | None:
    """The session in --load's file (None without --load), read before any work or screen.
    Raises UsageError."""
    if args.load is None:
        return None
    given = config_flags_given(args)
    if given:
        raise UsageError(f"--load: the file holds the whole experiment; drop {', '.join(given)}")
    from tuiplay.engine import session_file

    try:
        return session_file.load(args.load)
    except session_file.SessionFileError as error:
        raise UsageError(f"--load: {error}") from None


def check_writable(option: str, path: str, *, replaceable: bool = False) -> None:
    """Fail before the work, not after, when `path` could not be written (save_target's
    check, which the app's w uses too). Raises UsageError naming the option and the path."""
    try:
        check_save_target(path, replaceable=replaceable)
    except SaveTargetError as error:
        raise UsageError(f"{option}: {error}") from None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status. Output piped into a reader that stops
    early (`tuiplay train … | head -1`) ends quietly, with the status a shell gives a
    command that SIGPIPE stopped."""
    try:
        try:
            return _run(argv)
        finally:  # output that fit the buffer meets the closed pipe here, not at exit
            sys.stdout.flush()
    except BrokenPipeError:
        _discard_stdout()
        return BROKEN_PIPE


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _run_app(args)
        return args.run(args)
    except UsageError as error:
        print(f"tuiplay: error: {error}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        return 130


def _discard_stdout() -> None:
    """Point stdout at the null device, so that Python's own flush at exit, which would
    meet the closed pipe again, does not print 'Exception ignored … BrokenPipeError'."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
