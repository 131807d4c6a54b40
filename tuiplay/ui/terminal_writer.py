"""A terminal driver that sends only the cells that change, with colours as changes.

Textual repaints whole dirty line spans and writes every segment as its full style, its
text and a reset. `ScreenDiffDriver` is Textual's Linux and macOS driver with its output
passed through a `ScreenDiff` (tuiplay/ui/screen_diff.py), which remembers what the terminal
shows and sends only the cells that differ, each with only the SGR parameters that change.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from tuiplay.ui.screen_diff import ScreenDiff

if TYPE_CHECKING:
    from textual.app import App


class ScreenDiffDriver(LinuxDriver):
    """Textual's Linux and macOS driver, with its output passed through a `ScreenDiff`."""

    def __init__(
        self,
        app: App,
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._screen_diff = ScreenDiff(*(size or super()._get_terminal_size()))
        # the app's thread and the input thread both write; the shadow screen is shared
        self._screen_diff_lock = threading.Lock()
        self.last_input = 0.0  # time.perf_counter() of the last key or click read
        self.bytes_written = 0  # to the terminal, since the start: the status shows the rate

    def _get_terminal_size(self) -> tuple[int, int]:
        """Textual asks at start and on every SIGWINCH, in a signal handler that may have
        interrupted a write in this same thread: so no lock, the new size is only noted and
        the screen diff takes it (and forgets the screen) at its next write."""
        size = super()._get_terminal_size()
        self._screen_diff.resize(*size)
        return size

    def process_message(self, message: Message) -> None:
        """Runs in the input thread; in-band resizes (mode 2048) arrive here as Resize
        events."""
        if isinstance(message, events.Resize):
            self._screen_diff.resize(message.size.width, message.size.height)
        super().process_message(message)

    def send_message(self, message: Message) -> None:
        """Runs in the input thread: stamps keys and clicks the moment they are read, so
        the app's training clock can yield at once instead of after the key has crossed
        the event loop (which waits behind each training slice)."""
        if isinstance(message, (events.Key, events.MouseDown)):
            self.last_input = time.perf_counter()
        super().send_message(message)

    def write(self, data: str) -> None:
        with self._screen_diff_lock:
            changes = self._screen_diff.feed(data)
            if changes:
                self.bytes_written += len(changes.encode())
                super().write(changes)
