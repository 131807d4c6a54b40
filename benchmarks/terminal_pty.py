"""A program running in a pseudo-terminal, watched the way a user's terminal would see it.

`PtyTerminal` starts a command with `pty.fork`, sets the window size with TIOCSWINSZ before
the program starts, reads everything it writes, feeds it to the pyte emulator so the screen
can be read as text, answers the terminal queries a modern terminal answers, and records
when each byte and each frame arrived. Frames are synchronized-update blocks
(`ESC[?2026h … ESC[?2026l`) when the program uses them, else write bursts separated by a
quiet gap.
"""

from __future__ import annotations

import fcntl
import os
import pty
import queue
import re
import signal
import struct
import termios
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pyte

SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
ALTERNATE_SCREEN = 1049
# pyte stores DEC private modes shifted left by 5 bits.
ALTERNATE_SCREEN_MODE = ALTERNATE_SCREEN << 5
# Output quiet for this long ends a write burst (a frame, when there are no sync markers).
BURST_GAP = 0.002

# Queries a terminal answers. Synchronized output (2026) is reported as supported, as
# current terminal emulators do; in-band resize (2048) as not recognised.
QUERY_ANSWERS = {
    b"\x1b[?2026$p": b"\x1b[?2026;2$y",
    b"\x1b[?2048$p": b"\x1b[?2048;0$y",
}
# Sequences pyte 0.8 misreads (it would draw their final byte as text): mode queries with
# an intermediate byte, and kitty keyboard protocol pushes and pops.
PYTE_UNKNOWN = re.compile(rb"\x1b\[\?[0-9;]*\$[a-zA-Z]|\x1b\[[<>=][0-9;]*[a-zA-Z]")
# An escape sequence cut off at the end of a read: kept until the rest arrives.
INCOMPLETE_TAIL = re.compile(rb"\x1b(\[[0-?]*[ -/]*|\][^\x07\x1b]*)?\Z")

Snapshot = tuple[tuple[pyte.screens.Char, ...], ...]


@dataclass
class Frame:
    """One frame as the terminal received it."""

    end: float  # time.monotonic() when its last byte was read
    size: int  # bytes, escape sequences included
    screen: Snapshot | None = None  # the screen after it, when snapshots are kept
    data: bytes | None = None  # its bytes, when kept


@dataclass
class Recording:
    """Everything read from the program, with arrival times."""

    reads: list[tuple[float, int]] = field(default_factory=list)  # (time, bytes)
    frames: list[Frame] = field(default_factory=list)
    synchronized: bool = False  # the program wrapped frames in sync markers

    def bytes_between(self, start: float, end: float) -> int:
        return sum(size for when, size in self.reads if start <= when < end)

    def frames_between(self, start: float, end: float) -> list[Frame]:
        return [frame for frame in self.frames if start <= frame.end < end]


