"""Loss history with a fixed memory footprint, however long training runs.

Every epoch's losses go in until the buffer is full; then every other entry is dropped and
from then on only every second epoch is kept (then every fourth, …). A chart of the history
always spans the whole run since the last reset, at a resolution that halves as it grows.
"""

from __future__ import annotations

import numpy as np

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
    def from_rows(cls, stride: int, epochs: list, train: list, test: list) -> LossHistory:
        history = cls()
        rows = list(zip(epochs, train, test, strict=True))[-history.capacity :]
        history._stride = stride
        history._size = len(rows)
        if rows:
            history._table[: len(rows)] = rows
        return history


def _json_numbers(values: np.ndarray) -> list[float | None]:
    """JSON has no NaN: an undefined loss (no test set) is written as null."""
    return [None if v != v else v for v in values.tolist()]
