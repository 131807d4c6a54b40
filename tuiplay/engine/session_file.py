"""Save and load a whole session as versioned JSON: config, stream, data, weights, history.

Files are data only (json, never pickle or eval). Saving writes a temporary file beside the
target and renames it over, so an interrupted save never leaves a truncated file and never
loses the previous one. Loading checks everything before it builds anything, so a bad file
leaves the running session untouched.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from tuiplay.engine.config import Config, ConfigError, shown
from tuiplay.engine.datasets import DataSplit
from tuiplay.engine.history import LossHistory
from tuiplay.engine.network import Network
from tuiplay.engine.rng import SeededRandom
from tuiplay.engine.trainer import Session

FORMAT = "tuiplay-session"
VERSION = 1
MAX_FILE_BYTES = 50_000_000
MAX_ABS_VALUE = 1e12  # larger parameters or coordinates are a broken file, not a session


class SessionFileError(ValueError):
    """A session file that cannot be written or read; the message names the file and why."""


def to_dict(session: Session) -> dict[str, Any]:
    network = session.network
    rng_state, rng_i, rng_j = session.rng.state()
    history = session.history.to_dict()
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": session.config.to_dict(),
        "url": session.config.to_url_hash(),
        "rng": {"state": rng_state, "i": rng_i, "j": rng_j},
        "data": {
            "train": _points(session.train_points, session.train_labels),
            "test": _points(session.test_points, session.test_labels),
        },
        "network": {
            "weights": [w.tolist() for w in network.weights],
            "biases": [b.tolist() for b in network.biases],
            "dead": [np.argwhere(d).tolist() for d in network.dead],
            "accumulated": network.accumulated,
            "grads": network.grads.tolist() if network.accumulated else None,
        },
        "epoch": session.epoch,
        "history": history,
    }


def _points(points: np.ndarray, labels: np.ndarray) -> list[list[float]]:
    return np.column_stack([points, labels]).tolist()


def save(session: Session, path: str | os.PathLike) -> None:
    """Write the session to `path` atomically, at an epoch's end (an epoch begun in
    pieces is finished first). Raises SessionFileError."""
    session.finish_epoch()
    target = Path(path)
    if session.diverged:
        raise SessionFileError(
            f"{target}: not saved: the network diverged (NaN weights); reset it first"
        )
    text = json.dumps(to_dict(session), allow_nan=False)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as error:
        raise SessionFileError(f"{target}: cannot write here: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise SessionFileError(f"{target}: cannot write: {error.strerror}") from None


def load(path: str | os.PathLike) -> Session:
    """Read a session saved by `save`. Raises SessionFileError naming the problem."""
    source = Path(path)
    try:
        if source.stat().st_size > MAX_FILE_BYTES:
            raise SessionFileError(f"{source}: too large for a session file")
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SessionFileError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise SessionFileError(f"{source}: is a folder, not a session file") from None
    except UnicodeDecodeError:
        raise SessionFileError(f"{source}: not a tuiplay session file (not text)") from None
    except OSError as error:
        raise SessionFileError(f"{source}: cannot read: {error.strerror}") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except (json.JSONDecodeError, ValueError) as error:
        raise SessionFileError(f"{source}: not a tuiplay session file ({error})") from None
    except RecursionError:
        raise SessionFileError(f"{source}: not a tuiplay session file (nested too deep)") from None
    try:
        return from_dict(data)
    except SessionFileError as error:
        raise SessionFileError(f"{source}: {error}") from None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def from_dict(data: Any) -> Session:
    """Build a session from `to_dict`'s output, checking every part first."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SessionFileError("not a tuiplay session file")
    version = data.get("version")
    if version != VERSION:
        raise SessionFileError(
            f"session format version {shown(version)} is not supported; this tuiplay reads version "
            f"{VERSION}"
        )
    try:
        config = Config.from_dict(_field(data, "config", dict))
    except (ConfigError, TypeError) as error:
        raise SessionFileError(f"config: {error}") from None
    rng = _read_rng(_field(data, "rng", dict))
    split = _read_data(_field(data, "data", dict))
    network = _read_network(_field(data, "network", dict), config)
    epoch = _field(data, "epoch", int)
    if epoch < 0:
        raise SessionFileError(f"epoch: {epoch} is negative")
    history = _read_history(_field(data, "history", dict))
    session = Session(config)
    session.restore(rng, split, network, epoch, history)
    return session


