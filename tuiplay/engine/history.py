"""Loss history with a fixed memory footprint, however long training runs.

Every epoch's losses go in until the buffer is full; then every other entry is dropped and
from then on only every second epoch is kept (then every fourth, …). A chart of the history
always spans the whole run since the last reset, at a resolution that halves as it grows.
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np

from tuiplay.engine.config import shown

DEFAULT_CAPACITY = 2048


class LossHistory:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 2 or capacity % 2:
            raise ValueError("capacity must be an even number of at least 2")
        self._table = np.empty((capacity, 3))  # epoch, train loss, test loss
        self._size = 0
        self._stride = 1

    def __len__(self) -> int:
        return self._size

    @property
    def capacity(self) -> int:
        return len(self._table)

    def clear(self) -> None:
        self._size = 0
        self._stride = 1

    def record(self, epoch: int, train_loss: float, test_loss: float) -> None:
        """Keep this epoch's losses if the current stride keeps it."""
        if epoch % self._stride:
            return
        if self._size == self.capacity:
            kept = self._table[::2]
            self._size = len(kept)
            self._table[: self._size] = kept.copy()
            self._stride *= 2
            if epoch % self._stride:
                return
        self._table[self._size] = (epoch, train_loss, test_loss)
        self._size += 1

    @property
    def epochs(self) -> np.ndarray:
        return self._table[: self._size, 0].astype(np.int64)

    @property
    def train(self) -> np.ndarray:
        return self._table[: self._size, 1].copy()

    @property
    def test(self) -> np.ndarray:
        return self._table[: self._size, 2].copy()

    def to_dict(self) -> dict:
        return {
            "stride": self._stride,
            "epochs": self.epochs.tolist(),
            "train": _json_numbers(self.train),
            "test": _json_numbers(self.test),
        }

    @classmethod
    def from_dict(cls, data: object, last_epoch: int) -> LossHistory:
        """Read `to_dict`'s output, checking it first: epochs are whole numbers from 0 to
        `last_epoch`, strictly increasing; losses are finite numbers of at least 0, or null
        for an undefined loss (NaN, e.g. a test set with no points). Raises ValueError."""
        if not isinstance(data, dict):
            raise ValueError("missing or not an object")
        stride = data.get("stride")
        if not _is_whole(stride) or stride < 1 or stride & (stride - 1):
            raise ValueError(f"stride: {shown(stride)} is not a power of two")
        columns = [data.get(name) for name in ("epochs", "train", "test")]
        if not all(isinstance(column, list) for column in columns):
            raise ValueError("epochs, train and test must be lists")
        epochs, train, test = columns
        if not len(epochs) == len(train) == len(test):
            raise ValueError("epochs, train and test have different lengths")
        if not all(_is_whole(epoch) and 0 <= epoch <= last_epoch for epoch in epochs):
            raise ValueError(f"epochs must be whole numbers from 0 to the epoch, {last_epoch}")
        if any(later <= earlier for earlier, later in pairwise(epochs)):
            raise ValueError("epochs must increase")
        for name, losses in (("train", train), ("test", test)):
            if not all(_is_loss(loss) for loss in losses):
                raise ValueError(f"{name}: losses must be finite numbers of at least 0, or null")
        history = cls()
        rows = list(zip(epochs, _nan_for_null(train), _nan_for_null(test)))[-history.capacity :]
        history._stride = stride
        history._size = len(rows)
        if rows:
            history._table[: len(rows)] = rows
        return history


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_loss(value: object) -> bool:
    """A loss as to_dict writes it: a finite number of at least 0, or None for NaN."""
    if value is None:
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < math.inf


def _nan_for_null(losses: list) -> list[float]:
    return [math.nan if loss is None else loss for loss in losses]


def _json_numbers(values: np.ndarray) -> list[float | None]:
    """JSON has no NaN: an undefined loss (no test set) is written as null."""
    return [None if v != v else v for v in values.tolist()]
