"""The Playground's colours and their downgrades for terminals with fewer colours.

A picture is an array of small integers, *palette indices*:

- 0 .. 30 are the Playground's 31 shades, orange (value -1) through light grey (0) to
  blue (+1); `shade_indices` turns values into them.
- `NAN_INDEX` is the grey of a value that is not a number (a diverged network).
- `TRAIN_NEGATIVE`, `TRAIN_POSITIVE`, `TEST_NEGATIVE`, `TEST_POSITIVE` are the markers of
  data points, drawn over the shades; `point_indices` picks them from labels.

A `Palette` (one per colour mode, from `palette_for`) says how each index looks: a rich
`Color` per index in the colour modes, a glyph per cell in `mono`.

Colour modes:

- `truecolor`: the 31 shades exactly as the Playground computes them.
- `256`: three xterm-256 steps a side and one for zero, chosen so that each side keeps its
  hue (warm for negative, cool for positive) and gets darker with the magnitude.
- `16`: two standard ANSI colours a side and bright white for zero, given as their VGA
  RGB values: Textual would repaint ANSI colour numbers through its own theme (where blue
  and bright blue are one purple), while rich turns these exact values back into the
  intended colour numbers on a 16-colour terminal.
- `mono`: no colour at all: one glyph per cell, shading blocks for negative and dots for
  positive, denser with the magnitude, so sign and size read from the text alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

import numpy as np
from rich.color import Color
from rich.style import Style

ColorMode = Literal["truecolor", "256", "16", "mono"]
COLOR_MODES: tuple[ColorMode, ...] = ("truecolor", "256", "16", "mono")

N_SHADES = 31
ZERO_SHADE = 15
NAN_INDEX = 31
TRAIN_NEGATIVE = 32
TRAIN_POSITIVE = 33
TEST_NEGATIVE = 34
TEST_POSITIVE = 35
N_INDICES = 36
"""Number of palette indices; every index is below it and fits in a uint8."""

_ORANGE = (0xF5, 0x93, 0x22)
_GREY = (0xE8, 0xEA, 0xEB)
_BLUE = (0x08, 0x77, 0xBD)


def _interpolate(start: tuple[int, ...], end: tuple[int, ...], t: float) -> tuple[int, ...]:
    # d3's RGB interpolation rounds each channel half up (JavaScript's Math.round).
    return tuple(math.floor(a + (b - a) * t + 0.5) for a, b in zip(start, end))


def _playground_shades() -> tuple[tuple[int, int, int], ...]:
    """The 31 shades: d3 samples its [-1, 0, 1] colour scale at t = i / 30."""
    shades = []
    for i in range(N_SHADES):
        t = i / (N_SHADES - 1)
        if t < 0.5:
            shades.append(_interpolate(_ORANGE, _GREY, t / 0.5))
        else:
            shades.append(_interpolate(_GREY, _BLUE, (t - 0.5) / 0.5))
    return tuple(shades)


SHADE_RGB: tuple[tuple[int, int, int], ...] = _playground_shades()
"""The Playground's 31 shades as (r, g, b), index 0 = -1, 15 = 0, 30 = +1."""


def shade_indices(values: np.ndarray, discretize: bool = False) -> np.ndarray:
    """Palette indices (uint8, same shape) of `values` in the Playground's colour scale.

    `floor((v + 1) * 31 / 2)` clamped to 0 .. 30; NaN gives `NAN_INDEX`. With
    `discretize`, a value counts as +1 when it is >= 0 and as -1 otherwise.
    """
    values = np.asarray(values, dtype=np.float64)
    nan = np.isnan(values)
    if discretize:
        scaled = np.where(values >= 0, float(N_SHADES - 1), 0.0)
    else:
        with np.errstate(invalid="ignore"):
            scaled = np.floor((values + 1.0) * N_SHADES / 2.0)
        scaled = np.clip(scaled, 0, N_SHADES - 1)
    scaled[nan] = NAN_INDEX
    return scaled.astype(np.uint8)


def point_indices(labels: np.ndarray, test: bool = False) -> np.ndarray:
    """Marker indices (uint8) for points with these labels: by sign, as for classification."""
    labels = np.asarray(labels, dtype=np.float64)
    if test:
        negative, positive = TEST_NEGATIVE, TEST_POSITIVE
    else:
        negative, positive = TRAIN_NEGATIVE, TRAIN_POSITIVE
    return np.where(labels >= 0, positive, negative).astype(np.uint8)


def resolve_color_mode(environ: Mapping[str, str], requested: str = "auto") -> ColorMode:
    """The colour mode to draw with: `requested`, or for "auto" what `environ` allows.

    NO_COLOR present (even empty: Textual greys everything then) -> mono; COLORTERM
    truecolor or 24bit -> truecolor; TERM containing 256color -> 256; otherwise 16.
    Raises ValueError with one line naming the allowed modes for any other `requested`.
    """
    if requested in COLOR_MODES:
        return requested
    if requested != "auto":
        allowed = ", ".join(("auto", *COLOR_MODES))
        raise ValueError(f"colour mode {requested!r} is not one of {allowed}")
    if "NO_COLOR" in environ:
        return "mono"
    if environ.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "truecolor"
    if "256color" in environ.get("TERM", ""):
        return "256"
    return "16"


def check_color_mode(mode: str) -> ColorMode:
    """`mode` if it is one of COLOR_MODES, else ValueError with one line naming them."""
    if mode not in COLOR_MODES:
        raise ValueError(f"colour mode {mode!r} is not one of {', '.join(COLOR_MODES)}")
    return mode


