"""The seven input features of the Playground, in its fixed order (PLAYGROUND.md §4)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

FEATURES: tuple[str, ...] = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")

FEATURE_LABELS: dict[str, str] = {
    "x": "X1",
    "y": "X2",
    "xSquared": "X1²",
    "ySquared": "X2²",
    "xTimesY": "X1X2",
    "sinX": "sin(X1)",
    "sinY": "sin(X2)",
}

_FEATURE_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x": lambda x, y: x,
    "y": lambda x, y: y,
    "xSquared": lambda x, y: x * x,
    "ySquared": lambda x, y: y * y,
    "xTimesY": lambda x, y: x * y,
    "sinX": lambda x, y: np.sin(x),
    "sinY": lambda x, y: np.sin(y),
}


def canonical_order(features: Sequence[str]) -> tuple[str, ...]:
    """The given feature names in the Playground's order, without duplicates."""
    chosen = set(features)
    return tuple(name for name in FEATURES if name in chosen)


def feature_values(name: str, points: np.ndarray) -> np.ndarray:
    """One feature's value at each point of an (N, 2) array."""
    return np.asarray(_FEATURE_FUNCTIONS[name](points[:, 0], points[:, 1]), dtype=np.float64)


def feature_matrix(points: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The network input for each point: an (N, F) array, columns in the order given."""
    matrix = np.empty((len(points), len(features)), dtype=np.float64)
    for column, name in enumerate(features):
        matrix[:, column] = feature_values(name, points)
    return matrix
