"""Soak: train 100,000 epochs headless and report memory at the start and the end.

Memory must stay flat however long a session runs: the loss history is bounded (it halves
its resolution instead of growing) and the trainers reuse their buffers. Target: RSS grows
by less than 5 MB.

    python benchmarks/soak.py [--epochs 100000] [--preset default]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tuiplay.engine.presets import PRESETS
from tuiplay.engine.trainer import Session

TARGET_GROWTH_MB = 5.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def report(session: Session, rss: float) -> None:
    print(f"{session.epoch:9,} {rss:8.1f} {len(session.history):8} {session.train_loss:11.6f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=100_000)
    parser.add_argument("--preset", choices=sorted(PRESETS), default="default")
    args = parser.parse_args()
    session = Session(PRESETS[args.preset].config.replace(seed="0.12345"))
    session.step_epochs(100)  # buffers and plans exist before the first reading
    start_rss = rss_mb()
    started = time.perf_counter()
    print(f"{'epoch':>9} {'RSS MB':>8} {'history':>8} {'train loss':>11}")
    report(session, start_rss)
    checkpoints = 10
    for _ in range(checkpoints):
        session.step_epochs(args.epochs // checkpoints)
        report(session, rss_mb())
    growth = rss_mb() - start_rss
    elapsed = time.perf_counter() - started
    verdict = "pass" if growth < TARGET_GROWTH_MB else "FAIL"
    print(
        f"RSS growth {growth:+.2f} MB over {session.epoch - 100:,} epochs "
        f"({elapsed:.0f} s); target < {TARGET_GROWTH_MB:g} MB: {verdict}"
    )


if __name__ == "__main__":
    main()
