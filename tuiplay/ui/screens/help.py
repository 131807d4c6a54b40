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
    ZERO_SHADE,
    Palette,
)
from tuiplay.ui.widgets.legend import ramp, swatch, weight_bars

KeyRow = tuple[str, str]  # (keys as the user types them, what they do)


def key_table(rows: Sequence[KeyRow]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for keys, description in rows:
        table.add_row(keys, description)
    return table


def colour_legend(palette: Palette) -> Group:
    """What a user needs to read the boundary, the thumbnails and the weight bars."""

    def line(*parts: Text | str) -> Text:
        text = Text()
        for part in parts:
            text.append_text(part if isinstance(part, Text) else Text(part))
        return text

    bias_squares = Text()
    for shade in (0, ZERO_SHADE, N_SHADES - 1):
        bias_squares.append("■", style=Style(color=palette.colors[shade]))
    return Group(
        line(ramp(palette), "  a value from -1 (orange) through 0 (grey) to +1 (blue)"),
        line(swatch(palette, NAN_INDEX, 2), "           NaN: the network diverged"),
        line(
            swatch(palette, TRAIN_NEGATIVE),
            swatch(palette, TRAIN_POSITIVE),
            "           training points, by label (-1, +1)",
        ),
        line(
            swatch(palette, TEST_NEGATIVE),
            swatch(palette, TEST_POSITIVE),
            "           test points (t shows them)",
        ),
        line(weight_bars(palette, False), " ", weight_bars(palette, True), "  weights, + and -:"),
        Text("             the bar grows a step each time |w| doubles from 0.05;"),
        Text("             · is below 0.05, × a weight L1 killed for good"),
        line(bias_squares, "          a bias, in the colour of its value"),
        Text(""),
        Text("Network panel: the features (1-7 toggle them), one column per hidden layer,"),
        Text("the output. In front of each node: a bar per incoming weight, in the order"),
        Text("of the previous column's nodes (numbered above), then its bias. The decision"),
        Text("boundary shows the node at the cursor ▶ (esc: back to the output); the"),
        Text("Neuron panel lists its numbers, and e edits them."),
    )


class HelpScreen(ModalScreen[None]):
    """All keys, from the app's own binding table, and the colour legend."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help"),
    ]
    AUTO_FOCUS = "#help-body"  # so that the arrows and page keys scroll it

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
