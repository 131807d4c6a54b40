"""The screen diff: the terminal shows the same screen, from only the cells that changed."""

from __future__ import annotations

import random

import pyte
import pytest
from rich.color import ColorSystem
from rich.style import Style

from tuiplay.ui.screen_diff import ScreenDiff

BLUE_ON_GREY = "\x1b[38;2;8;119;189;48;2;40;40;40m"
ORANGE_ON_GREY = "\x1b[38;2;245;147;34;48;2;40;40;40m"
RESET = "\x1b[0m"
SYNC_START, SYNC_END = "\x1b[?2026h", "\x1b[?2026l"
COLUMNS, ROWS = 40, 12


def filtered(*writes: str, columns: int = COLUMNS, rows: int = ROWS) -> str:
    diff = ScreenDiff(columns, rows)
    return "".join(diff.feed(data) for data in writes)


def after_reset() -> ScreenDiff:
    """A screen diff that has seen a reset, so the pen is known from the first segment on."""
    diff = ScreenDiff(COLUMNS, ROWS)
    diff.feed(RESET)
    return diff


def segment(style: str, text: str) -> str:
    """A segment as Rich writes it."""
    return f"{style}{text}{RESET}"


def frame(*spans: tuple[int, int, str], cursor: tuple[int, int] = (1, 1)) -> str:
    """A frame as Textual writes it: each (row, column, segments) span after a cursor move,
    a line feed between spans, a final cursor move, all inside synchronized-update markers."""
    body = "\n".join(f"\x1b[{row};{column}H{segments}" for row, column, segments in spans)
    return f"{SYNC_START}{body}\x1b[{cursor[0]};{cursor[1]}H{SYNC_END}"


# Colours as changes from the terminal's pen


def test_a_reset_between_two_styles_becomes_only_the_colour_that_changes() -> None:
    stream = f"{RESET}{segment(BLUE_ON_GREY, 'ab')}{segment(ORANGE_ON_GREY, 'cd')}"

    assert filtered(stream) == f"\x1b[0;{BLUE_ON_GREY[2:]}ab\x1b[38;2;245;147;34mcd"


def test_the_same_style_again_sends_nothing() -> None:
    stream = f"{RESET}{segment(BLUE_ON_GREY, 'ab')}{segment(BLUE_ON_GREY, 'cd')}"

    assert filtered(stream) == f"\x1b[0;{BLUE_ON_GREY[2:]}abcd"


def test_dropping_bold_uses_its_off_code_when_that_is_shorter_than_a_reset() -> None:
    stream = f"{RESET}\x1b[1;38;2;8;119;189;48;2;40;40;40mX{RESET}{BLUE_ON_GREY}Y"

    assert filtered(stream).endswith("X\x1b[22mY")


def test_switching_off_bold_keeps_dim_on() -> None:
    stream = f"{RESET}\x1b[1;2;94mX{RESET}\x1b[2;94mY"

    assert filtered(stream) == "\x1b[0;1;2;94mX\x1b[22;2mY"


def test_a_reset_is_chosen_when_it_is_shorter_than_switching_off() -> None:
    stream = f"{RESET}\x1b[1;2mX{RESET}\x1b[2mY"

    assert filtered(stream) == "\x1b[0;1;2mX\x1b[0;2mY"


def test_a_reset_with_nothing_drawn_after_it_waits_until_something_needs_the_pen() -> None:
    diff = ScreenDiff(COLUMNS, ROWS)

    assert diff.feed(f"{RESET}{BLUE_ON_GREY}ab{RESET}") == f"\x1b[0;{BLUE_ON_GREY[2:]}ab"
    assert diff.feed("cd") == "\x1b[mcd"


def test_an_sgr_split_across_two_writes_is_held_back_until_it_is_complete() -> None:
    diff = ScreenDiff(COLUMNS, ROWS)

    assert diff.feed(f"{RESET}ab\x1b[38;2;8;1") == "\x1b[mab"
    assert diff.feed("19;189mcd") == "\x1b[38;2;8;119;189mcd"


