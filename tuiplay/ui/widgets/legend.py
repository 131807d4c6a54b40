"""A small always-visible key to the colours: what orange, blue, the dots and the bars mean."""

from __future__ import annotations

from rich.console import Group
from rich.style import Style
from rich.text import Text
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

BAR_SAMPLE = "▂▄▆█"
RAMP_CELLS = 11


def swatch(palette: Palette, index: int, count: int = 1) -> Text:
    """`count` cells of one palette index, as the boundary draws it."""
    glyph, style = palette.cell(index, index)
    return Text(glyph * count, style=style)


def ramp(palette: Palette, cells: int = RAMP_CELLS) -> Text:
    """The shades from -1 to +1, one cell each, evenly spaced."""
    text = Text()
    for cell in range(cells):
        text.append_text(swatch(palette, round(cell * (N_SHADES - 1) / (cells - 1))))
    return text


def weight_bars(palette: Palette, negative: bool) -> Text:
    color = palette.colors[0 if negative else N_SHADES - 1]
    return Text(BAR_SAMPLE, style=Style(color=color, reverse=negative and color is None))


def legend_lines(palette: Palette) -> list[Text]:
    """About 22 cells wide: the colour scale, the points and the weight bars."""

    def line(*parts: Text | str) -> Text:
        text = Text()
        for part in parts:
            text.append_text(part if isinstance(part, Text) else Text(part, style="dim"))
        return text

    return [
        line(ramp(palette), " -1 0 +1"),
        line(
            swatch(palette, TRAIN_NEGATIVE),
            swatch(palette, TRAIN_POSITIVE),
            " train  ",
            swatch(palette, TEST_NEGATIVE),
            swatch(palette, TEST_POSITIVE),
            " test",
        ),
        line(swatch(palette, NAN_INDEX, 2), " NaN  ", swatch(palette, ZERO_SHADE, 2), " zero"),
        line(weight_bars(palette, False), " + ", weight_bars(palette, True), " - weights"),
    ]


class Legend(Static):
    """The colour key under the quick keys."""

    def __init__(self, palette: Palette, *, id: str | None = None) -> None:
        super().__init__(Group(*legend_lines(palette)), id=id)
