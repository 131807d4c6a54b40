"""The help screen: every key, and what the colours and glyphs mean."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuiplay.ui.palette import (
    N_SHADES,
    NAN_INDEX,
    TEST_NEGATIVE,
    TEST_POSITIVE,
    TRAIN_NEGATIVE,
    TRAIN_POSITIVE,
    Palette,
)
from tuiplay.ui.widgets.network import BAR_GLYPHS

KeyRow = tuple[str, str]  # (keys as the user types them, what they do)


def key_table(rows: Sequence[KeyRow]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for keys, description in rows:
        table.add_row(keys, description)
    return table


def _cell(palette: Palette, top: int, bottom: int) -> Text:
    glyph, style = palette.cell(top, bottom)
    return Text(glyph, style=style)


def colour_legend(palette: Palette) -> Group:
    """What a user needs to read the boundary, the thumbnails and the weight bars."""
    ramp = Text()
    for index in range(N_SHADES):
        ramp.append_text(_cell(palette, index, index))
    negative = palette.colors[0]
    positive = palette.colors[N_SHADES - 1]
    bars = Text()
    for glyph in BAR_GLYPHS:
        bars.append(glyph, Style(color=positive))
    bars.append("  ")
    for glyph in BAR_GLYPHS:
        bars.append(glyph, Style(color=negative, reverse=palette.mode == "mono"))

    def line(*parts: Text | str) -> Text:
        text = Text()
        for part in parts:
            text.append_text(part if isinstance(part, Text) else Text(part))
        return text

    return Group(
        line(ramp, "  a value from -1 (orange) through 0 (grey) to +1 (blue)"),
        line(_cell(palette, NAN_INDEX, NAN_INDEX), "  NaN: the network diverged"),
        line(
            _cell(palette, TRAIN_NEGATIVE, TRAIN_NEGATIVE),
            _cell(palette, TRAIN_POSITIVE, TRAIN_POSITIVE),
            "  training points, by label (-1, +1)",
        ),
        line(
            _cell(palette, TEST_NEGATIVE, TEST_NEGATIVE),
            _cell(palette, TEST_POSITIVE, TEST_POSITIVE),
            "  test points (t shows them)",
        ),
        line(
            bars,
            "  weights and biases: blue +, orange -; the bar grows one",
        ),
        Text("                    step each time |w| doubles from 0.05; · is below 0.05,"),
        Text("                    × a weight L1 killed for good"),
        Text(""),
        Text("Network panel: features (1-7 toggle them), one column per hidden layer, the"),
        Text("output. In front of each node: a bar per incoming weight, numbered as the"),
        Text("previous column's nodes, then its bias. The boundary shows the node under the"),
        Text("cursor ▕ ▏ (esc: back to the output). The inspector lists its numbers."),
    )


class HelpScreen(ModalScreen[None]):
    """All keys, from the app's own binding table, and the colour legend."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Sequence[KeyRow]]], palette: Palette):
        super().__init__()
        self._sections = sections
        self._palette = palette

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "tuiplay help"
            body.border_subtitle = "esc or ? to close · scroll with the arrows"
            for title, rows in self._sections:
                yield Static(title, classes="help-title")
                yield Static(key_table(rows), classes="help-keys")
            yield Static("Colours and glyphs", classes="help-title")
            yield Static(colour_legend(self._palette), classes="help-keys")