def test_an_sgr_with_codes_it_does_not_model_is_sent_as_is() -> None:
    stream = f"{RESET}\x1b[1mA\x1b[4:3mB\x1b[53mC{RESET}D"

    assert filtered(stream) == "\x1b[0;1mA\x1b[4:3mB\x1b[53mC\x1b[mD"


def test_before_the_first_reset_styles_pass_through_because_the_pen_is_unknown() -> None:
    stream = f"\x1b[1mA{RESET}B"

    assert filtered(stream) == "\x1b[1mA\x1b[mB"


def test_the_pen_is_forgotten_after_the_alternate_screen_and_a_terminal_reset() -> None:
    for pen_changing in ("\x1b[?1049h", "\x1b[?1049l", "\x1bc", "\x1b8"):
        stream = f"{RESET}{BLUE_ON_GREY}a{pen_changing}{RESET}{BLUE_ON_GREY}b"

        assert filtered(stream) == (
            f"\x1b[0;{BLUE_ON_GREY[2:]}a{pen_changing}\x1b[0;{BLUE_ON_GREY[2:]}b"
        ), repr(pen_changing)


def test_an_erase_gets_the_background_it_would_fill_with() -> None:
    stream = f"{RESET}{BLUE_ON_GREY}\x1b[K"

    assert filtered(stream) == f"\x1b[0;{BLUE_ON_GREY[2:]}\x1b[K"


# Only the cells that changed


def test_an_unchanged_frame_sends_nothing_not_even_its_synchronized_update_markers() -> None:
    first = frame((1, 1, segment(BLUE_ON_GREY, "ab") + segment(ORANGE_ON_GREY, "cd")))
    diff = after_reset()
    diff.feed(first)

    assert diff.feed(first) == ""
    assert [diff.feed(part) for part in (SYNC_START, first[8:-8], SYNC_END)] == ["", "", ""]


def test_a_one_cell_change_sends_a_cursor_move_and_that_cell() -> None:
    before = frame((3, 1, segment(BLUE_ON_GREY, "abcdef")), cursor=(1, 1))
    after = frame((3, 1, segment(BLUE_ON_GREY, "abcXef")), cursor=(1, 1))
    diff = after_reset()
    diff.feed(before)

    assert diff.feed(after) == f"{SYNC_START}\x1b[3;4HX\x1b[H{SYNC_END}"


def test_a_cell_whose_colour_changed_is_sent_with_only_the_colour() -> None:
    before = frame((1, 1, segment(BLUE_ON_GREY, "ab")), cursor=(1, 3))
    after = frame((1, 1, segment(BLUE_ON_GREY, "a") + segment(ORANGE_ON_GREY, "b")), cursor=(1, 3))
    diff = after_reset()
    diff.feed(before)

    # back one column on the same row, the new foreground only, the cell
    assert diff.feed(after) == f"{SYNC_START}\x1b[2G\x1b[38;2;245;147;34mb{SYNC_END}"


def test_a_short_unchanged_gap_is_sent_again_instead_of_moving_over_it() -> None:
    before = frame((1, 1, segment(BLUE_ON_GREY, "abcdefgh")), cursor=(1, 9))
    after = frame((1, 1, segment(BLUE_ON_GREY, "XbcDefgh")), cursor=(1, 9))
    diff = after_reset()
    diff.feed(before)

    # "X", then "bc" again (two bytes) rather than a cursor move (four), then "D"
    assert diff.feed(after) == f"{SYNC_START}\x1b[GXbcD\x1b[4C{SYNC_END}"


def test_a_long_unchanged_gap_is_moved_over() -> None:
    before = frame((2, 1, segment(BLUE_ON_GREY, "abcdefghij")), cursor=(1, 1))
    after = frame((2, 1, segment(BLUE_ON_GREY, "XbcdefghiY")), cursor=(1, 1))
    diff = after_reset()
    diff.feed(before)

    assert diff.feed(after) == f"{SYNC_START}\x1b[2HX\x1b[8CY\x1b[H{SYNC_END}"


