"""A folder that cannot be written to, for tests of the messages that say so."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only_folder(path: Path) -> Iterator[Path]:
    """`path` made as a folder nobody may write to, while the context lasts. Root writes
    through a mode of 555, so there it is also made immutable (chattr +i); a test is
    skipped where neither keeps writes out."""
    path.mkdir()
    path.chmod(0o555)
    immutable = False
    if os.access(path, os.W_OK) and shutil.which("chattr"):
        immutable = subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    try:
        if os.access(path, os.W_OK):
            pytest.skip("this user may write to any folder here")
        yield path
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o755)
