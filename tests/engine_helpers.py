"""Shared by the engine tests: the conformance vectors and reading them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

CONFORMANCE = Path(__file__).parent / "conformance"
EXPERIMENT_FILES = sorted(p for p in CONFORMANCE.glob("*.json") if p.name != "seedrandom.json")


def load_vector(path: Path) -> dict:
    return json.loads(path.read_text())


def points(rows: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    table = np.array([[r["x"], r["y"], r["label"]] for r in rows]).reshape(-1, 3)
    return table[:, :2], table[:, 2]


def dead_link_names(network, features: tuple[str, ...]) -> set[str]:
    """Dead links named as the Playground names them: 'source-dest' node ids."""
    hidden = network.layer_sizes[1:]
    first_id = np.concatenate([[1], 1 + np.cumsum(hidden)])  # id of node 0 of each layer
    names = set()
    for layer, dead in enumerate(network.dead):
        for node, source in np.argwhere(dead):
            dest = str(first_id[layer] + node)
            src = features[source] if layer == 0 else str(first_id[layer - 1] + source)
            names.add(f"{src}-{dest}")
    return names