def test_line_feeds_between_spans_are_not_sent_when_a_cursor_move_follows() -> None:
    stream = frame((1, 1, segment(BLUE_ON_GREY, "ab")), (2, 1, segment(BLUE_ON_GREY, "cd")))

    assert "\n" not in filtered(stream)
    assert screen_after(filtered(stream)) == screen_after(stream)


def test_a_line_feed_on_the_bottom_row_scrolls_so_it_is_sent_and_the_screen_redrawn() -> None:
    top = frame((1, 1, segment(BLUE_ON_GREY, "ab")))
    diff = after_reset()
    diff.feed(top)

    scrolled = diff.feed(f"\x1b[{ROWS};1H\n")

    assert scrolled.endswith("\n")
    assert "ab" in diff.feed(top)


def test_after_an_erase_every_cell_is_sent_again() -> None:
    row = frame((1, 1, segment(BLUE_ON_GREY, "ab")))
    diff = after_reset()
    diff.feed(row)
    diff.feed("\x1b[2J")

    assert "ab" in diff.feed(row)


def test_after_a_resize_every_cell_is_sent_again() -> None:
    row = frame((1, 1, segment(BLUE_ON_GREY, "ab")))
    diff = after_reset()
    diff.feed(row)
    diff.resize(COLUMNS + 10, ROWS)

    assert "ab" in diff.feed(row)


def test_text_with_wide_characters_is_sent_as_it_is_every_time() -> None:
    row = frame((1, 1, segment(BLUE_ON_GREY, "a日本b")))
    diff = after_reset()
    diff.feed(row)

    assert "a日本b" in diff.feed(row)


def test_sequences_that_neither_draw_nor_move_pass_through_and_a_move_waits_for_drawing() -> None:
    stream = "plain text\r\n\x1b[2J\x1b[3;4H\x1b[?25l\x1b]0;title\x07\x1b(B\x1b[>4;1m more"

    assert filtered(stream) == (
        "plain text\r\n\x1b[2J\x1b[?25l\x1b]0;title\x07\x1b(B\x1b[>4;1m\x1b[3;4H more"
    )


# Equivalence: frames drawn by the pyte emulator with and without the screen diff

COLOURS = ["#0877bd", "#f59322", "#e8eaeb", "#282828", "red", "bright_blue", "color(208)"]
GLYPHS = "▀▄█ ab·─"


def screen_after(stream: str, columns: int = COLUMNS, rows: int = ROWS) -> list:
    screen = pyte.Screen(columns, rows)
    pyte.Stream(screen).feed(stream)
    return [[screen.buffer[y][x] for x in range(columns)] for y in range(rows)]


def random_style(rng: random.Random) -> Style:
    return Style(
        color=rng.choice(COLOURS),
        bgcolor=rng.choice([*COLOURS, None]),
        bold=rng.random() < 0.2,
        dim=rng.random() < 0.1,
        italic=rng.random() < 0.1,
        underline=rng.random() < 0.1,
        reverse=rng.random() < 0.1,
        strike=rng.random() < 0.1,
    )


