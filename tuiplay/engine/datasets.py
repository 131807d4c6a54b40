"""The Playground's six data generators, its shuffle and its train/test split (PLAYGROUND.md §3).

Each generator draws from the seeded stream in exactly the Playground's order and uses
Python's scalar math (not numpy) so the draws and the float rounding follow the original.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tuiplay.engine.rng import SeededRandom

CLASSIFICATION_SAMPLES = 500
REGRESSION_SAMPLES = 1200

Point = tuple[float, float, float]  # x, y, label
Generator = Callable[[int, float, SeededRandom], list[Point]]


def _uniform(rng: SeededRandom, low: float, high: float) -> float:
    return rng.random() * (high - low) + low


def _normal(rng: SeededRandom, mean: float, variance: float) -> float:
    while True:
        v1 = 2 * rng.random() - 1
        v2 = 2 * rng.random() - 1
        s = v1 * v1 + v2 * v2
        if s <= 1:
            break
    result = math.sqrt(-2 * math.log(s) / s) * v1
    return mean + math.sqrt(variance) * result


def _scale(value: float, domain: tuple[float, float], target: tuple[float, float]) -> float:
    """A d3 linear scale, with d3's exact rounding."""
    t = (value - domain[0]) / (domain[1] - domain[0])
    return target[0] * (1 - t) + target[1] * t


def _clamped_scale(value: float, domain: tuple[float, float], target: tuple[float, float]) -> float:
    t = (value - domain[0]) / (domain[1] - domain[0])
    t = max(0.0, min(1.0, t))
    return target[0] * (1 - t) + target[1] * t


def _dist(ax: float, ay: float, bx: float, by: float) -> float:
    dx = ax - bx
    dy = ay - by
    return math.sqrt(dx * dx + dy * dy)


