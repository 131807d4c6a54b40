"""`tuiplay compare`: train several networks on the same data and seed, one row each.

This is the reference video's lesson as numbers: which networks can learn which data. Each
row is a fresh Session of one config with only its hidden layers changed, so every network
sees the same data (the seed fixes it) and starts from the weights the Playground would draw
for that page. `--video` runs both of the video's sequences.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from tuiplay.cli import (
    UsageError,
    add_config_flags,
    add_network_list_flag,
    config_flags_given,
    config_from_args,
    warn,
    whole_number,
)
from tuiplay.commands.table_cells import loss_cell
from tuiplay.engine.config import Config, ConfigError
from tuiplay.engine.features import FEATURES
from tuiplay.engine.presets import PRESETS, VIDEO_SEQUENCES
from tuiplay.engine.trainer import Session, random_seed

FORMATS = ("table", "jsonl", "csv")
DEFAULT_EPOCHS = 300


@dataclass(frozen=True)
class Result:
    """One network after training: its config and its final losses and accuracies."""

    config: Config
    epochs: int  # epochs actually trained: fewer than asked if the network diverged
    train_loss: float
    test_loss: float
    train_accuracy: float | None
    test_accuracy: float | None
    diverged: bool


def train(config: Config, epochs: int) -> Result:
    """Train a fresh session of `config` for `epochs` epochs."""
    session = Session(config)
    session.step_epochs(epochs)
    return Result(
        config=session.config,
        epochs=session.epoch,
        train_loss=session.train_loss,
        test_loss=session.test_loss,
        train_accuracy=session.train_accuracy,
        test_accuracy=session.test_accuracy,
        diverged=session.diverged,
    )


def describe_network(shape: Sequence[int]) -> str:
    """In words: '1 hidden layer · 3 neurons', '2 hidden layers · 8 and 4 neurons'."""
    if not shape:
        return "no hidden layer"
    layers = f"{len(shape)} hidden layer{'s' if len(shape) > 1 else ''}"
    counts = [str(n) for n in shape]
    listed = counts[0] if len(counts) == 1 else f"{', '.join(counts[:-1])} and {counts[-1]}"
    neurons = "neuron" if list(shape) == [1] else "neurons"
    return f"{layers} · {listed} {neurons}"


def caption(config: Config) -> str:
    """A step of the video in words: 'circle · 1 hidden layer · 3 neurons'."""
    return f"{config.active_dataset} · {describe_network(config.network_shape)}"


def video_configs(seed: str) -> list[list[Config]]:
    """The video's two sequences on one seed: the circle's networks, then the spiral's."""
    return [
        [PRESETS[name].config.replace(network_shape=shape, seed=seed) for shape in shapes]
        for name, shapes in VIDEO_SEQUENCES.items()
    ]


# -- the command ---------------------------------------------------------------------------
def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "compare",
        help="train several networks on the same data and compare their final losses",
        description=__doc__.splitlines()[0],
        conflict_handler="resolve",  # our --hidden (several shapes) replaces the shared one
    )
    add_config_flags(parser)
    add_network_list_flag(
        parser, "the networks to compare, each like 8,2 ('' for no hidden layer), e.g. 1 2 8,2"
    )
    parser.add_argument(
        "--video",
        action="store_true",
        help="the reference video's two sequences: circle 1 2 3 4 8, spiral 1 2 4 6 8 "
        "8,2 8,4 8,6 8,8 (only --seed may be added)",
    )
    parser.add_argument(
        "--epochs", type=epoch_count, default=DEFAULT_EPOCHS, help=f"default {DEFAULT_EPOCHS}"
    )
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.set_defaults(run=run)


epoch_count = whole_number(0, 1_000_000)  # an --epochs value


def run(args: argparse.Namespace) -> int:
    groups = configs_from_args(args)
    results = _train_all(groups, args.epochs)
    if args.format == "jsonl":
        _write_jsonl(results)
    elif args.format == "csv":
        _write_csv(results)
    else:
        _write_tables(results, args.epochs)
    for result in (r for group in results for r in group if r.diverged):
        warn(
            f"warning: hidden {_shape_text(result.config.network_shape)} diverged at epoch "
            f"{result.epochs}; lower --learning-rate"
        )
    return 0


