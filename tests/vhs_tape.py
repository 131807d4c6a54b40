"""A parser for VHS tape files, so tests can read demo.tape the way VHS will.

The grammar is the one in VHS.md (charmbracelet/vhs): comments, three string quotes, bare
words, numbers with time units, several commands per line. `parse_tape(text)` returns a list
of commands; anything VHS would reject raises `TapeError` naming the line.

One simplification: a command and its arguments stay on one line (VHS tapes are written
that way), which keeps optional arguments such as a key's repeat count unambiguous.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path


class TapeError(ValueError):
    """A tape that VHS would not accept; the message starts with `line N:`."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


# --- Commands -----------------------------------------------------------------------------
# `line` is where the command stands; it is left out of equality so tests can compare
# commands by meaning.


@dataclass(frozen=True)
class Command:
    line: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True)
class Output(Command):
    path: str


@dataclass(frozen=True)
class Require(Command):
    program: str


@dataclass(frozen=True)
class Set(Command):
    setting: str
    value: str | float | bool


@dataclass(frozen=True)
class Type(Command):
    text: str
    delay: float | None = None  # seconds per character; None: the TypingSpeed setting


@dataclass(frozen=True)
class Sleep(Command):
    seconds: float


@dataclass(frozen=True)
class Key(Command):
    """A named key such as Enter or Left, pressed `count` times."""

    key: str
    count: int = 1
    delay: float | None = None


@dataclass(frozen=True)
class KeyCombo(Command):
    """A key pressed with modifiers held, e.g. Ctrl+Q -> modifiers ("Ctrl",), key "Q"."""

    modifiers: tuple[str, ...]
    key: str


@dataclass(frozen=True)
class Hide(Command):
    pass


@dataclass(frozen=True)
class Show(Command):
    pass


@dataclass(frozen=True)
class Wait(Command):
    scope: str = "Line"  # "Line" or "Screen"
    timeout: float | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class Screenshot(Command):
    path: str


@dataclass(frozen=True)
class Copy(Command):
    text: str


@dataclass(frozen=True)
class Paste(Command):
    pass


@dataclass(frozen=True)
class Env(Command):
    name: str
    value: str


@dataclass(frozen=True)
class Source(Command):
    path: str


# --- Vocabulary ---------------------------------------------------------------------------

KEYS = (
    "Enter", "Space", "Tab", "Backspace", "Delete", "Insert", "Escape",
    "Up", "Down", "Left", "Right", "PageUp", "PageDown", "ScrollUp", "ScrollDown",
)  # fmt: skip
MODIFIERS = ("Ctrl", "Alt", "Shift")
SETTINGS = (
    "Shell", "FontFamily", "FontSize", "Width", "Height", "LetterSpacing", "LineHeight",
    "TypingSpeed", "Theme", "Padding", "Margin", "MarginFill", "WindowBar", "WindowBarSize",
    "BorderRadius", "Framerate", "PlaybackSpeed", "LoopOffset", "CursorBlink", "WaitTimeout",
    "WaitPattern",
)  # fmt: skip
OUTPUT_EXTENSIONS = (".gif", ".mp4", ".webm", ".ascii", ".txt")
WINDOW_BARS = ("Colorful", "ColorfulRight", "Rings", "RingsRight")

_SIMPLE_COMMANDS = (
    "Output", "Require", "Set", "Type", "Sleep", "Hide", "Show", "Wait",
    "Screenshot", "Copy", "Paste", "Env", "Source",
)  # fmt: skip
KEYWORDS = frozenset((*_SIMPLE_COMMANDS, *KEYS, *MODIFIERS, *SETTINGS))

# Keys allowed after the modifiers (VHS.md: "Ctrl[+Alt][+Shift]+<X>", "Alt+<X>", "Shift+<X>").
_CTRL_NAMED_KEYS = ("Enter", "Space", "Backspace", "Up", "Down", "Left", "Right")
_CTRL_SYMBOLS = "-@[]^\\"
_ALT_SHIFT_NAMED_KEYS = ("Enter", "Tab")
_ALT_SHIFT_SYMBOLS = "[]"

# Commands after which only TypingSpeed may still be Set.
_SETUP_COMMANDS = (Output, Require, Set, Env, Source)

