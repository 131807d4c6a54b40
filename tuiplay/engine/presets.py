"""Named experiments: the Playground's default page, the reference video's two setups, and
every step of the video (video-circle-3 is the circle with one hidden layer of 3)."""

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

# The video: the circle grows one hidden layer from 1 to 8 neurons; the spiral does the same
# with all seven features, then adds a second layer of 2 to 8 neurons.
VIDEO_SEQUENCES: dict[str, tuple[tuple[int, ...], ...]] = {
    "video-circle": ((1,), (2,), (3,), (4,), (8,)),
    "video-spiral": ((1,), (2,), (4,), (6,), (8,), (8, 2), (8, 4), (8, 6), (8, 8)),
}

_SETUPS = (
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


def step_preset_name(sequence: str, shape: tuple[int, ...]) -> str:
    """The preset of one step of a video sequence: video-circle-3, video-spiral-8-4."""
    return "-".join([sequence, *map(str, shape)])


def _video_steps(setup: Preset) -> list[Preset]:
    return [
        Preset(
            step_preset_name(setup.name, shape),
            f"the video's {setup.config.dataset}, hidden layers {','.join(map(str, shape))}",
            setup.config.replace(network_shape=shape),
        )
        for shape in VIDEO_SEQUENCES.get(setup.name, ())
    ]


PRESETS: dict[str, Preset] = {
    preset.name: preset for setup in _SETUPS for preset in (setup, *_video_steps(setup))
}
