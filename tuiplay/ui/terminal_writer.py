"""A terminal driver that sends colours as changes, not as whole styles.

Textual writes every segment as `ESC[<full style>m text ESC[0m`: the whole style again, then a
reset. Over SSH those SGR sequences are most of the bytes. `DeltaSgrFilter` remembers the pen
the terminal has (colours and attributes) and the pen the stream asks for, and just before
anything is drawn sends only the parameters that differ. A run of SGRs with nothing drawn in
between (a reset, a cursor move, the next style) costs one short delta or nothing at all.

Whatever the filter does not model passes through unchanged: an SGR with a code it does not
know is sent as is and the pen counts as unknown until the next reset; after a sequence that
can change the pen behind its back (alternate screen, restore cursor, terminal reset) it
forgets the pen and sends a full SGR again.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

if TYPE_CHECKING:
    from textual.app import App

ATTRIBUTE_ON = frozenset({1, 2, 3, 4, 5, 7, 8, 9})  # bold dim italic underline blink reverse...
ATTRIBUTE_OFF = {22: {1, 2}, 23: {3}, 24: {4}, 25: {5}, 27: {7}, 28: {8}, 29: {9}}
DEFAULT_FOREGROUND = "39"
DEFAULT_BACKGROUND = "49"


@dataclass(frozen=True)
class Pen:
    """The terminal's drawing state; colours are the SGR parameters that set them."""

    foreground: str = DEFAULT_FOREGROUND
    background: str = DEFAULT_BACKGROUND
    attributes: frozenset[int] = field(default_factory=frozenset)  # their "on" codes


Operation = tuple[str, object]  # ("reset", None), ("on", 1), ("off", {1, 2}), ("fg", "31")


@lru_cache(maxsize=4096)
def parse_sgr(parameters: str) -> tuple[Operation, ...] | None:
    """The operations of one SGR's parameters, or None if one of them is not modelled."""
    if ":" in parameters:  # sub-parameters (curly underline, colon colours)
        return None
    codes = [int(code) if code else 0 for code in parameters.split(";")]
    operations: list[Operation] = []
    index = 0
    while index < len(codes):
        code = codes[index]
        if code == 0:
            operations.append(("reset", None))
        elif code in ATTRIBUTE_ON:
            operations.append(("on", code))
        elif code in ATTRIBUTE_OFF:
            operations.append(("off", ATTRIBUTE_OFF[code]))
        elif code in (38, 48):
            colour_length = {5: 3, 2: 5}.get(codes[index + 1] if index + 1 < len(codes) else -1)
            if colour_length is None or index + colour_length > len(codes):
                return None
            colour = ";".join(map(str, codes[index : index + colour_length]))
            operations.append(("fg" if code == 38 else "bg", colour))
            index += colour_length - 1
        elif 30 <= code <= 39 or 90 <= code <= 97:
            operations.append(("fg", str(code)))
        elif 40 <= code <= 49 or 100 <= code <= 107:
            operations.append(("bg", str(code)))
        else:
            return None
        index += 1
    return tuple(operations)


@lru_cache(maxsize=4096)
def apply_sgr(pen: Pen | None, parameters: str) -> Pen | None:
    """The pen after one SGR, or None if it is unknown (an unknown pen stays so until a reset)."""
    operations = parse_sgr(parameters)
    if operations is None:
        return None
    for kind, value in operations:
        if kind == "reset":
            pen = Pen()
        elif pen is None:
            continue
        elif kind == "on":
            pen = replace(pen, attributes=pen.attributes | {value})
        elif kind == "off":
            pen = replace(pen, attributes=pen.attributes - value)
        elif kind == "fg":
            pen = replace(pen, foreground=value)
        else:
            pen = replace(pen, background=value)
    return pen


@lru_cache(maxsize=4096)
def delta(before: Pen | None, after: Pen) -> str:
    """The shorter of two SGRs that turn pen `before` (None: unknown) into `after`: a reset
    followed by what `after` sets, or the codes that switch off, on and change."""
    from_reset = ["0", *_changes(Pen(), after)]
    if before is None:
        return _sgr(from_reset)
    switched_off = before.attributes - after.attributes
    off_codes = [code for code, turns_off in ATTRIBUTE_OFF.items() if turns_off & switched_off]
    # 22 switches off bold and dim together: the one that stays is switched on again below
    still_on = before.attributes.difference(*(ATTRIBUTE_OFF[code] for code in off_codes))
    incremental = [*map(str, off_codes), *_changes(replace(before, attributes=still_on), after)]
    return _sgr(min(incremental, from_reset, key=lambda parameters: len(";".join(parameters))))


