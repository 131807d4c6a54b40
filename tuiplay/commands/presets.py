"""`tuiplay presets`: the named experiments and the Playground URL of each."""

from __future__ import annotations

import argparse

from tuiplay.engine.presets import PRESETS


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("presets", help="list the named experiments and their URLs")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for preset in PRESETS.values():
        print(f"{preset.name}: {preset.description}")
        print(f"  https://playground.tensorflow.org/{preset.config.to_url_hash()}")
    return 0
