"""Named experiments: the Playground's default page and the reference video's two setups."""

from __future__ import annotations

from dataclasses import dataclass

from tuiplay.engine.config import Config
from tuiplay.engine.features import FEATURES


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    config: Config


_VIDEO = {
    "activation": "relu",
    "batch_size": 1,
    "regularization": "L1",
    "regularization_rate": 0.001,
    "network_shape": (1,),
}

PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset("default", "the Playground's default page: circle, tanh, 4,2", Config()),
        Preset(
            "video-circle",
            "the video's circle: relu, lr 0.03, batch 1, L1 0.001, x and y, 1 neuron "
            "(grow it to 2, 3, 4, 8)",
            Config(dataset="circle", learning_rate=0.03, features=("x", "y"), **_VIDEO),
        ),
        Preset(
            "video-spiral",
            "the video's spiral: relu, lr 0.01, batch 1, L1 0.001, all seven features, "
            "1 neuron (grow it to 8, then a second layer to 8)",
            Config(dataset="spiral", learning_rate=0.01, features=FEATURES, **_VIDEO),
        ),
    )
}