_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)")
_TIME = re.compile(r"(?P<number>\d+(?:\.\d*)?|\.\d+)(?P<unit>ms|s|m)?")
_SECONDS_PER_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


# --- Lexing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    text: str
    quoted: bool

    @property
    def is_keyword(self) -> bool:
        return not self.quoted and _head(self.text) in KEYWORDS

    @property
    def is_number(self) -> bool:
        return not self.quoted and _TIME.fullmatch(self.text) is not None

    @property
    def is_string(self) -> bool:
        """A quoted string, or a bare word that is neither a keyword nor a number."""
        return self.quoted or not (self.is_keyword or self.is_number)


def _head(text: str) -> str:
    """The keyword part of a bare word: `Type@50ms` -> `Type`, `Ctrl+Q` -> `Ctrl`."""
    return re.split(r"[@+]", text, maxsplit=1)[0]


class _LineScanner:
    """Reads the words of one line, stopping at a `#` comment."""

    def __init__(self, text: str, line: int) -> None:
        self.text = text
        self.line = line
        self.pos = 0

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def at_end(self) -> bool:
        self._skip_space()
        return self.pos >= len(self.text) or self.text[self.pos] == "#"

    def peek(self) -> _Word | None:
        saved = self.pos
        word = self.next()
        self.pos = saved
        return word

    def next(self) -> _Word | None:
        if self.at_end():
            return None
        quote = self.text[self.pos]
        if quote in "\"'`":
            end = self.text.find(quote, self.pos + 1)
            if end < 0:
                raise TapeError(self.line, f"string starting with {quote} is not closed")
            word = _Word(self.text[self.pos + 1 : end], quoted=True)
            self.pos = end + 1
            return word
        start = self.pos
        while self.pos < len(self.text) and not self.text[self.pos].isspace():
            self.pos += 1
        return _Word(self.text[start : self.pos], quoted=False)

    def next_regex(self) -> str | None:
        """A `/regex/` if one comes next, else None (and nothing is consumed)."""
        if self.at_end() or self.text[self.pos] != "/":
            return None
        end = self.text.find("/", self.pos + 1)
        if end < 0:
            raise TapeError(self.line, "regular expression starting with / is not closed")
        pattern = self.text[self.pos + 1 : end]
        self.pos = end + 1
        try:
            re.compile(pattern)
        except re.error as err:
            raise TapeError(self.line, f"bad regular expression /{pattern}/: {err}") from None
        return pattern

    def next_json_object(self) -> str | None:
        """A `{...}` JSON object filling the rest of the line if one comes next, else None."""
        if self.at_end() or self.text[self.pos] != "{":
            return None
        text = self.text[self.pos :].strip()
        try:
            json.loads(text)
        except json.JSONDecodeError as err:
            raise TapeError(self.line, f"bad JSON object: {err}") from None
        self.pos = len(self.text)
        return text


# --- Parsing ------------------------------------------------------------------------------


def parse_tape(text: str) -> list[Command]:
    """Every command of a tape, in order. Raises TapeError on the first problem."""
    commands: list[Command] = []
    for number, line_text in enumerate(text.splitlines(), start=1):
        scanner = _LineScanner(line_text, number)
        while not scanner.at_end():
            command = _parse_command(scanner)
            _check_set_placement(command, commands)
            commands.append(command)
    return commands


def parse_tape_file(path: str | Path) -> list[Command]:
    return parse_tape(Path(path).read_text(encoding="utf-8"))


def _check_set_placement(command: Command, earlier: list[Command]) -> None:
    if not isinstance(command, Set) or command.setting == "TypingSpeed":
        return
    if any(not isinstance(c, _SETUP_COMMANDS) for c in earlier):
        raise TapeError(
            command.line,
            f"Set {command.setting} must come before the first action "
            "(only TypingSpeed may change later)",
        )


