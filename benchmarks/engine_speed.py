"""Trainer speed: epochs per second for the two reference configurations.

(a) the Playground's default page with one hidden layer of 4 (circle, tanh, batch 10);
(b) the reference video's spiral grown to two layers of 8 (7 features, relu, batch 1, L1).
An epoch here is what the Playground does per step: train on every point, then compute the
train and test losses. Each run is first checked against the literal nn.ts port in
tests/reference_nn.py, so speed never comes at the cost of the numbers.

    python benchmarks/engine_speed.py [--seconds 3] [--repeats 3]

It prints the best of the repeats and their spread (slowest-fastest).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from reference_nn import ReferenceNetwork

from tuiplay.engine.config import Config
from tuiplay.engine.presets import PRESETS
from tuiplay.engine.trainer import Session

CONFIGS = {
    "(a) default page, hidden [4]": (Config(network_shape=(4,), seed="0.12345"), 2000, 4700),
    "(b) video-spiral, hidden [8,8]": (
        PRESETS["video-spiral"].config.replace(network_shape=(8, 8), seed="0.12345"),
        300,
        1220,
    ),
}
CHECK_EPOCHS = 5


def largest_loss_difference(config: Config) -> float:
    """Relative difference between the engine's and the reference's losses over a few epochs."""
    session = Session(config)
    network = session.network
    reference = ReferenceNetwork.copy_of(network)
    inputs, targets = session._train_inputs.tolist(), session.train_labels.tolist()
    worst = 0.0
    for _ in range(CHECK_EPOCHS):
        session.step_epochs(1)
        reference.train_epoch(
            inputs,
            targets,
            config.batch_size,
            config.learning_rate,
            config.regularization,
            config.regularization_rate,
        )
        expected = reference.mean_loss(inputs, targets)
        worst = max(worst, abs(session.train_loss - expected) / abs(expected))
    return worst


def epochs_per_second(config: Config, seconds: float) -> float:
    session = Session(config)
    session.step_epochs(5)  # warm up buffers
    start = time.perf_counter()
    epochs = 0
    while time.perf_counter() - start < seconds:
        epochs += session.step_epochs(10)
    return epochs / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="timing per configuration")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many timings")
    args = parser.parse_args()
    # The spread of the repeats shows how much the machine's speed moved during the run:
    # on a shared VM it can swing by half within one process.
    header = (
        f"{'configuration':34} {'epochs/s':>9} {'repeats':>11} {'target':>7} {'JS':>6}"
        f" {'vs ref':>9}  result"
    )
    print(header)
    print("-" * len(header))
    for name, (config, target, javascript) in CONFIGS.items():
        difference = largest_loss_difference(config)
        speeds = [epochs_per_second(config, args.seconds) for _ in range(args.repeats)]
        speed = max(speeds)
        spread = f"{min(speeds):,.0f}-{speed:,.0f}"
        verdict = "pass" if speed >= target and difference < 1e-6 else "FAIL"
        print(
            f"{name:34} {speed:9,.0f} {spread:>11} {target:7,} {javascript:6,}"
            f" {difference:9.1e}  {verdict}"
        )


if __name__ == "__main__":
    main()