def _changes(before: Pen, after: Pen) -> list[str]:
    """The parameters that switch on `after`'s extra attributes and set its other colours."""
    parameters = [str(code) for code in sorted(after.attributes - before.attributes)]
    if after.foreground != before.foreground:
        parameters.append(after.foreground)
    if after.background != before.background:
        parameters.append(after.background)
    return parameters


def _sgr(parameters: list[str]) -> str:
    if not parameters:
        return ""
    return "\x1b[" + ("" if parameters == ["0"] else ";".join(parameters)) + "m"


TOKEN = re.compile(
    r"""
    (?P<sgr>\x1b\[[0-9;:]*m)
    # sequences after which the pen is not what it was: reset, restore cursor, soft reset,
    # alternate screen (its save and restore cursor carry the pen)
    | (?P<pen_changing>\x1bc|\x1b8|\x1b\[u|\x1b\[!p
        |\x1b\[\?(?:[0-9]*;)*(?:47|104[789])(?:;[0-9]*)*[hl])
    # sequences that neither draw nor erase, so a pending pen may wait past them
    | (?P<neutral>\x1b[\]P_^X].*?(?:\x07|\x1b\\)|\x1b\[[0-9;]*[A-Hfd]|\x1b\[\?[0-9;]*[hl])
    # the start of an escape sequence, cut off at the end of this write
    | (?P<incomplete>\x1b(?:\[[0-?]*[\x20-/]*|[\]P_^X].*|[\x20-/]*)\Z)
    # anything else is drawn, erases with the background, or may save the pen
    | (?P<other>\x1b\[[0-?]*[\x20-/]*[@-~]|\x1b[\x20-/]*[0-~]|[^\x1b]+|\x1b)
    """,
    re.VERBOSE | re.DOTALL,
)


class DeltaSgrFilter:
    """Rewrites a stream of terminal output so that its SGRs carry only what changes."""

    def __init__(self) -> None:
        self._sent: Pen | None = None  # the pen the terminal has; None: unknown
        self._wanted: Pen | None = None  # the pen the stream asked for; None: not modelled
        self._incomplete = ""  # an escape sequence cut off at the end of the last write

    def feed(self, data: str) -> str:
        """The output to send for `data`, the next piece of the stream."""
        data, self._incomplete = self._incomplete + data, ""
        output: list[str] = []
        for token in TOKEN.finditer(data):
            kind, text = token.lastgroup, token.group()
            if kind == "sgr":
                self._take_sgr(text[2:-1], output)
            elif kind == "neutral":
                output.append(text)
            elif kind == "incomplete":
                self._incomplete = text
            else:
                output += [self._pen_for_drawing(), text]
                if kind == "pen_changing":
                    self._sent = self._wanted = None
        return "".join(output)

    def _take_sgr(self, parameters: str, output: list[str]) -> None:
        wanted = apply_sgr(self._wanted, parameters)
        if wanted is None:  # not modelled: send it as is, on top of the pen asked for so far
            output += [self._pen_for_drawing(), f"\x1b[{parameters}m"]
            self._sent = None
        self._wanted = wanted

    def _pen_for_drawing(self) -> str:
        """The SGR that gives the terminal the pen the stream asked for ("" if it has it)."""
        if self._wanted is None or self._wanted == self._sent:
            return ""
        change = delta(self._sent, self._wanted)
        self._sent = self._wanted
        return change


class DeltaSgrDriver(LinuxDriver):
    """Textual's Linux and macOS driver, with its output passed through a `DeltaSgrFilter`."""

    def __init__(
        self,
        app: App,
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self._sgr_filter = DeltaSgrFilter()
        # the app's thread and the input thread both write; the filter's state is shared
        self._sgr_filter_lock = threading.Lock()
        self.last_input = 0.0  # time.perf_counter() of the last key or click read

    def send_message(self, message: Message) -> None:
        """Runs in the input thread: stamps keys and clicks the moment they are read, so
        the app's training clock can yield at once instead of after the key has crossed
        the event loop (which waits behind each training slice)."""
        if isinstance(message, (events.Key, events.MouseDown)):
            self.last_input = time.perf_counter()
        super().send_message(message)

    def write(self, data: str) -> None:
        with self._sgr_filter_lock:
            filtered = self._sgr_filter.feed(data)
            if filtered:
                super().write(filtered)