def _parse_command(scanner: _LineScanner) -> Command:
    line = scanner.line
    word = scanner.next()
    assert word is not None  # the caller checked at_end()
    if not word.is_keyword:
        shown = f'"{word.text}"' if word.quoted else word.text
        raise TapeError(line, f"unknown command {shown}")
    if word.text.startswith(tuple(f"{m}+" for m in MODIFIERS)) or word.text in MODIFIERS:
        return _parse_combo(word.text, line)

    name, _, delay_text = word.text.partition("@")
    delay = _parse_delay(name, delay_text, line) if "@" in word.text else None
    name, _, scope = name.partition("+")
    if scope and name != "Wait":
        raise TapeError(line, f"{word.text}: only Wait takes +Screen or +Line")
    if delay is not None and name not in ("Type", "Wait", *KEYS):
        raise TapeError(line, f"{name} does not take @<time>")

    if name in KEYS:
        return Key(name, count=_parse_count(scanner, name), delay=delay, line=line)
    if name == "Wait":
        return _parse_wait(scanner, scope, delay)
    if name == "Type":
        return Type(_parse_strings(scanner, "Type"), delay=delay, line=line)
    if name == "Copy":
        return Copy(_parse_strings(scanner, "Copy"), line=line)
    if name == "Sleep":
        seconds = _parse_time(_expect(scanner, "Sleep", "a time such as 500ms"), line)
        return Sleep(seconds, line=line)
    if name in ("Hide", "Show", "Paste"):
        return {"Hide": Hide, "Show": Show, "Paste": Paste}[name](line=line)
    if name == "Set":
        return _parse_set(scanner)
    if name == "Env":
        return _parse_env(scanner)
    if name in _PATH_COMMANDS:
        return _parse_path_command(name, scanner)
    raise TapeError(line, f"{name} is a setting, not a command (write Set {name} <value>)")


def _expect(scanner: _LineScanner, command: str, what: str) -> _Word:
    word = scanner.next()
    if word is None:
        raise TapeError(scanner.line, f"{command} needs {what}")
    return word


def _parse_time(word: _Word, line: int) -> float:
    """`500ms`, `2s`, `1m`, `1.5` (seconds) -> seconds."""
    match = None if word.quoted else _TIME.fullmatch(word.text)
    if match is None:
        raise TapeError(line, f"{word.text!r} is not a time (write e.g. 500ms, 2s, 1m or 1.5)")
    return float(match["number"]) * _SECONDS_PER_UNIT[match["unit"]]


def _parse_delay(command: str, text: str, line: int) -> float:
    seconds = _parse_time(_Word(text, quoted=False), line)
    if command.startswith("Wait") and seconds <= 0:
        raise TapeError(line, f"{command}@{text}: the timeout must be positive")
    return seconds


def _parse_count(scanner: _LineScanner, key: str) -> int:
    word = scanner.peek()
    if word is None or not word.is_number:
        return 1
    scanner.next()
    if not word.text.isdigit() or int(word.text) < 1:
        raise TapeError(scanner.line, f"{key} {word.text}: the count must be a whole number >= 1")
    return int(word.text)


def _parse_strings(scanner: _LineScanner, command: str) -> str:
    """One or more strings; several are joined by one space, as VHS does."""
    parts: list[str] = []
    while (word := scanner.peek()) is not None and word.is_string:
        parts.append(word.text)
        scanner.next()
    if not parts:
        found = f" (found {word.text})" if word is not None else ""
        raise TapeError(scanner.line, f'{command} needs a string such as "text"{found}')
    return " ".join(parts)


def _parse_combo(text: str, line: int) -> KeyCombo:
    if "+" not in text:
        raise TapeError(line, f"{text} needs +<key> (e.g. {text}+C)")
    *modifiers, key = text.split("+")
    if not key:
        raise TapeError(line, f"{text}: a key must follow the modifiers (e.g. Ctrl+Q)")
    if modifiers[0] == "Ctrl":
        if modifiers[1:] not in ([], ["Alt"], ["Shift"], ["Alt", "Shift"]):
            raise TapeError(line, f"{text}: write Ctrl[+Alt][+Shift]+<key>")
        named, symbols = _CTRL_NAMED_KEYS, _CTRL_SYMBOLS
    else:
        if len(modifiers) != 1:
            raise TapeError(line, f"{text}: {modifiers[0]}+ takes one key (e.g. Alt+B)")
        named, symbols = _ALT_SHIFT_NAMED_KEYS, _ALT_SHIFT_SYMBOLS
    single_character = len(key) == 1 and (key.isalnum() or key in symbols)
    if not (single_character or key in named):
        allowed = ", ".join([*named, *symbols])
        raise TapeError(
            line, f"{text}: {key!r} cannot follow {modifiers[0]}+ (allowed: a letter, {allowed})"
        )
    return KeyCombo(tuple(modifiers), key, line=line)