class PtyTerminal:
    """A command in a pseudo-terminal of a fixed size, with a pyte screen of the same size."""

    def __init__(
        self,
        argv: Sequence[str],
        columns: int,
        rows: int,
        env: dict[str, str | None],
        keep_screens: bool = False,  # a snapshot and the bytes of every frame
    ) -> None:
        self.argv = list(argv)
        self.columns = columns
        self.rows = rows
        self.env = env
        self.keep_screens = keep_screens
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.recording = Recording()
        self.pid = 0
        self.fd = -1
        self.started = 0.0
        self.exit_status: int | None = None
        self._pending = b""  # an escape sequence split across reads
        self._frame_data = bytearray()
        blank_row = tuple(self.screen.default_char for _ in range(columns))
        self._rows = [blank_row] * rows  # the screen's cells, refreshed row by row
        self._texts = [" " * columns] * rows
        self._stale_rows: set[int] = set()
        self._burst_open = False
        self._arrivals: queue.SimpleQueue[tuple[float, bytes]] = queue.SimpleQueue()
        self._held: tuple[float, bytes] | None = None  # read from the queue, not yet used
        self._reader = threading.Thread(target=self._read_forever, daemon=True)

    # Lifecycle

    def start(self) -> None:
        self.started = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:  # the child: becomes the program
            self._exec_child()
        self.pid, self.fd = pid, fd
        self._reader.start()

    def _exec_child(self) -> None:
        try:
            size = struct.pack("HHHH", self.rows, self.columns, 0, 0)
            fcntl.ioctl(pty.STDIN_FILENO, termios.TIOCSWINSZ, size)
            for name, value in self.env.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            os.execvp(self.argv[0], self.argv)
        finally:
            os._exit(127)

    @property
    def running(self) -> bool:
        return self.exit_status is None

    def close(self, quit_keys: bytes = b"q", timeout: float = 5.0) -> int:
        """Ask the program to quit with keys; kill it if it will not. Returns the exit code."""
        if self.running:
            self.send(quit_keys)
            self.pump_until_exit(timeout)
        if self.running:
            os.kill(self.pid, signal.SIGKILL)
            self.pump_until_exit(timeout)
        if self.fd >= 0:
            self._reader.join(timeout)
            os.close(self.fd)
            self.fd = -1
        assert self.exit_status is not None
        return self.exit_status

    def pump_until_exit(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.running and time.monotonic() < deadline:
            self.pump(min(0.05, deadline - time.monotonic()))
            self._reap()

    def _reap(self) -> None:
        if not self.running:
            return
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == self.pid:
            self.exit_status = os.waitstatus_to_exitcode(status)

    # Input

    def send(self, keys: bytes) -> float:
        """Write keys as a user would type them; returns the time they were written."""
        sent = time.monotonic()
        os.write(self.fd, keys)
        return sent

    # Output

    def _read_forever(self) -> None:
        """The reader thread: drains the terminal as fast as a real terminal would, so a
        slow emulator never pushes back on the program; pyte interprets behind it."""
        while True:
            try:
                data = os.read(self.fd, 1 << 16)
            except OSError:  # EIO: the program closed the terminal
                data = b""
            self._arrivals.put((time.monotonic(), data))
            if not data:
                return

    def pump(self, duration: float) -> None:
        """Read and interpret output for `duration` seconds."""
        self.pump_until(lambda: False, duration)

    def idle(self, duration: float) -> None:
        """Let output pile up unread by the emulator for `duration` seconds (the reader
        thread still drains and timestamps it), so the emulator's CPU does not compete
        with the program's while it is being measured. `catch_up` interprets it later."""
        time.sleep(duration)

    def catch_up(self, until: float) -> None:
        """Interpret everything that arrived before `until` (a time.monotonic())."""
        while True:
            if self._held is None:
                try:
                    self._held = self._arrivals.get_nowait()
                except queue.Empty:
                    return
            arrived, data = self._held
            if arrived >= until:
                return
            self._held = None
            if not data:
                self._end_burst(arrived)
                self._reap_blocking()
                return
            self._receive(data, arrived)

    def pump_until(self, condition: Callable[[], bool], timeout: float) -> float | None:
        """Interpret output until `condition()` holds on the screen; returns when the bytes
        that made it hold arrived (time.monotonic()), or None on timeout or end of output.
        With synchronized output the screen is checked only when a frame completes, as a
        terminal shows it only then."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            wait = min(remaining, BURST_GAP) if self._burst_open else remaining
            try:
                arrived, data = self._held or self._arrivals.get(timeout=wait)
                self._held = None
            except queue.Empty:
                self._end_burst(time.monotonic())
                continue
            if not data:
                self._end_burst(arrived)
                self._reap_blocking()
                return None
            frames_ended = self._receive(data, arrived)
            if (frames_ended or not self.recording.synchronized) and condition():
                return arrived

    def _reap_blocking(self) -> None:
        if self.running:
            _, status = os.waitpid(self.pid, 0)
            self.exit_status = os.waitstatus_to_exitcode(status)

    def _receive(self, data: bytes, arrived: float) -> int:
        """Interprets one read; returns how many frames it completed."""
        self.recording.reads.append((arrived, len(data)))
        data = self._pending + data
        tail = INCOMPLETE_TAIL.search(data)
        cut = tail.start() if tail else len(data)
        data, self._pending = data[:cut], data[cut:]
        self._answer_queries(data)
        if SYNC_START in data:
            self.recording.synchronized = True
        self._burst_open = True
        # Interpret frame by frame so a snapshot is taken exactly at each frame's end.
        position = 0
        frames_ended = 0
        while self.recording.synchronized:
            end = data.find(SYNC_END, position)
            if end < 0:
                break
            end += len(SYNC_END)
            self._feed(data[position:end])
            self._end_frame(arrived)
            frames_ended += 1
            position = end
        self._feed(data[position:])
        return frames_ended

    def _answer_queries(self, data: bytes) -> None:
        for query, answer in QUERY_ANSWERS.items():
            if query in data:
                os.write(self.fd, answer)

    def _feed(self, data: bytes) -> None:
        self._frame_data += data
        self.stream.feed(PYTE_UNKNOWN.sub(b"", data))
        self._stale_rows |= self.screen.dirty
        self.screen.dirty.clear()

    def _end_burst(self, when: float) -> None:
        if self._burst_open and not self.recording.synchronized:
            self._end_frame(when)
        self._burst_open = False

    def _end_frame(self, when: float) -> None:
        screen = self.snapshot() if self.keep_screens else None
        data = bytes(self._frame_data) if self.keep_screens else None
        self.recording.frames.append(Frame(when, len(self._frame_data), screen, data))
        self._frame_data.clear()

    # What is on screen

    def _refresh_rows(self) -> None:
        """Re-reads only the rows pyte changed since the last look."""
        buffer = self.screen.buffer
        for y in self._stale_rows:
            if 0 <= y < self.rows:
                self._rows[y] = tuple(buffer[y][x] for x in range(self.columns))
                # A wide character's right half is an empty cell, so joining gives the text.
                self._texts[y] = "".join(cell.data for cell in self._rows[y])
        self._stale_rows.clear()

    def snapshot(self) -> Snapshot:
        self._refresh_rows()
        return tuple(self._rows)

    def text(self) -> str:
        self._refresh_rows()
        return "\n".join(self._texts)

    def line(self, y: int) -> str:
        self._refresh_rows()
        return self._texts[y]

    @property
    def in_alternate_screen(self) -> bool:
        return ALTERNATE_SCREEN_MODE in self.screen.mode

    # The program as a process

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the program so far (all its threads)."""
        with open(f"/proc/{self.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        # After the command name: field 3 is the state, so utime (14) and stime (15)
        # are at offsets 11 and 12.
        ticks = int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def peak_rss_bytes(self) -> int:
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmHWM in /proc/{self.pid}/status")
