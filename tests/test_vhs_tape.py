"""The VHS tape parser reads what VHS reads and rejects what VHS rejects, with a line number."""

import pytest
from vhs_tape import (
    Copy,
    Env,
    Hide,
    Key,
    KeyCombo,
    Output,
    Paste,
    Require,
    Screenshot,
    Set,
    Show,
    Sleep,
    Source,
    TapeError,
    Type,
    Wait,
    parse_tape,
)

# --- Lexing -------------------------------------------------------------------------------


def test_comments_and_blank_lines_yield_nothing() -> None:
    assert parse_tape("# a tape\n\n   # indented comment\n") == []


def test_a_comment_ends_the_line_after_a_command() -> None:
    assert parse_tape("Sleep 1s # wait for the app\n") == [Sleep(1.0)]


def test_a_hash_inside_a_string_is_text_not_a_comment() -> None:
    assert parse_tape('Type "a # b"') == [Type("a # b")]


@pytest.mark.parametrize("quoted", ['"it\'s"', "'say \"hi\"'", "`both ' and \"`"])
def test_each_of_the_three_quotes_delimits_a_string(quoted: str) -> None:
    (command,) = parse_tape(f"Type {quoted}")
    assert command == Type(quoted[1:-1])


def test_a_backslash_is_not_an_escape() -> None:
    assert parse_tape(r'Type "a\nb"') == [Type("a\\nb")]


def test_a_bare_word_that_is_not_a_keyword_is_a_string() -> None:
    assert parse_tape("Set Shell bash\nType o") == [Set("Shell", "bash"), Type("o")]


def test_several_bare_strings_are_joined_by_one_space() -> None:
    assert parse_tape("Type hello   world") == [Type("hello world")]


def test_several_commands_share_a_line() -> None:
    assert parse_tape('Type "x" Sleep 500ms Enter') == [Type("x"), Sleep(0.5), Key("Enter")]


def test_commands_remember_their_line() -> None:
    commands = parse_tape("Hide\n\n# note\nShow Sleep 1")
    assert [c.line for c in commands] == [1, 4, 4]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("12", 12.0), ("1.5", 1.5), (".5", 0.5), ("500ms", 0.5), ("2s", 2.0), ("1m", 60.0)],
)
def test_times_take_ms_s_or_m_and_a_bare_number_is_seconds(text: str, seconds: float) -> None:
    assert parse_tape(f"Sleep {text}") == [Sleep(seconds)]


# --- Commands -----------------------------------------------------------------------------


def test_the_minimal_tape_from_the_docs_parses_to_its_commands() -> None:
    tape = """
Output demo.gif
Set FontSize 16
Set Width 1200
Set Height 700
Env COLORTERM "truecolor"
Hide
Type "tuiplay --preset video-circle" Enter
Sleep 2s
Show
Space
Sleep 3s
Type "+"
Sleep 1s
Ctrl+Q
"""
    assert parse_tape(tape) == [
        Output("demo.gif"),
        Set("FontSize", 16.0),
        Set("Width", 1200),
        Set("Height", 700),
        Env("COLORTERM", "truecolor"),
        Hide(),
        Type("tuiplay --preset video-circle"),
        Key("Enter"),
        Sleep(2.0),
        Show(),
        Key("Space"),
        Sleep(3.0),
        Type("+"),
        Sleep(1.0),
        KeyCombo(("Ctrl",), "Q"),
    ]


@pytest.mark.parametrize("path", ["a.gif", "a.mp4", "a.webm", "a.ascii", "out/a.txt", "frames/"])
def test_output_accepts_the_video_text_and_frame_folder_targets(path: str) -> None:
    assert parse_tape(f"Output {path}") == [Output(path)]


def test_type_takes_a_per_character_delay() -> None:
    assert parse_tape('Type@80ms "abc"') == [Type("abc", delay=0.08)]


def test_a_key_takes_an_optional_delay_and_count() -> None:
    assert parse_tape("Left Backspace 3 Enter@200ms ScrollDown@1 2") == [
        Key("Left"),
        Key("Backspace", count=3),
        Key("Enter", delay=0.2),
        Key("ScrollDown", count=2, delay=1.0),
    ]