def circle(num_samples: int, noise: float, rng: SeededRandom) -> list[Point]:
    radius = 5
    points: list[Point] = []

    def add_ring(r_low: float, r_high: float) -> None:
        for _ in range(num_samples // 2):
            r = _uniform(rng, r_low, r_high)
            angle = _uniform(rng, 0, 2 * math.pi)
            x = r * math.sin(angle)
            y = r * math.cos(angle)
            noise_x = _uniform(rng, -radius, radius) * noise
            noise_y = _uniform(rng, -radius, radius) * noise
            inside = _dist(x + noise_x, y + noise_y, 0, 0) < radius * 0.5
            points.append((x, y, 1.0 if inside else -1.0))

    add_ring(0, radius * 0.5)
    add_ring(radius * 0.7, radius)
    return points


def xor(num_samples: int, noise: float, rng: SeededRandom) -> list[Point]:
    padding = 0.3
    points: list[Point] = []
    for _ in range(num_samples):
        x = _uniform(rng, -5, 5)
        x += padding if x > 0 else -padding
        y = _uniform(rng, -5, 5)
        y += padding if y > 0 else -padding
        noise_x = _uniform(rng, -5, 5) * noise
        noise_y = _uniform(rng, -5, 5) * noise
        label = 1.0 if (x + noise_x) * (y + noise_y) >= 0 else -1.0
        points.append((x, y, label))
    return points


def gauss(num_samples: int, noise: float, rng: SeededRandom) -> list[Point]:
    variance = _scale(noise, (0, 0.5), (0.5, 4))
    points: list[Point] = []
    for cx, cy, label in ((2, 2, 1.0), (-2, -2, -1.0)):
        for _ in range(num_samples // 2):
            x = _normal(rng, cx, variance)
            y = _normal(rng, cy, variance)
            points.append((x, y, label))
    return points


def spiral(num_samples: int, noise: float, rng: SeededRandom) -> list[Point]:
    n = num_samples // 2
    points: list[Point] = []
    for delta_t, label in ((0.0, 1.0), (math.pi, -1.0)):
        for i in range(n):
            r = i / n * 5
            t = 1.75 * i / n * 2 * math.pi + delta_t
            x = r * math.sin(t) + _uniform(rng, -1, 1) * noise
            y = r * math.cos(t) + _uniform(rng, -1, 1) * noise
            points.append((x, y, label))
    return points


def _regression(
    num_samples: int, noise: float, rng: SeededRandom, label_of: Callable[[float, float], float]
) -> list[Point]:
    radius = 6
    points: list[Point] = []
    for _ in range(num_samples):
        x = _uniform(rng, -radius, radius)
        y = _uniform(rng, -radius, radius)
        noise_x = _uniform(rng, -radius, radius) * noise
        noise_y = _uniform(rng, -radius, radius) * noise
        points.append((x, y, label_of(x + noise_x, y + noise_y)))
    return points


def reg_plane(num_samples: int, noise: float, rng: SeededRandom) -> list[Point]:
    return _regression(num_samples, noise, rng, lambda x, y: _scale(x + y, (-10, 10), (-1, 1)))


_GAUSSIANS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def _reg_gauss_label(x: float, y: float) -> float:
    label = 0.0
    for cx, cy, sign in _GAUSSIANS:
        value = sign * _clamped_scale(_dist(x, y, cx, cy), (0, 2), (1, 0))
        if abs(value) > abs(label):
            label = value
    return label


def reg_gauss(num_samples: int, noise: float, rng: SeededRandom) -> list[Point]:
    return _regression(num_samples, noise, rng, _reg_gauss_label)


GENERATORS: dict[str, Generator] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "reg-plane": reg_plane,
    "reg-gauss": reg_gauss,
}
CLASSIFICATION_DATASETS = ("circle", "xor", "gauss", "spiral")  # the Playground's menu order
REGRESSION_DATASETS = ("reg-plane", "reg-gauss")


def shuffle(items: list, rng: SeededRandom) -> None:
    """Fisher–Yates in place, drawing exactly as the Playground's shuffle does."""
    counter = len(items)
    while counter > 0:
        index = math.floor(rng.random() * counter)
        counter -= 1
        items[counter], items[index] = items[index], items[counter]


@dataclass(frozen=True)
class DataSplit:
    train_points: np.ndarray  # (N, 2)
    train_labels: np.ndarray  # (N,)
    test_points: np.ndarray
    test_labels: np.ndarray


def _as_arrays(points: list[Point]) -> tuple[np.ndarray, np.ndarray]:
    table = np.array(points, dtype=np.float64).reshape(len(points), 3)
    return np.ascontiguousarray(table[:, :2]), np.ascontiguousarray(table[:, 2])


THUMBNAIL_SAMPLES = 200


def draw_thumbnails(problem: str, rng: SeededRandom) -> None:
    """Draw what the Playground's drawDatasetThumbnails draws from the stream: 200 noiseless
    points of each dataset of `problem`, in the order of its menu. It does this when the
    problem type changes, after the new data and before the new weights, so those draws
    decide the new weights."""
    names = REGRESSION_DATASETS if problem == "regression" else CLASSIFICATION_DATASETS
    for name in names:
        GENERATORS[name](THUMBNAIL_SAMPLES, 0.0, rng)


def generate_split(
    dataset: str, noise_percent: float, perc_train_data: float, rng: SeededRandom
) -> DataSplit:
    """Generate, shuffle and split one dataset, as the Playground's generateData does."""
    regression = dataset in REGRESSION_DATASETS
    num_samples = REGRESSION_SAMPLES if regression else CLASSIFICATION_SAMPLES
    points = GENERATORS[dataset](num_samples, noise_percent / 100, rng)
    shuffle(points, rng)
    split = math.floor(len(points) * perc_train_data / 100)
    train_points, train_labels = _as_arrays(points[:split])
    test_points, test_labels = _as_arrays(points[split:])
    return DataSplit(train_points, train_labels, test_points, test_labels)
