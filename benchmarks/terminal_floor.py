"""The fewest bytes a cell-diffing renderer would send to turn one screen into the next.

Model: only cells whose character or style changed are written. Each run of adjacent
changed cells in a row starts with a cursor move (the shorter of an absolute move and a
move right on the same row); a style change costs one SGR carrying only what differs
from the current pen (with a reset when an attribute must be switched off); then the
characters in UTF-8. Colours are encoded as the measured colour mode sends them:
`38;2;r;g;b` in truecolor, `38;5;n` in 256 colours, `3n`/`9n` for the 16 named ones.
It is a floor, not an optimum: a renderer could do slightly better by rewriting short
unchanged gaps instead of moving the cursor, but never by much.
"""

from __future__ import annotations

from pyte.graphics import BG_AIXTERM, BG_ANSI, FG_AIXTERM, FG_ANSI, FG_BG_256
from pyte.screens import Char
from terminal_pty import Snapshot

ATTRIBUTES = (
    ("bold", "1"),
    ("italics", "3"),
    ("underscore", "4"),
    ("blink", "5"),
    ("reverse", "7"),
    ("strikethrough", "9"),
)
FG_NAMED = {name: str(code) for code, name in {**FG_ANSI, **FG_AIXTERM}.items()}
BG_NAMED = {name: str(code) for code, name in {**BG_ANSI, **BG_AIXTERM}.items()}
# The 256-colour palette repeats some colours; the lowest index is the shortest to send.
PALETTE_INDEX = {colour: index for index, colour in reversed(list(enumerate(FG_BG_256)))}


def colour_parameter(colour: str, foreground: bool, truecolor: bool) -> str:
    named = FG_NAMED if foreground else BG_NAMED
    if colour == "default":
        return "39" if foreground else "49"
    if colour in named:
        return named[colour]
    prefix = "38" if foreground else "48"
    if not truecolor and colour in PALETTE_INDEX:
        return f"{prefix};5;{PALETTE_INDEX[colour]}"
    red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"{prefix};2;{red};{green};{blue}"


def sgr_cost(pen: Char, style: Char, truecolor: bool) -> int:
    """Bytes of the one SGR that moves the pen from `pen` to `style`."""
    switched_off = any(getattr(pen, name) and not getattr(style, name) for name, _ in ATTRIBUTES)
    start = Char(" ") if switched_off else pen
    parameters = ["0"] if switched_off else []
    parameters += [
        code for name, code in ATTRIBUTES if getattr(style, name) and not getattr(start, name)
    ]
    if style.fg != start.fg:
        parameters.append(colour_parameter(style.fg, True, truecolor))
    if style.bg != start.bg:
        parameters.append(colour_parameter(style.bg, False, truecolor))
    return len("\x1b[" + ";".join(parameters) + "m")


def cursor_move_cost(row: int, column: int, cursor: tuple[int, int]) -> int:
    absolute = len(f"\x1b[{row + 1};{column + 1}H")
    cursor_row, cursor_column = cursor
    if cursor_row == row and column > cursor_column:
        return min(absolute, len(f"\x1b[{column - cursor_column}C"))
    return absolute


def diff_cost(before: Snapshot, after: Snapshot, truecolor: bool) -> int:
    """Bytes to turn screen `before` into screen `after` under the model above."""
    total = 0
    pen = Char(" ")
    cursor = (-1, -1)
    for row, (old_line, new_line) in enumerate(zip(before, after)):
        if old_line == new_line:
            continue
        for column, (old, new) in enumerate(zip(old_line, new_line)):
            if old == new or new.data == "":  # "" is the right half of a wide character
                continue
            if cursor != (row, column):
                total += cursor_move_cost(row, column, cursor)
            if new[1:] != pen[1:]:  # the style: fg, bg and attributes
                total += sgr_cost(pen, new, truecolor)
                pen = new
            total += len(new.data.encode())
            wide = column + 1 < len(new_line) and new_line[column + 1].data == ""
            cursor = (row, column + (2 if wide else 1))
    return total
