"""The Playground's colour scale, its downgrades and the choice of colour mode."""

from itertools import pairwise

import numpy as np
import pytest
from rich.color import Color, ColorSystem
from rich.style import Style

from tuiplay.ui.palette import (
    COLOR_MODES,
    N_INDICES,
    N_SHADES,
    NAN_INDEX,
    SHADE_RGB,
    TEST_NEGATIVE,
    TEST_POSITIVE,
    TRAIN_NEGATIVE,
    TRAIN_POSITIVE,
    UPPER_HALF_BLOCK,
    ZERO_SHADE,
    palette_for,
    point_indices,
    resolve_color_mode,
    shade_indices,
)

NEGATIVE_SHADES = range(0, ZERO_SHADE)
POSITIVE_SHADES = range(ZERO_SHADE + 1, N_SHADES)
MARKERS = (TRAIN_NEGATIVE, TRAIN_POSITIVE, TEST_NEGATIVE, TEST_POSITIVE)


def rgb(mode: str, index: int) -> tuple[int, int, int]:
    """The colour of an index as rich resolves it (xterm palette, rich's default theme)."""
    return tuple(palette_for(mode).colors[index].get_truecolor())


def luminance(color: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# shade_indices


def test_minus_one_zero_and_plus_one_are_the_first_middle_and_last_shade():
    assert shade_indices(np.array([-1.0, 0.0, 1.0])).tolist() == [0, 15, 30]


def test_shades_are_31_equal_bins_over_minus_one_to_one():
    values = np.array([-0.99, -0.04, 0.04, 0.5, 0.999])
    # floor((v + 1) * 15.5): 0.155, 14.88, 16.12, 23.25, 30.98
    assert shade_indices(values).tolist() == [0, 14, 16, 23, 30]


def test_values_beyond_the_range_clamp_to_the_end_shades():
    values = np.array([-7.0, -np.inf, 1.5, np.inf])
    assert shade_indices(values).tolist() == [0, 0, 30, 30]


def test_nan_gets_its_own_index_and_shape_and_dtype_are_kept():
    values = np.array([[np.nan, 0.0], [1.0, np.nan]])
    indices = shade_indices(values)
    assert indices.dtype == np.uint8
    assert indices.tolist() == [[NAN_INDEX, 15], [30, NAN_INDEX]]


def test_discretize_maps_zero_and_above_to_blue_and_below_to_orange():
    values = np.array([0.0, 0.01, -1e-9, -0.5, np.nan])
    assert shade_indices(values, discretize=True).tolist() == [30, 30, 0, 0, NAN_INDEX]


def test_the_31_shades_run_orange_grey_blue_linearly_in_rgb():
    assert SHADE_RGB[0] == (0xF5, 0x93, 0x22)
    assert SHADE_RGB[15] == (0xE8, 0xEA, 0xEB)
    assert SHADE_RGB[30] == (0x08, 0x77, 0xBD)
    # a third of the way from orange to grey, and from grey to blue, rounded per channel
    assert SHADE_RGB[5] == (241, 176, 101)
    assert SHADE_RGB[20] == (157, 196, 220)
    assert len(set(SHADE_RGB)) == N_SHADES


def test_point_markers_follow_the_label_sign_and_the_split():
    labels = np.array([-1.0, 1.0, 0.0, -0.2])
    assert point_indices(labels).tolist() == [
        TRAIN_NEGATIVE,
        TRAIN_POSITIVE,
        TRAIN_POSITIVE,
        TRAIN_NEGATIVE,
    ]
    assert point_indices(labels, test=True).tolist() == [
        TEST_NEGATIVE,
        TEST_POSITIVE,
        TEST_POSITIVE,
        TEST_NEGATIVE,
    ]


# resolve_color_mode


@pytest.mark.parametrize(
    ("environ", "mode"),
    [
        ({"NO_COLOR": "1", "COLORTERM": "truecolor", "TERM": "xterm-256color"}, "mono"),
        ({"NO_COLOR": ""}, "mono"),
        ({"COLORTERM": "truecolor", "TERM": "xterm"}, "truecolor"),
        ({"COLORTERM": "24bit"}, "truecolor"),
        ({"COLORTERM": "TrueColor"}, "truecolor"),
        ({"TERM": "xterm-256color"}, "256"),
        ({"TERM": "tmux-256color", "COLORTERM": "yes"}, "256"),
        ({"TERM": "xterm"}, "16"),
        ({"TERM": "linux"}, "16"),
        ({}, "16"),
    ],
)
def test_auto_mode_follows_the_environment(environ, mode):
    assert resolve_color_mode(environ) == mode


def test_an_explicit_mode_overrides_the_environment():
    assert resolve_color_mode({"NO_COLOR": "1"}, "truecolor") == "truecolor"
    assert resolve_color_mode({"COLORTERM": "truecolor"}, "16") == "16"


def test_an_unknown_mode_is_one_clear_line():
    with pytest.raises(ValueError, match="'8' is not one of auto, truecolor, 256, 16, mono"):
        resolve_color_mode({}, "8")


# palettes


def test_every_colour_palette_has_a_colour_for_every_index():
    for mode in ("truecolor", "256", "16"):
        assert len(palette_for(mode).colors) == N_INDICES
        assert all(color is not None for color in palette_for(mode).colors)


@pytest.mark.parametrize("mode", ["truecolor", "256", "16"])
def test_each_side_keeps_its_hue_and_darkens_with_magnitude(mode):
    negative = [rgb(mode, i) for i in NEGATIVE_SHADES]
    positive = [rgb(mode, i) for i in POSITIVE_SHADES]
    zero = rgb(mode, ZERO_SHADE)
    assert all(r > b for r, _, b in negative), "negative shades must stay warm"
    assert all(b > r for r, _, b in positive), "positive shades must stay cool"
    # luminance rises from -1 up to zero, then falls to +1: never the wrong way
    ramp = [luminance(c) for c in (*negative, zero, *positive)]
    assert all(a <= b for a, b in pairwise(ramp[: ZERO_SHADE + 1]))
    assert all(a >= b for a, b in pairwise(ramp[ZERO_SHADE:]))


@pytest.mark.parametrize(("mode", "steps"), [("256", 7), ("16", 5)])
def test_reduced_palettes_have_distinct_steps_in_shade_order(mode, steps):
    colours = [rgb(mode, i) for i in range(N_SHADES)]
    # consecutive runs of one colour: the steps, each a different colour
    runs = [c for i, c in enumerate(colours) if i == 0 or c != colours[i - 1]]
    assert len(runs) == steps
    assert len(set(runs)) == steps
    assert colours[0] != colours[ZERO_SHADE] != colours[30]
    # a step is strictly lighter toward zero on both sides
    lum = [luminance(c) for c in runs]
    middle = steps // 2
    assert all(a < b for a, b in pairwise(lum[: middle + 1]))
    assert all(a > b for a, b in pairwise(lum[middle:]))


def test_sixteen_colours_reach_the_terminal_as_the_intended_ansi_numbers():
    # Textual hands colours to rich, which picks the nearest of its 16 standard colours
    numbers = [
        palette_for("16").colors[i].downgrade(ColorSystem.STANDARD).number
        for i in (0, 14, ZERO_SHADE, 16, 30, NAN_INDEX, *MARKERS)
    ]
    assert numbers == [3, 11, 15, 14, 12, 8, 1, 4, 9, 6]


def test_the_256_palette_stays_distinct_through_textuals_truecolor_round_trip():
    # Textual turns colour numbers into RGB and rich turns them back into 256 colours
    def round_trip(color):
        return Color.from_triplet(color.get_truecolor()).downgrade(ColorSystem.EIGHT_BIT)

    colors = palette_for("256").colors
    assert len({round_trip(c).number for c in colors}) == len(set(colors))


@pytest.mark.parametrize("mode", ["truecolor", "256", "16"])
def test_nan_and_point_markers_differ_from_every_shade_and_each_other(mode):
    shades = {rgb(mode, i) for i in range(N_SHADES)}
    others = [rgb(mode, i) for i in (NAN_INDEX, *MARKERS)]
    assert not shades & set(others)
    assert len(set(others)) == len(others)


@pytest.mark.parametrize("mode", ["truecolor", "256", "16"])
def test_train_points_are_darker_than_every_shade_of_their_side(mode):
    negative = min(luminance(rgb(mode, i)) for i in NEGATIVE_SHADES)
    positive = min(luminance(rgb(mode, i)) for i in POSITIVE_SHADES)
    assert luminance(rgb(mode, TRAIN_NEGATIVE)) < negative
    assert luminance(rgb(mode, TRAIN_POSITIVE)) < positive


def test_a_cell_of_two_equal_colours_is_a_space_on_that_background():
    palette = palette_for("truecolor")
    text, style = palette.cell(3, 3)
    assert text == " "
    assert style == Style(bgcolor=palette.colors[3])


def test_a_cell_of_two_colours_is_an_upper_half_block():
    palette = palette_for("truecolor")
    text, style = palette.cell(0, 30)
    assert text == UPPER_HALF_BLOCK
    assert style == Style(color=palette.colors[0], bgcolor=palette.colors[30])


def test_shades_sharing_a_reduced_colour_make_the_same_cell():
    palette = palette_for("16")
    assert palette.cell(0, 1) == palette.cell(1, 1) == (" ", Style(bgcolor=palette.colors[0]))


# mono


def mono_glyph(top: int, bottom: int | None = None) -> str:
    return palette_for("mono").cell(top, top if bottom is None else bottom)[0]


def test_mono_reads_sign_from_glyph_family_and_magnitude_from_density():
    negative = [mono_glyph(i) for i in NEGATIVE_SHADES]
    positive = [mono_glyph(i) for i in POSITIVE_SHADES]
    assert mono_glyph(ZERO_SHADE) == " "
    assert not set(negative) & set(positive)
    assert " " not in negative + positive
    assert len(set(negative)) == len(set(positive)) == 3
    assert mono_glyph(0) != mono_glyph(14)
    assert mono_glyph(30) != mono_glyph(16)


def test_mono_uses_no_colour_at_all():
    palette = palette_for("mono")
    assert all(color is None for color in palette.colors)
    cells = [palette.cell(top, bottom) for top in range(N_INDICES) for bottom in range(N_INDICES)]
    assert all(style.color is None and style.bgcolor is None for _, style in cells)


def test_mono_points_show_over_any_shade_and_train_differs_from_test():
    ramp = {mono_glyph(i) for i in range(N_SHADES)} | {mono_glyph(NAN_INDEX)}
    mono = palette_for("mono")
    for shade in range(N_SHADES):
        for marker in MARKERS:
            assert mono.cell(marker, shade) == mono.cell(shade, marker) == mono.cell(marker, marker)
            assert mono.cell(marker, shade)[0] not in ramp
    assert mono.cell(TRAIN_NEGATIVE, 0)[0] != mono.cell(TRAIN_POSITIVE, 0)[0]
    assert mono.cell(TRAIN_NEGATIVE, 0)[1] != mono.cell(TEST_NEGATIVE, 0)[1]


def test_mono_marks_nan_with_its_own_glyph():
    assert mono_glyph(NAN_INDEX) not in {mono_glyph(i) for i in range(N_SHADES)}
    assert mono_glyph(NAN_INDEX, 15) == mono_glyph(NAN_INDEX)


def test_every_mode_has_a_palette():
    assert {palette_for(mode).mode for mode in COLOR_MODES} == set(COLOR_MODES)
