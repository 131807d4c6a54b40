"""What a frame would cost if its SGR sequences said only what changes.

Rich and Textual write every segment as `ESC[<full style>m text ESC[0m`: the whole style
again, then a reset. A writer that remembers the terminal's current pen (colours and
attributes) can drop the reset and send only the parameters that differ. This module
re-encodes a recorded frame that way, without touching anything else, to show what such a
filter (for instance in a Driver's write) would save.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
OTHER_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")
ATTRIBUTE_ON = {
    1: "bold",
    2: "dim",
    3: "italic",
    4: "underline",
    5: "blink",
    7: "reverse",
    8: "conceal",
    9: "strike",
}
ATTRIBUTE_OFF = {
    22: ("bold", "dim"),
    23: ("italic",),
    24: ("underline",),
    25: ("blink",),
    27: ("reverse",),
    28: ("conceal",),
    29: ("strike",),
}
ATTRIBUTE_CODE = {name: str(code) for code, name in ATTRIBUTE_ON.items()}


@dataclass(frozen=True)
class Pen:
    foreground: str = "39"  # the SGR parameters that set it, e.g. "38;2;8;119;189"
    background: str = "49"
    attributes: frozenset[str] = frozenset()


def apply_sgr(pen: Pen, parameters: str) -> Pen:
    """The pen after one SGR sequence with these parameters."""
    codes = [int(code) if code else 0 for code in re.split("[;:]", parameters)]
    index = 0
    while index < len(codes):
        code = codes[index]
        if code == 0:
            pen = Pen()
        elif code in ATTRIBUTE_ON:
            pen = replace(pen, attributes=pen.attributes | {ATTRIBUTE_ON[code]})
        elif code in ATTRIBUTE_OFF:
            pen = replace(pen, attributes=pen.attributes - set(ATTRIBUTE_OFF[code]))
        elif code in (38, 48):  # extended colour: 5;n or 2;r;g;b
            length = 3 if index + 1 < len(codes) and codes[index + 1] == 5 else 5
            colour = ";".join(str(c) for c in codes[index : index + length])
            index += length - 1
            pen = replace(pen, **{"foreground" if code == 38 else "background": colour})
        elif 30 <= code <= 39 or 90 <= code <= 97:
            pen = replace(pen, foreground=str(code))
        elif 40 <= code <= 49 or 100 <= code <= 107:
            pen = replace(pen, background=str(code))
        index += 1
    return pen


def delta(before: Pen, after: Pen) -> str:
    """The shortest SGR (in this simple scheme) that turns pen `before` into `after`."""
    if before == after:
        return ""
    if before.attributes - after.attributes:
        before, parameters = Pen(), ["0"]
    else:
        parameters = []
    parameters += sorted(ATTRIBUTE_CODE[a] for a in after.attributes - before.attributes)
    if after.foreground != before.foreground:
        parameters.append(after.foreground)
    if after.background != before.background:
        parameters.append(after.background)
    return "\x1b[" + ";".join(parameters) + "m"


def with_delta_sgr(frame: str, pen: Pen = Pen()) -> str:
    """The frame with each run of SGRs replaced by one delta, sent just before the text
    that needs it (an SGR that is overridden before any text costs nothing)."""
    pieces: list[str] = []
    sent = wanted = pen
    position = 0
    for match in SGR.finditer(frame):
        between = frame[position : match.start()]
        if OTHER_ESCAPES.sub("", between):  # text is drawn here: the pen must be right
            pieces.append(delta(sent, wanted))
            sent = wanted
        pieces.append(between)
        wanted = apply_sgr(wanted, match.group(1))
        position = match.end()
    tail = frame[position:]
    if OTHER_ESCAPES.sub("", tail):
        pieces.append(delta(sent, wanted))
        sent = wanted
    pieces += [tail, delta(sent, wanted)]  # leave the pen as the frame left it
    return "".join(pieces)