@pytest.mark.parametrize(
    "key",
    [
        "Enter", "Space", "Tab", "Backspace", "Delete", "Insert", "Escape", "Up", "Down",
        "Left", "Right", "PageUp", "PageDown", "ScrollUp", "ScrollDown",
    ],
)  # fmt: skip
def test_every_named_key_is_a_command(key: str) -> None:
    assert parse_tape(key) == [Key(key)]


@pytest.mark.parametrize(
    ("text", "modifiers", "key"),
    [
        ("Ctrl+C", ("Ctrl",), "C"),
        ("Ctrl+Alt+Shift+P", ("Ctrl", "Alt", "Shift"), "P"),
        ("Ctrl+Shift+Enter", ("Ctrl", "Shift"), "Enter"),
        ("Ctrl+\\", ("Ctrl",), "\\"),
        ("Ctrl+@", ("Ctrl",), "@"),
        ("Ctrl+Left", ("Ctrl",), "Left"),
        ("Alt+]", ("Alt",), "]"),
        ("Alt+Enter", ("Alt",), "Enter"),
        ("Shift+Tab", ("Shift",), "Tab"),
        ("Shift+a", ("Shift",), "a"),
    ],
)
def test_modifier_combos_name_their_modifiers_and_key(
    text: str, modifiers: tuple[str, ...], key: str
) -> None:
    assert parse_tape(text) == [KeyCombo(modifiers, key)]


def test_hide_show_copy_paste_screenshot_source_require() -> None:
    tape = 'Require tuiplay\nSource setup.tape\nHide Show Copy "a b" Paste Screenshot s.png'
    assert parse_tape(tape) == [
        Require("tuiplay"),
        Source("setup.tape"),
        Hide(),
        Show(),
        Copy("a b"),
        Paste(),
        Screenshot("s.png"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wait", Wait()),
        ("Wait /\\$ $/", Wait(pattern="\\$ $")),
        ("Wait+Screen /Epoch [0-9]+/", Wait("Screen", pattern="Epoch [0-9]+")),
        ("Wait+Line@10s", Wait("Line", timeout=10.0)),
        ("Wait@500ms /done/", Wait(timeout=0.5, pattern="done")),
    ],
)
def test_wait_takes_a_scope_a_timeout_and_a_regex(text: str, expected: Wait) -> None:
    assert parse_tape(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Set Shell zsh", Set("Shell", "zsh")),
        ('Set FontFamily "JetBrains Mono"', Set("FontFamily", "JetBrains Mono")),
        ("Set FontSize 14.5", Set("FontSize", 14.5)),
        ("Set LineHeight 1.2", Set("LineHeight", 1.2)),
        ("Set LetterSpacing 1", Set("LetterSpacing", 1.0)),
        ("Set TypingSpeed 75ms", Set("TypingSpeed", 0.075)),
        ('Set Theme "Catppuccin Mocha"', Set("Theme", "Catppuccin Mocha")),
        (
            'Set Theme { "name": "Mine", "black": "#535178" }  ',
            Set("Theme", '{ "name": "Mine", "black": "#535178" }'),
        ),
        ("Set Padding 20", Set("Padding", 20.0)),
        ("Set Margin 10", Set("Margin", 10.0)),
        ('Set MarginFill "#6B50FF"', Set("MarginFill", "#6B50FF")),
        ("Set WindowBar Colorful", Set("WindowBar", "Colorful")),
        ("Set WindowBarSize 40", Set("WindowBarSize", 40)),
        ("Set BorderRadius 8", Set("BorderRadius", 8)),
        ("Set Framerate 30", Set("Framerate", 30)),
        ("Set PlaybackSpeed 0.5", Set("PlaybackSpeed", 0.5)),
        ("Set LoopOffset 50%", Set("LoopOffset", 50.0)),
        ("Set CursorBlink false", Set("CursorBlink", False)),
        ("Set WaitTimeout 1m", Set("WaitTimeout", 60.0)),
        ("Set WaitPattern /ready/", Set("WaitPattern", "ready")),
    ],
)
def test_each_setting_reads_its_kind_of_value(text: str, expected: Set) -> None:
    assert parse_tape(text) == [expected]


def test_env_may_stand_anywhere_and_typing_speed_may_change_later() -> None:
    commands = parse_tape('Type "a"\nEnv A "1"\nSet TypingSpeed 10ms')
    assert commands[1:] == [Env("A", "1"), Set("TypingSpeed", 0.01)]