def _field(data: dict, name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise SessionFileError(f"{name}: missing or not a {kind.__name__}")
    return value


def _array(name: str, value: Any, shape: tuple[int, ...]) -> np.ndarray:
    try:
        array = np.array(value, dtype=np.float64)
    except (ValueError, TypeError):
        raise SessionFileError(f"{name}: not an array of numbers") from None
    if array.shape != shape:
        raise SessionFileError(f"{name}: shape {array.shape} does not fit; expected {shape}")
    if not np.isfinite(array).all() or (np.abs(array) > MAX_ABS_VALUE).any():
        raise SessionFileError(f"{name}: values must be finite and at most {MAX_ABS_VALUE:g}")
    return array


def _read_rng(data: dict) -> SeededRandom:
    state, i, j = data.get("state"), data.get("i"), data.get("j")
    valid = (
        isinstance(state, list)
        and sorted(v for v in state if isinstance(v, int)) == list(range(256))
        and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 256 for v in (i, j))
    )
    if not valid:
        raise SessionFileError("rng: not a valid random stream state")
    return SeededRandom.from_state(state, i, j)


def _read_points(name: str, rows: Any) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(rows, list):
        raise SessionFileError(f"data.{name}: missing or not a list")
    table = _array(f"data.{name}", rows, (len(rows), 3)) if rows else np.empty((0, 3))
    return np.ascontiguousarray(table[:, :2]), np.ascontiguousarray(table[:, 2])


def _read_data(data: dict) -> DataSplit:
    train_points, train_labels = _read_points("train", data.get("train"))
    test_points, test_labels = _read_points("test", data.get("test"))
    if len(train_points) == 0:
        raise SessionFileError("data.train: no training points")
    return DataSplit(train_points, train_labels, test_points, test_labels)


def _read_network(data: dict, config: Config) -> Network:
    sizes = config.layer_sizes
    weights, biases, dead = data.get("weights"), data.get("biases"), data.get("dead")
    layers = len(sizes) - 1
    if not all(isinstance(v, list) and len(v) == layers for v in (weights, biases, dead)):
        raise SessionFileError(f"network: expected {layers} layers for sizes {sizes}")
    network = Network(sizes, config.activation, config.output_activation)
    for layer in range(layers):
        shape = (sizes[layer + 1], sizes[layer])
        network.weights[layer][:] = _array(f"network.weights[{layer}]", weights[layer], shape)
        network.biases[layer][:] = _array(f"network.biases[{layer}]", biases[layer], shape[:1])
        for pair in dead[layer]:
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(v, int) and 0 <= v < n for v, n in zip(pair, shape))
            ):
                raise SessionFileError(f"network.dead[{layer}]: {shown(pair)} is not a link")
            network.dead[layer][pair[0], pair[1]] = True
    accumulated = data.get("accumulated", 0)
    if not isinstance(accumulated, int) or accumulated < 0:
        raise SessionFileError("network.accumulated: not a count")
    if accumulated:
        network.grads[:] = _array("network.grads", data.get("grads"), network.grads.shape)
        network.accumulated = accumulated
    return network


def _read_history(data: dict) -> LossHistory:
    stride = data.get("stride")
    columns = [data.get(name) for name in ("epochs", "train", "test")]
    if not isinstance(stride, int) or stride < 1 or not all(isinstance(c, list) for c in columns):
        raise SessionFileError("history: missing or malformed")
    if len({len(c) for c in columns}) != 1:
        raise SessionFileError("history: columns of different lengths")
    for name, column in zip(("epochs", "train", "test"), columns):
        if not all(
            v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in column
        ):
            raise SessionFileError(f"history.{name}: not numbers")
    nan = float("nan")
    train = [nan if v is None else v for v in columns[1]]
    test = [nan if v is None else v for v in columns[2]]
    if any(math.isinf(v) for v in train + test):
        raise SessionFileError("history: infinite loss")
    return LossHistory.from_rows(stride, columns[0], train, test)
