"""Whether a file can be saved at a path, checked before the work that fills it.

The command line (`train --save`, `snapshot -o`) and the app (`w`) refuse a place they
cannot write to with the same one line, naming the path and what is wrong.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class SaveTargetError(ValueError):
    """A path no file can be saved at; the message names it and says why."""


def check_save_target(path: str, *, replaceable: bool = False) -> None:
    """Raise SaveTargetError if a file could not be written at `path`: an empty name, a
    folder, a folder that does not exist or is not writable. With `replaceable`, what is
    there must be a regular file (a save that renames a new file over it)."""
    if path == "":
        raise SaveTargetError("the file name is empty; give one")
    target = Path(path)
    folder = target.parent
    try:
        if target.is_dir():
            raise SaveTargetError(f"{path} is a folder; give a file name")
        if replaceable and target.exists() and not target.is_file():
            raise SaveTargetError(
                f"{path} is not a regular file (a device, pipe or socket); give a file name"
            )
        if not folder.exists():
            raise SaveTargetError(f"{path}: folder {folder} does not exist")
        if not folder.is_dir():
            raise SaveTargetError(f"{path}: {folder} is a file, not a folder")
    except OSError as error:  # e.g. a name too long for the file system
        raise SaveTargetError(f"{path}: {error.strerror}") from None
    written_in_place = not replaceable and target.exists()  # -o /dev/stdout
    # /proc and /sys refuse new files whatever their permissions say: try one.
    if not os.access(folder, os.W_OK) or not (written_in_place or _can_create_files_in(folder)):
        raise SaveTargetError(f"{path}: folder {folder} is not writable")


def _can_create_files_in(folder: Path) -> bool:
    try:
        handle, name = tempfile.mkstemp(prefix=".tuiplay-", suffix=".tmp", dir=folder)
    except OSError:
        return False
    os.close(handle)
    os.unlink(name)
    return True
