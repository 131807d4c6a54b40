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
import secrets
import stat
from pathlib import Path
from typing import Any

import numpy as np

from tuiplay.engine.config import Config, ConfigError, shown
from tuiplay.engine.datasets import CLASSIFICATION_SAMPLES, REGRESSION_SAMPLES, DataSplit
from tuiplay.engine.history import LossHistory
from tuiplay.engine.network import Network
from tuiplay.engine.rng import SeededRandom
from tuiplay.engine.trainer import Session

FORMAT = "tuiplay-session"
VERSION = 1
MAX_FILE_BYTES = 50_000_000
# The datasets draw points within a few units of the [-6, 6] grid: larger coordinates or labels
# are a broken file. Parameters have no such bound: training reaches any size short of
# overflow (learning rate 3 on a regression takes weights to 1e68 in an epoch).
MAX_ABS_DATA = 1e12
MAX_DIGITS = 30  # in a JSON integer; no count or seed state in a session comes near
MAX_EPOCH = 10**15  # epochs up to here fit a float64 exactly (the loss history's table)


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
    reason = why_not_saved(session)
    if reason is not None:
        raise SessionFileError(f"{target}: not saved: {reason}; reset it first")
    _write_atomically(target, json.dumps(to_dict(session), allow_nan=False))


def why_not_saved(session: Session) -> str | None:
    """Why the session cannot be written as JSON numbers (which have no NaN or infinity)
    that `load` accepts, or None. Only ever a network at the edge of diverging."""
    if session.diverged:
        return "the network diverged (NaN weights)"
    network = session.network
    if network.accumulated and not np.isfinite(network.grads).all():
        return "the gradients waiting for an update overflowed (infinite or NaN)"
    history = session.history
    if np.isinf(history.train).any() or np.isinf(history.test).any():
        return "the loss history holds an infinite loss (the network nearly diverged)"
    return None


def _write_atomically(target: Path, text: str) -> None:
    """Write `text` to a temporary file beside `target`, then rename it over the target.

    A symbolic link is written through (its file is replaced, the link stays), and a file
    keeps its permissions; a new file gets the umask's. Raises SessionFileError naming
    `target` as given.
    """
    destination = Path(os.path.realpath(target)) if os.path.islink(target) else target
    mode = _mode_to_keep(target, destination)
    try:
        handle, temporary = _create_beside(destination, mode)
    except OSError as error:
        raise SessionFileError(f"{target}: cannot write here: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            if mode is not None:
                os.fchmod(stream.fileno(), mode)  # the umask may have narrowed it
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, destination)
    except OSError as error:
        raise SessionFileError(f"{target}: cannot write: {error.strerror}") from None
    finally:  # after a failure or an interrupt (KeyboardInterrupt too), no temporary is left;
        # after the rename there is none to remove
        Path(temporary).unlink(missing_ok=True)


def _mode_to_keep(target: Path, destination: Path) -> int | None:
    """The permissions of the file being replaced, or None for a new file."""
    try:
        status = destination.stat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise SessionFileError(f"{target}: cannot write: {error.strerror}") from None
    if stat.S_ISDIR(status.st_mode):
        raise SessionFileError(f"{target}: is a folder; give a file name")
    if not stat.S_ISREG(status.st_mode):
        raise SessionFileError(
            f"{target}: is not a regular file (a device, pipe or socket); give a file name"
        )
    return stat.S_IMODE(status.st_mode)


def _create_beside(target: Path, mode: int | None) -> tuple[int, str]:
    """A new temporary file in the target's folder: (descriptor, name). A new session file
    gets the usual 0666 less the umask, as mkstemp's 0600 would make it private."""
    name = target.parent / f".{target.name[:100]}.{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL  # never reuse a file that exists
    return os.open(name, flags, 0o666 if mode is None else mode), str(name)


def load(path: str | os.PathLike) -> Session:
    """Read a session saved by `save`. Raises SessionFileError naming the problem."""
    source = Path(path)
    try:
        text = _read_text(source)
    except FileNotFoundError:
        raise SessionFileError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise SessionFileError(f"{source}: is a folder, not a session file") from None
    except UnicodeDecodeError:
        raise SessionFileError(f"{source}: not a tuiplay session file (not text)") from None
    except OSError as error:
        raise SessionFileError(f"{source}: cannot read: {error.strerror}") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_int=_whole_number)
    except (json.JSONDecodeError, ValueError) as error:
        raise SessionFileError(f"{source}: not a tuiplay session file ({error})") from None
    except RecursionError:
        raise SessionFileError(f"{source}: not a tuiplay session file (nested too deep)") from None
    try:
        return from_dict(data)
    except SessionFileError as error:
        raise SessionFileError(f"{source}: {error}") from None