# --- Errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tape", "line", "message"),
    [
        ("Sleep 1\nJump 3", 2, "unknown command Jump"),
        ("Home", 1, "unknown command Home"),
        ("End", 1, "unknown command End"),
        ('"Enter"', 1, 'unknown command "Enter"'),
        ("42", 1, "unknown command 42"),
        ("FontSize 16", 1, "is a setting, not a command"),
        ('\nType "open', 2, "not closed"),
        ("Type 'open\"", 1, "not closed"),
        ("Type", 1, "Type needs a string"),
        ("Type Enter", 1, "(found Enter)"),
        ("Type 12", 1, "Type needs a string"),
        ("Type@fast 'x'", 1, "'fast' is not a time"),
        ("Copy", 1, "Copy needs a string"),
        ("Sleep", 1, "Sleep needs a time"),
        ("Sleep soon", 1, "'soon' is not a time"),
        ("Sleep 2h", 1, "'2h' is not a time"),
        ('Sleep "2s"', 1, "'2s' is not a time"),
        ("Sleep@1s 2", 1, "Sleep does not take @<time>"),
        ("Enter 0", 1, "the count must be a whole number >= 1"),
        ("Enter 1.5", 1, "the count must be a whole number >= 1"),
        ("Hide+Screen", 1, "only Wait takes +Screen or +Line"),
        ("Ctrl", 1, "Ctrl needs +<key>"),
        ("Ctrl+", 1, "a key must follow the modifiers"),
        ("Ctrl+Home", 1, "'Home' cannot follow Ctrl+"),
        ("Ctrl+Shift+Alt+X", 1, "write Ctrl[+Alt][+Shift]+<key>"),
        ("Ctrl+.", 1, "'.' cannot follow Ctrl+"),
        ("Alt+Shift+X", 1, "Alt+ takes one key"),
        ("Shift+Space", 1, "'Space' cannot follow Shift+"),
        ("Wait+Word", 1, "write Wait, Wait+Line or Wait+Screen"),
        ("Wait@0s", 1, "the timeout must be positive"),
        ("Wait /open", 1, "regular expression starting with / is not closed"),
        ("Wait /(/", 1, "bad regular expression"),
        ("Output demo.png", 1, "Output demo.png: expected a path ending in .gif"),
        ("Output", 1, "Output needs a path"),
        ("Screenshot shot.gif", 1, "expected a path ending in .png"),
        ("Source other.txt", 1, "expected a path ending in .tape"),
        ("Require", 1, "Require needs a program name"),
        ("Env", 1, "Env needs a variable name"),
        ('Env "A B" "1"', 1, "not a variable name"),
        ("Env COLORTERM", 1, "a value after COLORTERM"),
        ("Env N 5", 1, "the value must be a string"),
        ("Set", 1, "Set needs a setting"),
        ("Set Speed 5", 1, "unknown setting 'Speed'"),
        ("Set FontSize", 1, "Set FontSize needs a value"),
        ("Set FontSize big", 1, "Set FontSize big: expected a number"),
        ("Set Width 12.5", 1, "expected a whole number >= 1"),
        ("Set Height 0", 1, "expected a whole number >= 1"),
        ("Set TypingSpeed fast", 1, "'fast' is not a time"),
        ("Set CursorBlink yes", 1, "expected true or false"),
        ("Set WindowBar Square", 1, "expected one of Colorful"),
        ('Set MarginFill "#12345"', 1, 'expected a colour "#rrggbb"'),
        ("Set LoopOffset half", 1, "expected a number, optionally with %"),
        ("Set WaitPattern /[/", 1, "bad regular expression"),
        ('Set Theme { "name": Mine }', 1, "bad JSON object"),
        ("Set Shell 5", 1, "Set Shell 5: expected a string"),
        ("Output a.gif\nShow\nSet FontSize 20", 3, "Set FontSize must come before the first"),
    ],
)
def test_a_bad_tape_raises_an_error_naming_the_line(tape: str, line: int, message: str) -> None:
    with pytest.raises(TapeError) as caught:
        parse_tape(tape)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: ")
    assert message in str(caught.value)