def shade_level(index: int, levels_per_side: int) -> int:
    """Which of 2 * levels_per_side + 1 steps (0 = strongest negative) a shade falls in.

    The magnitude |index - 15| (1 .. 15) is cut into equal bands, so every step but zero
    covers about the same range of values on both sides.
    """
    offset = index - ZERO_SHADE
    band = math.ceil(abs(offset) * levels_per_side / ZERO_SHADE)
    return levels_per_side + (band if offset > 0 else -band)


# Reduced palettes, strongest negative first: (shade steps, NaN, train -, train +, test -, test +).
# 256: warm steps 208 #ff8700, 215 #ffaf5f, 223 #ffd7af; zero 255 #eeeeee; cool steps
# 153 #afd7ff, 74 #5fafd7, 32 #0087d7. Train points are darker than any shade of their side
# (130 #af5f00, 18 #000087); test points are light and saturated (227 #ffff5f, 87 #5fffff),
# a hue no shade has, so they show on the light grey near the boundary too.
_XTERM_256 = ((208, 215, 223, 255, 153, 74, 32), 244, (130, 18, 227, 87))
# 16: yellow (VGA brown), bright yellow, bright white, bright cyan, bright blue; NaN bright
# black; train points red and blue (darker than their side), test points bright red, cyan.
_ANSI_16 = ((3, 11, 15, 14, 12), 8, (1, 4, 9, 6))
# The VGA colours of the 16 ANSI numbers: rich's downgrade to 16 colours matches them exactly.
_VGA_RGB = (
    (0, 0, 0),
    (170, 0, 0),
    (0, 170, 0),
    (170, 85, 0),
    (0, 0, 170),
    (170, 0, 170),
    (0, 170, 170),
    (170, 170, 170),
    (85, 85, 85),
    (255, 85, 85),
    (85, 255, 85),
    (255, 255, 85),
    (85, 85, 255),
    (255, 85, 255),
    (85, 255, 255),
    (255, 255, 255),
)

# Train points: darker versions of their label colour. Test points: pure yellow and cyan,
# at least 98 apart in RGB from every shade, so they show on the light grey too.
_TRUECOLOR_MARKERS = ("#9c4a00", "#00305e", "#ffee00", "#00eeff")
_TRUECOLOR_NAN = "#8c8c8c"

# Mono glyphs by step, strongest negative first: blocks for negative, dots for positive.
_MONO_RAMP = ("▓", "▒", "░", " ", "·", "•", "●")
_MONO_NAN = "/"
_MONO_MARKERS = {
    TRAIN_NEGATIVE: ("-", Style(bold=True, reverse=True)),
    TRAIN_POSITIVE: ("+", Style(bold=True, reverse=True)),
    TEST_NEGATIVE: ("-", Style(bold=True, underline=True)),
    TEST_POSITIVE: ("+", Style(bold=True, underline=True)),
}

UPPER_HALF_BLOCK = "▀"


@dataclass(frozen=True)
class Palette:
    """How every palette index looks in one colour mode.

    `colors[i]` is the rich Color of index i (None for every index in mono). `cell(top,
    bottom)` is the text and style of one terminal cell showing two vertically stacked
    pixels; equal (text, style) pairs may be merged into one run.
    """

    mode: ColorMode
    colors: tuple[Color | None, ...]

    def cell(self, top: int, bottom: int) -> tuple[str, Style]:
        """Text and style of a cell whose upper pixel is `top` and lower pixel `bottom`."""
        if self.mode == "mono":
            return _mono_cell(top, bottom)
        upper, lower = self.colors[top], self.colors[bottom]
        if upper == lower:
            return " ", Style(bgcolor=lower)
        return UPPER_HALF_BLOCK, Style(color=upper, bgcolor=lower)


def _mono_cell(top: int, bottom: int) -> tuple[str, Style]:
    # One glyph stands for both pixels: a point wins, then NaN, then the mean shade.
    for index in (top, bottom):
        if index in _MONO_MARKERS:
            return _MONO_MARKERS[index]
    if NAN_INDEX in (top, bottom):
        return _MONO_NAN, Style()
    level = shade_level((top + bottom) // 2, levels_per_side=3)
    return _MONO_RAMP[level], Style()


def _reduced_colors(table: tuple, color: Callable[[int], Color]) -> tuple[Color, ...]:
    steps, nan, markers = table
    levels_per_side = len(steps) // 2
    shades = [color(steps[shade_level(i, levels_per_side)]) for i in range(N_SHADES)]
    return (*shades, color(nan), *(color(n) for n in markers))


def _vga(number: int) -> Color:
    return Color.from_rgb(*_VGA_RGB[number])


def _truecolor_colors() -> tuple[Color, ...]:
    shades = [Color.from_rgb(*rgb) for rgb in SHADE_RGB]
    others = [Color.parse(hex_code) for hex_code in (_TRUECOLOR_NAN, *_TRUECOLOR_MARKERS)]
    return (*shades, *others)


@cache
def palette_for(mode: ColorMode) -> Palette:
    """The palette of a colour mode (one of COLOR_MODES); built once per mode."""
    check_color_mode(mode)
    if mode == "truecolor":
        return Palette(mode, _truecolor_colors())
    if mode == "256":
        return Palette(mode, _reduced_colors(_XTERM_256, Color.from_ansi))
    if mode == "16":
        return Palette(mode, _reduced_colors(_ANSI_16, _vga))
    return Palette(mode, (None,) * N_INDICES)
