"""`tuiplay tour`: the app plays the reference video's experiment by itself, with captions.

What it plays:
  tuiplay tour                        the video, 14 steps: the circle with one hidden layer
                                      of 1, 2, 3, 4 and 8 neurons, then the spiral with 1, 2,
                                      4, 6 and 8, then two layers of 8 and 2, 4, 6, 8
  tuiplay tour --preset video-circle  the circle's sequence only (5 steps)
  tuiplay tour --preset video-spiral  the spiral's sequence only (9 steps)
  tuiplay tour --hidden 1 2 4,2       your own sequence of networks
Other experiment flags change every step (--learning-rate 0.1, --seed 7). A dataset given
without a preset (--dataset xor) plays both sequences on it, each with its own setup (x and
y at lr 0.03, then all seven features at lr 0.01), and the captions name those settings;
a network the first sequence has shown with the same setup is not shown again.
Every step uses the same seed, so the same data. Every step of the video is also a preset
of its own, to open in the playground: tuiplay --preset video-circle-3 --seed S is the
circle's third step with the tour's seed S (see tuiplay presets). Keys: space pauses,
→ or n skips ahead, ← or p goes back, q quits.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from tuiplay.cli import (
    COLOR_MODES,
    UsageError,
    add_config_flags,
    add_network_list_flag,
    config_from_args,
    warn,
    whole_number,
)
from tuiplay.commands.compare import (
    caption,
    describe_network,
    features_text,
    with_shape,
)
from tuiplay.engine.config import Config, shown
from tuiplay.engine.presets import VIDEO_SEQUENCES
from tuiplay.engine.trainer import random_seed
from tuiplay.ui import prepare_textual

if TYPE_CHECKING:
    from tuiplay.ui.tour import TourStep

DEFAULT_EPOCHS_PER_STEP = 300
DEFAULT_REST = 2.0
TOUR_FPS = 20  # frames a second: the tour is watched, usually locally or recorded


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "tour",
        help="the app plays the video's experiment by itself, with a caption per step",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,  # keep the table of what plays
        conflict_handler="resolve",  # our --hidden (several shapes) replaces the shared one
    )
    add_config_flags(parser)
    add_network_list_flag(
        parser, "your own sequence of networks, each like 8,2 ('' for no hidden layer)"
    )
    parser.add_argument(
        "--epochs-per-step",
        type=_epochs_per_step,
        default=DEFAULT_EPOCHS_PER_STEP,
        help=f"epochs each network trains, default {DEFAULT_EPOCHS_PER_STEP}",
    )
    parser.add_argument(
        "--rest",
        type=_seconds,
        default=DEFAULT_REST,
        help=f"seconds to look at a trained network before the next, default {DEFAULT_REST:g}",
    )
    parser.add_argument(
        "--colors", choices=COLOR_MODES, default="auto", help="auto follows COLORTERM/TERM/NO_COLOR"
    )
    parser.set_defaults(run=run)


_epochs_per_step = whole_number(1, 1_000_000)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{shown(text)} is not a number; allowed: 0 to 60"
        ) from None
    if not 0 <= value <= 60:
        raise argparse.ArgumentTypeError(f"{shown(text)} is out of range; allowed: 0 to 60")
    return value


def run(args: argparse.Namespace) -> int:
    steps = steps_from_args(args)
    if not sys.stdout.isatty():
        raise UsageError("the tour needs a terminal; for numbers use 'tuiplay compare --video'")
    prepare_textual(TOUR_FPS)
    from tuiplay.ui.app import run_in_terminal
    from tuiplay.ui.tour import TourApp

    run_in_terminal(
        TourApp(
            steps,
            epochs_per_step=args.epochs_per_step,
            rest=args.rest,
            colors=args.colors,
            fps=TOUR_FPS,
        )
    )
    return 0


def steps_from_args(args: argparse.Namespace) -> list[TourStep]:
    """The tour's steps, each a caption and a config, all on one seed. Raises UsageError."""
    from tuiplay.ui.tour import TourStep  # Textual loads only when the tour is asked for

    configs = _configs(args)
    seed = configs[0].seed or random_seed()
    configs = [config.replace(seed=seed) for config in configs]
    return [TourStep(text, config) for text, config in zip(captions(configs), configs, strict=True)]


# What a caption may add between the dataset and the network; the rest of a Config is the
# dataset (in every caption), the network, the seed (one for all) or not a setting.
_CAPTION_SETTINGS = tuple(
    field.name
    for field in dataclasses.fields(Config)
    if field.compare
    and field.name not in ("dataset", "reg_dataset", "problem", "network_shape", "seed")
)


def captions(configs: Sequence[Config]) -> list[str]:
    """Each step in words: 'circle · 1 hidden layer · 3 neurons'. Where steps on the same
    dataset differ in more than their network (--dataset xor plays both of the video's setups
    on xor), each of them also names those settings: 'xor · lr 0.03 · features x,y · …'."""
    datasets = {config.active_dataset for config in configs}
    varying = {
        dataset: _varying_settings([c for c in configs if c.active_dataset == dataset])
        for dataset in datasets
    }
    return [_caption(config, varying[config.active_dataset]) for config in configs]


def _varying_settings(configs: Sequence[Config]) -> list[str]:
    """The settings (but the network) in which some of `configs` differ."""
    return [name for name in _CAPTION_SETTINGS if len({getattr(c, name) for c in configs}) > 1]


def _caption(config: Config, settings: Sequence[str]) -> str:
    if not settings:
        return caption(config)
    details = [_setting_text(config, name) for name in settings]
    return " · ".join([config.active_dataset, *details, describe_network(config.network_shape)])


def _setting_text(config: Config, name: str) -> str:
    """One setting in a caption: 'lr 0.03', 'features x,y', 'activation tanh'."""
    if name == "features":
        return features_text(config)
    if name == "learning_rate":
        return f"lr {config.learning_rate:g}"
    value = getattr(config, name)
    shown = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{name.replace('_', ' ')} {shown}"


def _configs(args: argparse.Namespace) -> list[Config]:
    preset = getattr(args, "preset", None)
    if args.shapes is not None:
        return _sequence(args, args.shapes)
    if preset is None:
        both = [
            config
            for name in VIDEO_SEQUENCES
            for config in _sequence(argparse.Namespace(**{**vars(args), "preset": name}))
        ]
        # Flags that give both sequences one setup (--features and --learning-rate) make
        # some of the spiral's steps the circle's again: the same run, shown once.
        return list(dict.fromkeys(both))
    if preset not in VIDEO_SEQUENCES:
        raise UsageError(
            f"--preset: {preset} has no sequence of networks; give them with --hidden, "
            f"or use {' or '.join(VIDEO_SEQUENCES)}"
        )
    return _sequence(args)


def _sequence(args: argparse.Namespace, shapes: list | None = None) -> list[Config]:
    """The config the flags describe, once per network (the preset's sequence by default)."""
    config, warnings = config_from_args(args)
    for message in warnings:
        warn(message)
    if shapes is None:
        shapes = VIDEO_SEQUENCES[args.preset]
    return [with_shape(config, shape) for shape in shapes]