def _read_text(source: Path) -> str:
    """The text of a regular file. A pipe or device is refused before any read: opening a
    pipe would wait for a writer that may never come, so it is opened without waiting."""
    descriptor = os.open(source, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as stream:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(status.st_mode):
            raise SessionFileError(
                f"{source}: is not a regular file (a device, pipe or socket); give a session file"
            )
        content = stream.read(MAX_FILE_BYTES + 1)  # a file may grow after the fstat
        if status.st_size > MAX_FILE_BYTES or len(content) > MAX_FILE_BYTES:
            raise SessionFileError(f"{source}: too large for a session file")
        return content.decode("utf-8")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def _whole_number(digits: str) -> int:
    """JSON's integers, refusing long ones before Python's own digit limit words it."""
    if len(digits) > MAX_DIGITS:
        raise ValueError(f"a whole number of {len(digits):,} digits is too long")
    return int(digits)


def from_dict(data: Any) -> Session:
    """Build a session from `to_dict`'s output, checking every part first.

    Strict about types: true is not 1, "1.5" is not a number, every list has the length
    the config implies. Losses are finite numbers of at least 0, or null where a loss is
    undefined (no test points); data are finite and at most MAX_ABS_DATA in size; parameters
    are any finite numbers short of a diverged network, as `save` writes them.
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SessionFileError("not a tuiplay session file")
    version = data.get("version")
    if not _is_whole(version) or version != VERSION:
        raise SessionFileError(
            f"session format version {shown(version)} is not supported; this tuiplay reads version "
            f"{VERSION}"
        )
    try:
        config = Config.from_dict(_field(data, "config", dict))
    except (ConfigError, TypeError) as error:
        raise SessionFileError(f"config: {error}") from None
    if not isinstance(data.get("url", ""), str):
        raise SessionFileError("url: not text")
    rng = _read_rng(_field(data, "rng", dict))
    split = _read_data(_field(data, "data", dict), config)
    epoch = _field(data, "epoch", int)
    if not 0 <= epoch <= MAX_EPOCH:
        raise SessionFileError(f"epoch: {epoch} is out of range; allowed: 0 to {MAX_EPOCH:,}")
    network_data = _field(data, "network", dict)
    network = _read_network(network_data, config)
    train_count = len(split.train_labels)
    _read_accumulated(network_data, network, config.batch_size, train_count, epoch)
    try:
        history = LossHistory.from_dict(data.get("history"), last_epoch=epoch)
    except ValueError as error:
        raise SessionFileError(f"history: {error}") from None
    return Session.restored(config, rng, split, network, epoch, history)


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _field(data: dict, name: str, kind: type) -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise SessionFileError(f"{name}: missing or not a {kind.__name__}")
    return value


def _is_table(value: Any, shape: tuple[int, ...]) -> bool:
    """Whether `value` is nested lists of numbers (not bools, not text) of exactly `shape`."""
    if not isinstance(value, list) or len(value) != shape[0]:
        return False
    if len(shape) == 1:
        return all(type(item) is float or type(item) is int for item in value)  # as JSON reads
    return all(_is_table(item, shape[1:]) for item in value)


def _array(name: str, value: Any, shape: tuple[int, ...], largest: float = math.inf) -> np.ndarray:
    """Finite numbers of exactly `shape`, each at most `largest` in size."""
    if not _is_table(value, shape):
        raise SessionFileError(f"{name}: not numbers in the shape {shape}")
    array = np.array(value, dtype=np.float64).reshape(shape)
    if not np.isfinite(array).all():  # JSON numbers such as 1e999 read as infinity
        raise SessionFileError(f"{name}: values must be finite")
    if (np.abs(array) > largest).any():
        raise SessionFileError(f"{name}: values must be finite and at most {largest:g}")
    return array


def _read_rng(data: dict) -> SeededRandom:
    state, i, j = data.get("state"), data.get("i"), data.get("j")
    valid = (
        isinstance(state, list)
        and all(_is_whole(v) for v in state)
        and sorted(state) == list(range(256))
        and all(_is_whole(v) and 0 <= v < 256 for v in (i, j))
    )
    if not valid:
        raise SessionFileError("rng: not a valid random stream state")
    return SeededRandom.from_state(state, i, j)


def _read_points(name: str, rows: Any, config: Config) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(rows, list):
        raise SessionFileError(f"data.{name}: missing or not a list")
    table = _array(f"data.{name}", rows, (len(rows), 3), largest=MAX_ABS_DATA)
    labels = table[:, 2]
    if config.problem == "classification" and not np.isin(labels, (-1.0, 1.0)).all():
        raise SessionFileError(f"data.{name}: a classification label must be -1 or 1")
    return np.ascontiguousarray(table[:, :2]), np.ascontiguousarray(labels)


def _read_data(data: dict, config: Config) -> DataSplit:
    train_points, train_labels = _read_points("train", data.get("train"), config)
    test_points, test_labels = _read_points("test", data.get("test"), config)
    _check_split_sizes(config, len(train_points), len(test_points))
    return DataSplit(train_points, train_labels, test_points, test_labels)


def _check_split_sizes(config: Config, train: int, test: int) -> None:
    """The dataset's points, split as generate_split splits them: the first
    floor(samples × percent / 100) to train, the rest to test."""
    dataset = config.active_dataset
    samples = REGRESSION_SAMPLES if config.problem == "regression" else CLASSIFICATION_SAMPLES
    expected_train = math.floor(samples * config.perc_train_data / 100)
    if train != expected_train:
        raise SessionFileError(
            f"data.train: {train:,} points; the config implies {expected_train:,} "
            f"({config.perc_train_data:g}% of the {samples:,} points of {dataset})"
        )
    if test != samples - expected_train:
        raise SessionFileError(
            f"data.test: {test:,} points; the config implies {samples - expected_train:,} "
            f"(the {samples:,} points of {dataset} less {expected_train:,} to train)"
        )


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
        if not isinstance(dead[layer], list):
            raise SessionFileError(f"network.dead[{layer}]: not a list of links")
        for pair in dead[layer]:
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(_is_whole(v) and 0 <= v < n for v, n in zip(pair, shape))
            ):
                raise SessionFileError(f"network.dead[{layer}]: {shown(pair)} is not a link")
            network.dead[layer][pair[0], pair[1]] = True
    _refuse_diverged(network)
    return network


def _refuse_diverged(network: Network) -> None:
    """Parameters whose squares sum past the largest float: the weights half of
    Session._is_diverged, which every change to the weights is checked with. `save` never
    writes a diverged network, and a loaded one would be restored as if it had not diverged."""
    with np.errstate(over="ignore"):
        squares = float(np.dot(network.params, network.params))
    if not math.isfinite(squares):
        largest = float(np.abs(network.params).max())
        raise SessionFileError(
            f"network: weights this large (up to {largest:.3g}) are a diverged network, "
            "which is never saved"
        )


def _read_accumulated(
    data: dict, network: Network, batch_size: int, train_count: int, epoch: int
) -> None:
    """The points whose gradients wait for the next update, and those gradients, if any.

    An epoch updates after every batch, so the points left at its end are fewer than a
    batch. A training set smaller than a batch never fills one: the Playground then never
    updates, and every point trained since the network was built waits, epoch × points.
    """
    accumulated, grads = data.get("accumulated", 0), data.get("grads")
    if train_count >= batch_size:
        most, why = batch_size - 1, "points left by an epoch, fewer than a batch"
    else:
        most = epoch * train_count
        why = (
            f"every point trained: {epoch:,} epochs of {train_count:,} training points, "
            f"which never fill a batch of {batch_size:,}"
        )
    if not _is_whole(accumulated) or not 0 <= accumulated <= most:
        raise SessionFileError(
            f"network.accumulated: {shown(accumulated)} is not a count from 0 to {most:,} ({why})"
        )
    if accumulated == 0:
        if grads is not None:
            raise SessionFileError("network.grads: must be null when nothing is accumulated")
        return
    network.grads[:] = _array("network.grads", grads, network.grads.shape)
    network.accumulated = accumulated