def configs_from_args(args: argparse.Namespace) -> list[list[Config]]:
    """The configs to train, in groups that share a table. Raises UsageError."""
    if args.video:
        others = [flag for flag in config_flags_given(args) if flag != "--seed"]
        if args.shapes is not None or others:
            flag = "--hidden" if args.shapes is not None else others[0]
            raise UsageError(
                f"--video: cannot be combined with {flag}; the video fixes its setup "
                "(only --seed may be given)"
            )
        return video_configs(getattr(args, "seed", None) or random_seed())
    if args.shapes is None:
        raise UsageError("--hidden: give the networks to compare, e.g. 1 2 8,2 (or use --video)")
    config, warnings = config_from_args(args)
    for message in warnings:
        warn(message)
    config = config.replace(seed=config.seed or random_seed())  # one seed for every row
    return [[with_shape(config, shape) for shape in args.shapes]]


def with_shape(config: Config, shape: tuple[int, ...]) -> Config:
    """`config` with these hidden layers. Raises UsageError naming --hidden."""
    try:
        return config.replace(network_shape=shape)
    except ConfigError as error:
        raise UsageError(f"--hidden: {str(error).removeprefix('network_shape: ')}") from None


def _train_all(groups: list[list[Config]], epochs: int) -> list[list[Result]]:
    total = sum(len(group) for group in groups)
    done = 0
    results = []
    for group in groups:
        trained = []
        for config in group:
            _progress(f"{done + 1}/{total}: {caption(config)}, {epochs} epochs")
            trained.append(train(config, epochs))
            done += 1
        results.append(trained)
    _progress("")
    return results


def _progress(text: str) -> None:
    """One overwritten line on stderr when it is a terminal, so piped output stays clean."""
    if sys.stderr.isatty():
        print(f"\r\033[Ktraining {text}" if text else "\r\033[K", end="", file=sys.stderr)


# -- output --------------------------------------------------------------------------------
def _shape_text(shape: Sequence[int]) -> str:
    return ",".join(map(str, shape))


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _row(result: Result) -> dict:
    config = result.config
    row: dict = {
        "dataset": config.active_dataset,
        "hidden": list(config.network_shape),
        "epochs": result.epochs,
        "train_loss": _finite(result.train_loss),
        "test_loss": _finite(result.test_loss),
    }
    if config.problem == "classification":
        row["train_accuracy"] = result.train_accuracy
        row["test_accuracy"] = result.test_accuracy
    row["diverged"] = result.diverged
    row["seed"] = config.seed
    return row


def _write_jsonl(results: list[list[Result]]) -> None:
    for group in results:
        for result in group:
            print(json.dumps(_row(result)))


def _write_csv(results: list[list[Result]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    rows = [_row(result) for group in results for result in group]
    writer.writerow(rows[0])  # every row has the same columns: all share one problem type
    for row in rows:
        writer.writerow(_csv_cell(value) for value in row.values())


def _csv_cell(value: object) -> str:
    """A cell as JSON Lines writes the value: true/false in lower case, floats in full."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return _shape_text(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _write_tables(results: list[list[Result]], epochs: int) -> None:
    from rich.table import Table

    from tuiplay.commands.output import StdoutConsole

    console = StdoutConsole()
    for index, group in enumerate(results):
        if index:
            console.print()
        console.print(_title(group[0].config, epochs), soft_wrap=True)
        table = Table()
        classification = group[0].config.problem == "classification"
        headers = ["hidden", "train loss", "test loss"]
        headers += ["train accuracy", "test accuracy"] if classification else []
        for header in headers:
            table.add_column(header, justify="right")
        for result in group:
            table.add_row(*_table_cells(result, classification))
        console.print(table)


def _title(config: Config, epochs: int) -> str:
    regularization = (
        f"{config.regularization} {config.regularization_rate:g}"
        if config.regularization != "none"
        else "no regularization"
    )
    return (
        f"{config.active_dataset} · {config.activation} · lr {config.learning_rate:g} · "
        f"batch {config.batch_size} · {regularization} · {features_text(config)} · "
        f"seed {config.seed} · {epochs:,} epochs"
    )


def features_text(config: Config) -> str:
    """'features x,y', or 'all seven features'."""
    if config.features == FEATURES:
        return "all seven features"
    return "features " + ",".join(config.features)


def _table_cells(result: Result, classification: bool) -> list[str]:
    shape = _shape_text(result.config.network_shape) or "none"
    if result.diverged:
        shape += f" (diverged at {result.epochs})"
    cells = [shape, loss_cell(result.train_loss), loss_cell(result.test_loss)]
    if classification:
        cells += [_accuracy_cell(result.train_accuracy), _accuracy_cell(result.test_accuracy)]
    return cells


def _accuracy_cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"