class TextualLikeScreen:
    """A screen of styled cells that changes a little each frame, written as Textual
    writes it: the dirty rows' spans, each from a cursor move, in full-style segments."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cells = [[(" ", Style()) for _ in range(COLUMNS)] for _ in range(ROWS)]

    def next_frame(self) -> str:
        rng = self.rng
        spans = []
        for row in sorted(rng.sample(range(ROWS), rng.randint(1, ROWS))):
            start = rng.randrange(COLUMNS)
            end = rng.randint(start + 1, COLUMNS)
            self.change(row, start, end)
            spans.append(f"\x1b[{row + 1};{start + 1}H{self.render(row, start, end)}")
        cursor = f"\x1b[{rng.randint(1, ROWS)};{rng.randint(1, COLUMNS)}H"
        return f"{SYNC_START}{chr(10).join(spans)}{cursor}{SYNC_END}"

    def change(self, row: int, start: int, end: int) -> None:
        rng = self.rng
        for _ in range(rng.randint(0, 4)):  # a few runs of new cells; the rest stays
            first = rng.randrange(start, end)
            style = random_style(rng)
            for column in range(first, min(end, first + rng.randint(1, 6))):
                self.cells[row][column] = (rng.choice(GLYPHS), style)

    def render(self, row: int, start: int, end: int) -> str:
        pieces, column = [], start
        while column < end:  # runs of one style become one segment
            text, style = self.cells[row][column]
            following = column + 1
            while following < end and self.cells[row][following][1] == style:
                text += self.cells[row][following][0]
                following += 1
            pieces.append(style.render(text, color_system=ColorSystem.TRUECOLOR))
            column = following
        return "".join(pieces)


# Things a Textual frame rarely or never holds, mixed into the random frames.
ODDITIES = [
    "\x1b[2J",  # erase the screen
    "\x1b[3;5H\x1b[K",  # erase to the end of a row
    f"\x1b[2;3H{RESET}{BLUE_ON_GREY}日本語{RESET}",  # wide characters
    f"\x1b[4;1H{RESET}e\u0301{RESET}",  # a combining accent
    "\x1bc",  # a terminal reset
    "\x1b[?1049h",  # the alternate screen
    "\x1b[?1049l",
    f"\x1b[5;{COLUMNS - 1}H{RESET}{ORANGE_ON_GREY}wrap around{RESET}",  # past the right edge
    f"\x1b[{ROWS};1H\n{RESET}scrolled",  # a line feed on the bottom row
    f"\x1b[6;6H\n{RESET}below",  # a line feed, then text without a cursor move
    f"\x1b[6;6H\r{RESET}start",  # a carriage return
    "\x1b[2A\x1b[3Cmoved",  # relative moves
    # an SGR code it does not model (pyte cannot read colon sub-parameters such as 4:3)
    f"\x1b[7;1H{RESET}\x1b[53mover{RESET}",
    "\x1b[7;3H\x1b[4hins\x1b[4l",  # insert mode
    "\x1b[8;1H\x1b(0qqq\x1b(B",  # the line-drawing character set
    "\x1b[2;10r\x1b[10;1H\n\x1b[r",  # a scroll region
    "\x1b7\x1b[1;1Hx\x1b8y",  # save and restore the cursor
    "\x1b[9;4H\x08\tz",  # backspace and tab
]


def random_writes(stream: str, rng: random.Random) -> list[str]:
    cuts = sorted(rng.sample(range(1, len(stream)), min(len(stream) - 1, 40)))
    return [stream[start:end] for start, end in zip([0, *cuts], [*cuts, len(stream)])]


@pytest.mark.parametrize("seed", range(12))
def test_random_textual_frames_draw_the_same_screen_after_every_frame(seed: int) -> None:
    rng = random.Random(seed)
    textual = TextualLikeScreen(rng)
    diff = ScreenDiff(COLUMNS, ROWS)
    raw, sent = pyte.Screen(COLUMNS, ROWS), pyte.Screen(COLUMNS, ROWS)
    raw_stream, sent_stream = pyte.Stream(raw), pyte.Stream(sent)
    for _ in range(40):
        data = textual.next_frame()
        if rng.random() < 0.3:
            data += rng.choice(ODDITIES)
        writes = random_writes(data, rng) if rng.random() < 0.5 else [data]
        raw_stream.feed(data)
        for write in writes:
            sent_stream.feed(diff.feed(write))

        assert sent.buffer == raw.buffer, data


def test_random_textual_frames_cost_far_fewer_bytes() -> None:
    textual = TextualLikeScreen(random.Random(7))
    frames = "".join(textual.next_frame() for _ in range(30))

    assert len(filtered(frames).encode()) < 0.5 * len(frames.encode())
