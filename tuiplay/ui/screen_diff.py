"""Terminal output rewritten to send only the cells that change, with colours as deltas.

Textual repaints whole dirty line spans and writes every segment as
`ESC[<full style>m text ESC[0m`. Most of those cells are already on the terminal, and most
of the bytes are the full style again. `ScreenDiff` keeps a shadow of what the terminal
shows (the character and pen of every cell, or "unknown") and rewrites the stream as it
passes: text drawn at a known cursor position is compared with the shadow and only the
changed cells are sent, each run after the shortest cursor move (or the unchanged cells in
between when that is shorter) and the SGR that turns the terminal's pen into the one the
cells need. An unchanged frame sends nothing at all, not even its synchronized-update
markers.

The model is deliberately small: absolute cursor moves, SGRs, printable single-width text,
line feeds and carriage returns. Whatever else the stream holds passes through unchanged
after the terminal has been brought to the state the stream expects (cursor and pen), and
makes the cells it may have touched unknown, so that correctness never depends on the model
being complete: an unknown cell always differs, and is redrawn the next time it is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rich.cells import cell_len, get_character_cell_size

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


DEFAULT_PEN = Pen()
Operation = tuple[str, object]  # ("reset", None), ("on", 1), ("off", {1, 2}), ("fg", "31")


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


def delta(before: Pen | None, after: Pen) -> str:
    """The shorter of two SGRs that turn pen `before` (None: unknown) into `after`: a reset
    followed by what `after` sets, or the codes that switch off, on and change."""
    if (
        before is not None
        and before.attributes == after.attributes
        and after.foreground != DEFAULT_FOREGROUND
        and after.background != DEFAULT_BACKGROUND
    ):  # the common case, where only colours change and a reset could not be shorter
        return _sgr(_changes(before, after))
    from_reset = ["0", *_changes(DEFAULT_PEN, after)]
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


PRINTABLE = r"[^\x00-\x1f\x7f-\x9f]+"
TOKEN = re.compile(
    rf"""
    # segments as Rich writes them: a style, its text, a reset (most of a Textual frame)
    (?P<segments>(?:\x1b\[[0-9;]*m{PRINTABLE}\x1b\[0?m)+)
    | (?P<text>{PRINTABLE})
    | (?P<cursor_position>\x1b\[(?P<row>[0-9]*)(?:;(?P<column>[0-9]*))?[Hf])
    | (?P<sgr>\x1b\[(?P<sgr_parameters>[0-9;:]*)m)
    | (?P<line_feed>\n)
    | (?P<carriage_return>\r)
    | (?P<private_mode>\x1b\[\?(?P<private_modes>[0-9;]*)[hl])
    | (?P<ansi_mode>\x1b\[(?P<ansi_modes>[0-9;]*)(?P<ansi_set>[hl]))
    | (?P<charset>\x1b[()*+-./].|\x0e|\x0f)
    # the cursor and pen may be anything afterwards, and so may the screen
    | (?P<reset>\x1bc|\x1b8|\x1b\[u|\x1b\[!p)
    # they save or report the cursor or the pen, so the terminal must have the stream's
    | (?P<state_reading>\x1b7|\x1b\[s|\x1b\[\??6n)
    # they neither draw nor move the cursor: strings (OSC, DCS...), queries, key protocols
    | (?P<neutral>\x1b[\]P_^X].*?(?:\x07|\x1b\\)|\x1b\[[<>=][0-9;]*[a-zA-Z]
        |\x1b\[\??[0-9;]*\$p|\x1b\[[0-9]*\x20q|\x07)
    # the start of an escape sequence, cut off at the end of this write
    | (?P<incomplete>\x1b(?:\[[0-?]*[\x20-/]*|[\]P_^X].*|[\x20-/]*)\Z)
    # anything else: erases, scrolls, relative moves, other controls
    | (?P<other>\x1b\[[0-?]*[\x20-/]*[@-~]|\x1b[\x20-/]*[0-~]|[\x00-\x1f\x7f-\x9f])
    """,
    re.VERBOSE | re.DOTALL,
)
SEGMENT = re.compile(rf"\x1b\[([0-9;]*)m({PRINTABLE})\x1b\[0?m")
# Private modes that change neither the screen, nor where text goes, nor how it is drawn.
NEUTRAL_PRIVATE_MODES = frozenset(
    {1, 7, 12, 25, 66, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1015, 1016}
    | {1036, 2004, 2026, 2048}
)
ALTERNATE_SCREEN_MODES = frozenset({47, 1047, 1048, 1049})  # 1048 saves the cursor alone
SYNC_START = "\x1b[?2026h"
SYNC_END = "\x1b[?2026l"
UNKNOWN = -1  # a pen id: the pen is not known (or not modelled)
MAX_PENS = 4096  # beyond this many distinct pens the tables start afresh
MAX_CACHED = 65536


class ScreenDiff:
    """Rewrites a stream of terminal output for a `columns` x `rows` screen so that it
    sends only the cells that change, and SGRs that carry only what changes."""

    def __init__(self, columns: int, rows: int) -> None:
        self._pens: list[Pen] = []  # by id; the shadow holds ids
        self._pen_ids: dict[Pen, int] = {}
        self._after_sgr: dict[tuple[int, str], int] = {}  # (pen id, parameters) -> pen id
        self._deltas: dict[tuple[int, int], str] = {}  # (pen id, pen id) -> SGR
        self._single_cells: set[str] = set()  # non-ASCII characters known to take one cell
        self._default = self._intern(Pen())
        self._sent = UNKNOWN  # the pen the terminal has
        self._wanted = UNKNOWN  # the pen the stream asked for (UNKNOWN: not modelled)
        self._columns = columns
        self._rows = rows
        self._new_size: tuple[int, int] | None = None  # set from other threads
        self._forget_screen()
        # The stream's cursor: row None is unknown, and then the terminal's cursor is where
        # the stream's is. Column `columns` is past the last column (after drawing in it).
        # After line feeds the column is None and the feeds are owed from `_before_feeds`.
        self._row: int | None = None
        self._column: int | None = 0
        self._before_feeds = (0, 0)
        self._line_feeds = 0
        self._terminal_row: int | None = None  # the terminal's cursor; None: unknown
        self._terminal_column = 0
        self._margins_set = False  # a scroll region: a line feed may scroll above the bottom
        self._plain_drawing = True  # not in insert mode, G0 is ASCII and shifted in
        self._charset_ascii = True
        self._shifted_out = False
        self._insert_mode = False
        # A run of cells drawn one after another on one row, compared with the shadow at once
        self._span_row = -1
        self._span_start = self._span_end = 0
        self._span_texts: list[str] = []
        self._span_pens: list[int] = []
        self._sync_held = False  # a synchronized update began and nothing was sent since
        self._sync_position = 0  # where in this write's output its start belongs
        self._incomplete = ""  # an escape sequence cut off at the end of the last write

    def resize(self, columns: int, rows: int) -> None:
        """Takes the terminal's new size (from any thread) at the start of the next feed."""
        self._new_size = (columns, rows)

    def feed(self, data: str) -> str:
        """The output to send for `data`, the next piece of the stream."""
        if self._new_size is not None:
            self._apply_new_size()
        if len(self._pens) > MAX_PENS:
            self._forget_pens()
        data, self._incomplete = self._incomplete + data, ""
        out: list[str] = []
        self._sync_position = 0  # a synchronized update held from the last write goes first
        for token in TOKEN.finditer(data):
            kind = token.lastgroup
            if kind == "segments":
                self._draw_segments(SEGMENT.findall(token.group()), out)
            elif kind == "cursor_position":
                self._move(token["row"], token["column"])
            elif kind == "text":
                self._draw(token["text"], out)
            elif kind == "sgr":
                self._take_sgr(token["sgr_parameters"], out)
            elif kind == "incomplete":
                self._incomplete = token.group()
            else:
                self._flush_span(out)
                self._take_control(kind, token, out)
        self._flush_span(out)
        self._sync_cursor(out)
        self._release_sync_start(out)
        return "".join(out)

    def _take_control(self, kind: str | None, token: re.Match, out: list[str]) -> None:
        """Anything but drawing, cursor positions and SGRs."""
        if kind == "line_feed":
            self._line_feed(out)
        elif kind == "carriage_return":
            self._carriage_return(out)
        elif kind == "private_mode":
            self._take_private_mode(token["private_modes"], token.group(), out)
        elif kind == "neutral":
            out.append(token.group())
        elif kind == "state_reading":
            self._sync_state(out)
            out.append(token.group())
        else:
            self._pass_through(kind, token, out)

    # The pen

    def _intern(self, pen: Pen) -> int:
        pen_id = self._pen_ids.get(pen)
        if pen_id is None:
            pen_id = self._pen_ids[pen] = len(self._pens)
            self._pens.append(pen)
        return pen_id

    def _after(self, pen: int, parameters: str) -> int:
        """The id of the pen after an SGR with these parameters (UNKNOWN: not modelled)."""
        key = (pen, parameters)
        after = self._after_sgr.get(key)
        if after is None:
            new_pen = apply_sgr(None if pen == UNKNOWN else self._pens[pen], parameters)
            after = UNKNOWN if new_pen is None else self._intern(new_pen)
            if len(self._after_sgr) > MAX_CACHED:
                self._after_sgr.clear()
            self._after_sgr[key] = after
        return after

    def _take_sgr(self, parameters: str, out: list[str]) -> None:
        after = self._after(self._wanted, parameters)
        if after == UNKNOWN:  # not modelled: sent as is, on top of the pen asked for so far
            self._flush_span(out)
            self._sync_pen(out)
            out.append(f"\x1b[{parameters}m")
            self._sent = UNKNOWN
        self._wanted = after

    def _set_pen(self, pen: int, out: list[str]) -> None:
        if pen != self._sent:
            key = (self._sent, pen)
            change = self._deltas.get(key)
            if change is None:
                before = None if self._sent == UNKNOWN else self._pens[self._sent]
                change = delta(before, self._pens[pen])
                if len(self._deltas) > MAX_CACHED:
                    self._deltas.clear()
                self._deltas[key] = change
            out.append(change)
            self._sent = pen

    def _sync_pen(self, out: list[str]) -> None:
        """Gives the terminal the pen the stream asked for (when it is modelled)."""
        if self._wanted != UNKNOWN:
            self._set_pen(self._wanted, out)

    # The stream's cursor

    def _move(self, row: str, column: str) -> None:
        self._row = min(int(row or 1), self._rows) - 1
        self._column = min(int(column or 1), self._columns) - 1
        if self._row < 0 or self._column < 0:  # ESC[0;0H is the top left corner too
            self._row, self._column = max(self._row, 0), max(self._column, 0)
        self._line_feeds = 0

    def _line_feed(self, out: list[str]) -> None:
        row = self._row
        if row is None or row + 1 >= self._rows or self._margins_set:
            self._sync_cursor(out)
            out.append("\n")
            self._forget_screen()  # it may have scrolled
            self._row = self._terminal_row = None
            return
        # It cannot scroll: owed, and dropped if a cursor move or a carriage return follows.
        # The column it leaves is the terminal's business (a tty may add a carriage return).
        if self._column is not None:
            self._before_feeds, self._line_feeds = (row, self._column), 0
        self._row, self._column = row + 1, None
        self._line_feeds += 1

    def _carriage_return(self, out: list[str]) -> None:
        if self._row is None:
            out.append("\r")
        else:
            self._column, self._line_feeds = 0, 0

    def _sync_cursor(self, out: list[str]) -> None:
        """Brings the terminal's cursor to where the stream's is (sending the owed line
        feeds, after which both are unknown)."""
        if self._row is None:
            return
        if self._column is None:
            self._move_terminal(*self._before_feeds, out)
            out.append("\n" * self._line_feeds)
            self._row = self._terminal_row = None
            return
        self._move_terminal(self._row, self._column, out)

    def _sync_state(self, out: list[str]) -> None:
        self._sync_cursor(out)
        self._sync_pen(out)

    def _move_terminal(self, row: int, column: int, out: list[str]) -> None:
        """The shortest move of the terminal's cursor to (row, column); column `columns`
        (past the last one) is reached by drawing the last cell again."""
        if row == self._terminal_row and column == self._terminal_column:
            return
        if column == self._columns:
            self._move_terminal(row, column - 1, out)
            pen = self._shadow_pens[row][column - 1]
            if pen != UNKNOWN:
                self._set_pen(pen, out)
                out.append(self._shadow_text[row][column - 1])
                self._terminal_column = column
            return
        if row != self._terminal_row:
            if column == 0:
                out.append(f"\x1b[{row + 1}H" if row else "\x1b[H")
            else:
                out.append(f"\x1b[{row + 1};{column + 1}H")
        elif self._terminal_column < column:
            out.append(self._forward(row, self._terminal_column, column))
        else:
            out.append(f"\x1b[{column + 1}G" if column else "\x1b[G")
        self._terminal_row, self._terminal_column = row, column

    def _forward(self, row: int, start: int, end: int) -> str:
        """Cursor forward from `start` to `end`: the unchanged cells again when they need no
        other pen and take fewer bytes than the move."""
        gap = end - start
        move = f"\x1b[{gap}C" if gap > 1 else "\x1b[C"
        if gap <= 3 and self._sent != UNKNOWN:
            cells = self._shadow_text[row][start:end]
            same_pen = self._shadow_pens[row][start:end].count(self._sent) == gap
            if same_pen and len(cells.encode()) < len(move):
                return cells
        return move

    # Drawing

    def _draw_segments(self, segments: list[tuple[str, str]], out: list[str]) -> None:
        """(style, text) pairs, each followed by a reset; added to the span at once when
        their pens are modelled and their text is drawable."""
        texts, pens, wanted = [], [], self._wanted
        for style, text in segments:
            pen = self._after(wanted, style)
            if pen == UNKNOWN:
                break
            texts.append(text)
            pens += [pen] * len(text)
            wanted = self._default
        else:
            text = "".join(texts)
            if self._drawable(text):
                self._add_to_span(text, pens, out)
                self._wanted = self._default
                return
        for style, text in segments:
            self._take_sgr(style, out)
            self._draw(text, out)
            self._wanted = self._default

    def _draw(self, text: str, out: list[str]) -> None:
        """Text drawn at the stream's cursor with the stream's pen."""
        if self._wanted != UNKNOWN and self._drawable(text):
            self._add_to_span(text, [self._wanted] * len(text), out)
        else:
            self._flush_span(out)
            self._draw_unmodelled(text, out)

    def _drawable(self, text: str) -> bool:
        """Whether the model can draw `text` at the stream's cursor: a known place, the
        whole text on the row, one cell per character, nothing that changes drawing."""
        column = self._column
        return (
            self._row is not None
            and column is not None
            and column + len(text) <= self._columns
            and self._plain_drawing
            and (text.isascii() or self._single_cells.issuperset(text) or self._learn(text))
        )

    def _learn(self, text: str) -> bool:
        """Whether every character of `text` takes one cell (remembering those that do)."""
        for character in set(text) - self._single_cells:
            if get_character_cell_size(character) != 1:
                return False
            self._single_cells.add(character)
        return True

    def _add_to_span(self, text: str, pens: list[int], out: list[str]) -> None:
        row, column = self._row, self._column
        assert row is not None and column is not None
        if row != self._span_row or column != self._span_end:
            self._flush_span(out)
            self._span_row, self._span_start = row, column
        self._span_texts.append(text)
        self._span_pens += pens
        self._column = self._span_end = column + len(text)

    def _flush_span(self, out: list[str]) -> None:
        """Sends the cells of the span drawn so far that differ from the shadow."""
        if not self._span_texts:
            return
        row, start, pens = self._span_row, self._span_start, self._span_pens
        text = "".join(self._span_texts)
        self._span_texts, self._span_pens, self._span_row = [], [], -1
        end = start + len(text)
        shadow_text, shadow_pens = self._shadow_text[row], self._shadow_pens[row]
        if shadow_text[start:end] == text and shadow_pens[start:end] == pens:
            return
        changed = [
            old != new or old_pen != pen
            for old, new, old_pen, pen in zip(
                shadow_text[start:end], text, shadow_pens[start:end], pens
            )
        ]
        first = 0
        while True:
            try:
                first = changed.index(True, first)
            except ValueError:
                break
            try:
                last = changed.index(False, first)
            except ValueError:
                last = len(text)
            self._move_terminal(row, start + first, out)
            self._send_cells(text, pens, first, last, out)
            self._terminal_column = start + last
            first = last
        self._shadow_text[row] = shadow_text[:start] + text + shadow_text[end:]
        shadow_pens[start:end] = pens

    def _send_cells(self, text: str, pens: list[int], first: int, last: int, out: list) -> None:
        """Cells first to last (exclusive), each run of one pen after its SGR."""
        while first < last:
            pen = pens[first]
            end = first + 1
            while end < last and pens[end] == pen:
                end += 1
            self._set_pen(pen, out)
            out.append(text[first:end])
            first = end

    def _draw_unmodelled(self, text: str, out: list[str]) -> None:
        """Text sent as it is, where the stream draws it; the cells it covers become
        unknown (all of them, when where it lands is not known)."""
        self._sync_state(out)
        out.append(text)
        row, column = self._row, self._column
        width = cell_len(text)
        if (
            row is None
            or column is None
            or column == self._columns
            or column + width > self._columns
        ):
            self._forget_screen()
            self._row = self._terminal_row = None
            return
        # a combining character first joins the cell before
        self._shadow_pens[row][max(column - 1, 0) : column + width] = [UNKNOWN] * (
            column + width - max(column - 1, 0)
        )
        self._row, self._column = row, column + width
        self._terminal_row, self._terminal_column = row, column + width

    # Everything else

    def _take_private_mode(self, modes: str, text: str, out: list[str]) -> None:
        if text == SYNC_START:  # held until something is sent
            self._sync_held, self._sync_position = True, len(out)
            return
        if text == SYNC_END:
            self._sync_cursor(out)
            if self._sync_held and len(out) == self._sync_position:
                self._sync_held = False  # nothing changed: neither marker is sent
                return
        numbers = {int(number) for number in modes.split(";") if number}
        if not numbers <= NEUTRAL_PRIVATE_MODES:
            self._sync_state(out)
            self._forget_screen()
            self._row = self._terminal_row = None
            if numbers & ALTERNATE_SCREEN_MODES:  # the switch saves or restores the pen
                self._sent = self._wanted = UNKNOWN
        out.append(text)
        self._release_sync_start(out)

    def _release_sync_start(self, out: list[str]) -> None:
        """Sends a held synchronized-update start, where it was, once something follows it."""
        if self._sync_held and len(out) > self._sync_position:
            out.insert(self._sync_position, SYNC_START)
            self._sync_held = False

    def _pass_through(self, kind: str | None, token: re.Match, out: list[str]) -> None:
        """A sequence that is not modelled: the terminal gets the stream's cursor and pen,
        then the sequence; afterwards the screen and cursor are unknown."""
        text = token.group()
        if kind == "charset":  # it changes what later text draws, not the screen
            out.append(text)
            if text in "\x0e\x0f":
                self._shifted_out = text == "\x0e"
            elif text[1] == "(":
                self._charset_ascii = text[2] == "B"
        else:
            self._sync_state(out)
            out.append(text)
            self._forget_screen()
            self._row = self._terminal_row = None
        if kind == "reset":
            self._sent = self._wanted = UNKNOWN
            if text in ("\x1bc", "\x1b[!p"):  # a terminal reset, a soft one: modes too
                self._margins_set = self._insert_mode = self._shifted_out = False
                self._charset_ascii = True
        elif kind == "ansi_mode" and "4" in token["ansi_modes"].split(";"):
            self._insert_mode = token["ansi_set"] == "h"
        elif kind == "other" and text.startswith("\x1b[") and text.endswith("r"):
            self._margins_set = text not in ("\x1b[r", "\x1b[;r")
        self._plain_drawing = self._charset_ascii and not (self._insert_mode or self._shifted_out)

    def _forget_screen(self) -> None:
        self._shadow_text = [" " * self._columns for _ in range(self._rows)]
        self._shadow_pens = [[UNKNOWN] * self._columns for _ in range(self._rows)]

    def _forget_pens(self) -> None:
        wanted = None if self._wanted == UNKNOWN else self._pens[self._wanted]
        self._pens.clear()
        self._pen_ids.clear()
        self._after_sgr.clear()
        self._deltas.clear()
        self._default = self._intern(Pen())
        self._wanted = UNKNOWN if wanted is None else self._intern(wanted)
        self._sent = UNKNOWN
        self._forget_screen()

    def _apply_new_size(self) -> None:
        size, self._new_size = self._new_size, None
        assert size is not None
        self._columns, self._rows = size
        self._forget_screen()
        self._row = self._terminal_row = None
