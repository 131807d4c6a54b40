"""`tuiplay train`: train headless and print the losses after every epoch.

jsonl and csv print every epoch from 0 (before training) to the last, with full float
precision; table prints a readable selection. A progress bar goes to stderr only when
stderr is a terminal, so piped output stays clean.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Callable

from tuiplay.cli import (
    UsageError,
    add_config_flags,
    check_writable,
    config_from_args,
    session_to_load,
    warn,
    whole_number,
)
from tuiplay.commands.table_cells import loss_cell
from tuiplay.engine import session_file
from tuiplay.engine.trainer import Session

FORMATS = ("table", "jsonl", "csv")
TABLE_ROWS = 10  # besides epoch 0 and the last


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "train", help="train headless and print losses", description=__doc__.splitlines()[0]
    )
    add_config_flags(parser)
    parser.add_argument("--epochs", type=_epochs, required=True, help="epochs to train")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--save", metavar="FILE", help="save the session after training")
    parser.add_argument("--load", metavar="FILE", help="continue a saved session")
    parser.set_defaults(run=run)


_epochs = whole_number(0, 10_000_000)


def run(args: argparse.Namespace) -> int:
    session = _start_session(args)
    if args.save is not None:
        check_writable("--save", args.save, replaceable=True)
    write = _writer(args.format, session)
    write(_row(session))  # epoch 0, or the loaded session's epoch
    with _progress(args.epochs) as advance:
        for _ in range(args.epochs):
            if session.step_epochs(1) == 0:
                break
            write(_row(session))
            advance()
    write(None)
    if session.diverged:
        warn(
            f"warning: the network diverged at epoch {session.epoch} (NaN or infinite loss); "
            "lower --learning-rate"
        )
    if args.save is not None:
        _save(session, args.save, loaded=args.load is not None)
    return 0


def _start_session(args: argparse.Namespace) -> Session:
    session = session_to_load(args)
    if session is not None:
        return session
    config, warnings = config_from_args(args)
    for message in warnings:
        warn(message)
    return Session(config)


def _save(session: Session, path: str, *, loaded: bool) -> None:
    reason = session_file.why_not_saved(session)
    if reason is not None:  # save's own message says "reset it first", which the app can do
        advice = (
            "train fewer --epochs from the file, or start anew with a lower --learning-rate"
            if loaded
            else "lower --learning-rate and run again"
        )
        raise UsageError(f"--save: {path}: not saved: {reason}; {advice}")
    try:
        session_file.save(session, path)
    except session_file.SessionFileError as error:
        raise UsageError(f"--save: {error}") from None


def _row(session: Session) -> dict:
    row: dict = {
        "epoch": session.epoch,
        "train_loss": _number(session.train_loss),
        "test_loss": _number(session.test_loss),
    }
    if session.config.problem == "classification":
        row["accuracy"] = session.accuracy
    return row


def _number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _writer(kind: str, session: Session) -> Callable[[dict | None], None]:
    """A function taking each row, then None at the end."""
    if kind == "jsonl":
        return _write_jsonl
    if kind == "csv":
        return _csv_writer()
    return _table_writer(session)


def _write_jsonl(row: dict | None) -> None:
    if row is not None:
        print(json.dumps(row))


def _csv_writer() -> Callable[[dict | None], None]:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    header_written = False

    def write(row: dict | None) -> None:
        nonlocal header_written
        if row is None:
            return
        if not header_written:
            writer.writerow(row.keys())
            header_written = True
        writer.writerow("" if v is None else repr(v) for v in row.values())

    return write


def _table_writer(session: Session) -> Callable[[dict | None], None]:
    from rich.table import Table

    from tuiplay.commands.output import StdoutConsole

    rows: list[dict] = []

    def write(row: dict | None) -> None:
        if row is not None:
            rows.append(row)
            return
        console = StdoutConsole()
        console.print(_title(session))
        table = Table()
        for name in rows[0]:
            table.add_column(name.replace("_", " "), justify="right")
        for kept in _selection(rows):
            table.add_row(*(_cell(key, value) for key, value in kept.items()))
        console.print(table)

    return write


def _title(session: Session) -> str:
    config = session.config
    shape = ",".join(map(str, config.network_shape)) or "none"
    return (
        f"{config.active_dataset} · {config.activation} · hidden {shape} · "
        f"lr {config.learning_rate:g} · batch {config.batch_size} · seed {config.seed}"
    )


def _selection(rows: list[dict]) -> list[dict]:
    if len(rows) <= TABLE_ROWS + 2:
        return rows
    step = (len(rows) - 1) / (TABLE_ROWS + 1)
    picks = sorted({round(i * step) for i in range(TABLE_ROWS + 2)} | {len(rows) - 1})
    return [rows[i] for i in picks]


def _cell(key: str, value: object) -> str:
    if value is None:
        return "-"
    if key == "epoch":
        return f"{value:,}"
    if key == "accuracy":
        return f"{value:.1%}"
    return loss_cell(value)


class _progress:
    """A rich progress bar on stderr when it is a terminal; otherwise nothing."""

    def __init__(self, total: int) -> None:
        self.total = total
        self._bar = None

    def __enter__(self) -> Callable[[], None]:
        if not sys.stderr.isatty() or self.total < 1:
            return lambda: None
        from rich.console import Console
        from rich.progress import Progress

        # redirect_stdout would route our rows into the bar on stderr: keep stdout ours.
        self._bar = Progress(
            console=Console(stderr=True),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._bar.__enter__()
        task = self._bar.add_task("training", total=self.total)
        return lambda: self._bar.advance(task)

    def __exit__(self, *exc_info: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc_info)