def _parse_wait(scanner: _LineScanner, scope: str, timeout: float | None) -> Wait:
    if scope not in ("", "Line", "Screen"):
        raise TapeError(scanner.line, f"Wait+{scope}: write Wait, Wait+Line or Wait+Screen")
    pattern = scanner.next_regex()
    return Wait(scope or "Line", timeout=timeout, pattern=pattern, line=scanner.line)


def _parse_env(scanner: _LineScanner) -> Env:
    name = _expect(scanner, "Env", "a variable name and a value")
    if name.quoted or not _ENV_NAME.fullmatch(name.text):
        raise TapeError(scanner.line, f"Env {name.text!r}: not a variable name")
    value = _expect(scanner, "Env", f'a value after {name.text} (e.g. "truecolor")')
    if not value.is_string:
        raise TapeError(scanner.line, f'Env {name.text}: the value must be a string ("…")')
    return Env(name.text, value.text, line=scanner.line)


# command -> (its class, the endings its path may have (None: any), what it needs)
_PATH_COMMANDS = {
    "Output": (
        Output,
        (*OUTPUT_EXTENSIONS, "/"),
        "a path ending in " + ", ".join(OUTPUT_EXTENSIONS),
    ),
    "Screenshot": (Screenshot, (".png",), "a path ending in .png"),
    "Source": (Source, (".tape",), "a path ending in .tape"),
    "Require": (Require, None, "a program name"),
}


def _parse_path_command(name: str, scanner: _LineScanner) -> Command:
    command_class, endings, what = _PATH_COMMANDS[name]
    word = _expect(scanner, name, what)
    if not word.is_string or (endings is not None and not word.text.endswith(endings)):
        raise TapeError(scanner.line, f"{name} {word.text}: expected {what}")
    return command_class(word.text, line=scanner.line)


# --- Settings -----------------------------------------------------------------------------


def _parse_set(scanner: _LineScanner) -> Set:
    line = scanner.line
    setting = _expect(scanner, "Set", "a setting and a value")
    if setting.quoted or setting.text not in SETTINGS:
        raise TapeError(line, f"unknown setting {setting.text!r} (known: {', '.join(SETTINGS)})")
    name = setting.text
    if name == "WaitPattern" and (pattern := scanner.next_regex()) is not None:
        return Set(name, pattern, line=line)
    if name == "Theme" and (theme := scanner.next_json_object()) is not None:
        return Set(name, theme, line=line)
    value = _expect(scanner, f"Set {name}", "a value")
    return Set(name, _setting_value(name, value, line), line=line)


def _setting_value(name: str, word: _Word, line: int) -> str | float | bool:
    text = word.text

    def bad(allowed: str) -> TapeError:
        return TapeError(line, f"Set {name} {text}: expected {allowed}")

    if name in ("TypingSpeed", "WaitTimeout"):
        return _parse_time(word, line)
    if name in ("Width", "Height", "WindowBarSize", "BorderRadius", "Framerate"):
        if not text.isdigit() or (int(text) == 0 and name in ("Width", "Height", "Framerate")):
            raise bad("a whole number" + (" >= 1" if name in ("Width", "Height") else ""))
        return int(text)
    if name in ("FontSize", "LetterSpacing", "LineHeight", "Padding", "Margin", "PlaybackSpeed"):
        if not _NUMBER.fullmatch(text):
            raise bad("a number")
        return float(text)
    if name == "LoopOffset":
        if not _NUMBER.fullmatch(text.removesuffix("%")):
            raise bad("a number, optionally with % (e.g. 50%)")
        return float(text.removesuffix("%"))
    if name == "CursorBlink":
        if text not in ("true", "false"):
            raise bad("true or false")
        return text == "true"
    if name == "WindowBar" and text not in WINDOW_BARS:
        raise bad("one of " + ", ".join(WINDOW_BARS))
    if name == "MarginFill" and text.startswith("#") and not _HEX_COLOUR.fullmatch(text):
        raise bad('a colour "#rrggbb" or an image path')
    if name == "WaitPattern":
        try:
            re.compile(text)
        except re.error as err:
            raise bad(f"a regular expression ({err})") from None
    if not word.is_string:
        raise bad("a string")
    return text
