"""Half-block rendering: merged runs, cached styles and repainting only the rows that changed."""

import numpy as np
import pytest
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region, Size

from tuiplay.ui.palette import TRAIN_POSITIVE, palette_for
from tuiplay.ui.widgets.halfblock import (
    NO_MARK,
    HalfBlockCanvas,
    changed_span,
    half_block_strip,
    overlay,
)

ORANGE, GREY, BLUE = 0, 15, 30
TRUECOLOR = palette_for("truecolor").colors


def row(*indices: int) -> np.ndarray:
    return np.array(indices, dtype=np.uint8)


def segments(strip) -> list[tuple[str, Style]]:
    return [(segment.text, segment.style) for segment in strip]


# half_block_strip


def test_a_row_of_one_colour_is_one_segment_of_spaces():
    strip = half_block_strip(row(*[ORANGE] * 8), row(*[ORANGE] * 8), "truecolor")
    assert segments(strip) == [(" " * 8, Style(bgcolor=TRUECOLOR[ORANGE]))]
    assert strip.cell_length == 8


def test_a_row_of_two_colours_is_one_segment_of_upper_half_blocks():
    strip = half_block_strip(row(*[ORANGE] * 5), row(*[BLUE] * 5), "truecolor")
    assert segments(strip) == [
        ("▀" * 5, Style(color=TRUECOLOR[ORANGE], bgcolor=TRUECOLOR[BLUE])),
    ]


def test_runs_break_only_where_the_cell_changes():
    upper = row(ORANGE, ORANGE, BLUE, BLUE, BLUE)
    lower = row(ORANGE, ORANGE, BLUE, BLUE, ORANGE)
    assert segments(half_block_strip(upper, lower, "truecolor")) == [
        ("  ", Style(bgcolor=TRUECOLOR[ORANGE])),
        ("  ", Style(bgcolor=TRUECOLOR[BLUE])),
        ("▀", Style(color=TRUECOLOR[BLUE], bgcolor=TRUECOLOR[ORANGE])),
    ]


def test_shades_that_share_a_reduced_colour_merge_into_one_run():
    shades = row(0, 1, 2, 3, 4, 5, 6)  # the strongest orange step in 16 colours
    strip = half_block_strip(shades, shades[::-1].copy(), "16")
    assert len(list(strip)) == 1
    assert strip.text == " " * 7


def test_mono_draws_glyphs_without_colour():
    strip = half_block_strip(row(ORANGE, GREY, BLUE), row(ORANGE, GREY, BLUE), "mono")
    assert strip.text == "▓ ●"
    assert all(segment.style.bgcolor is None for segment in strip)


def test_an_empty_row_is_an_empty_strip():
    assert half_block_strip(row(), row(), "truecolor").cell_length == 0


def test_marks_replace_only_the_pixels_they_set():
    image = np.full((2, 3), GREY, dtype=np.uint8)
    marks = np.full((2, 3), NO_MARK, dtype=np.uint8)
    marks[1, 2] = TRAIN_POSITIVE
    assert overlay(image, marks).tolist() == [[GREY] * 3, [GREY, GREY, TRAIN_POSITIVE]]


# HalfBlockCanvas


class CanvasApp(App):
    def __init__(self, image: np.ndarray, color_mode: str = "truecolor") -> None:
        super().__init__()
        self.initial_image = image
        self.color_mode = color_mode

    def compose(self) -> ComposeResult:
        yield HalfBlockCanvas(self.color_mode)

    def on_mount(self) -> None:
        self.query_one(HalfBlockCanvas).set_image(self.initial_image)


def striped_image(rows: int = 6, columns: int = 12) -> np.ndarray:
    """Every pixel row one shade, a different one from the row above."""
    shades = (np.arange(2 * rows) * 2) % 31
    return np.repeat(shades[:, None], columns, axis=1).astype(np.uint8)


class RefreshSpy:
    """Records the regions of every `refresh` call a widget makes."""

    def __init__(self, widget: HalfBlockCanvas) -> None:
        self.calls: list[tuple[Region, ...]] = []
        original = widget.refresh

        def refresh(*regions: Region, **kwargs):
            self.calls.append(regions)
            return original(*regions, **kwargs)

        widget.refresh = refresh


async def test_the_canvas_draws_each_row_of_uniform_pixels_as_one_run():
    image = striped_image()
    app = CanvasApp(image)
    async with app.run_test(size=(40, 10)) as pilot:
        canvas = app.query_one(HalfBlockCanvas)
        await pilot.pause()
        assert canvas.size == Size(12, 6)
        for y in range(6):
            strip = canvas.render_line(y)
            expected = Style(
                color=TRUECOLOR[image[2 * y, 0]], bgcolor=TRUECOLOR[image[2 * y + 1, 0]]
            )
            assert segments(strip) == [("▀" * 12, expected)]


async def test_setting_the_same_image_again_refreshes_nothing():
    image = striped_image()
    app = CanvasApp(image)
    async with app.run_test(size=(40, 10)) as pilot:
        canvas = app.query_one(HalfBlockCanvas)
        await pilot.pause()
        spy = RefreshSpy(canvas)
        assert canvas.set_image(image.copy()) == 0
        assert spy.calls == []


async def test_changing_one_pixel_refreshes_exactly_its_cell():
    image = striped_image()
    app = CanvasApp(image)
    async with app.run_test(size=(40, 10)) as pilot:
        canvas = app.query_one(HalfBlockCanvas)
        await pilot.pause()
        spy = RefreshSpy(canvas)
        changed = image.copy()
        changed[7, 4] = BLUE  # lower pixel of cell row 3
        assert canvas.set_image(changed) == 1
        assert spy.calls == [(Region(4, 3, 1, 1),)]
        await pilot.pause()
        strip = canvas.render_line(3)
        assert [segment.text for segment in strip] == ["▀" * 4, "▀", "▀" * 7]
        assert list(strip)[1].style.bgcolor == TRUECOLOR[BLUE]


async def test_a_row_refresh_spans_the_first_to_the_last_changed_cell():
    image = striped_image()
    app = CanvasApp(image)
    async with app.run_test(size=(40, 10)) as pilot:
        canvas = app.query_one(HalfBlockCanvas)
        await pilot.pause()
        spy = RefreshSpy(canvas)
        changed = image.copy()
        changed[0, 2] = changed[1, 9] = changed[10, 5] = BLUE
        assert canvas.set_image(changed) == 2
        assert spy.calls == [(Region(2, 0, 8, 1), Region(5, 5, 1, 1))]


async def test_cells_changed_at_both_ends_of_a_row_are_drawn_in_their_new_colour():
    image = striped_image()
    app = CanvasApp(image)
    async with app.run_test(size=(40, 10)) as pilot:
        canvas = app.query_one(HalfBlockCanvas)
        await pilot.pause()
        changed = image.copy()
        changed[0, 0] = changed[1, 11] = BLUE
        canvas.set_image(changed)
        await pilot.pause()
        strip = canvas.render_line(0)
        assert [segment.text for segment in strip] == ["▀", "▀" * 10, "▀"]
        assert list(strip)[2].style.bgcolor == TRUECOLOR[BLUE]


def test_a_lines_changed_span_runs_from_its_first_to_its_last_changed_cell():
    changed = np.zeros(12, dtype=bool)
    changed[[1, 2, 4, 8]] = True
    assert changed_span(changed, row=3) == Region(1, 3, 8, 1)
    assert changed_span(np.zeros(5, dtype=bool), row=0) is None


async def test_only_the_changed_row_is_rendered_again():
    image = striped_image()
    app = CanvasApp(image)
    async with app.run_test(size=(40, 10)) as pilot:
        canvas = app.query_one(HalfBlockCanvas)
        await pilot.pause()
        rendered: list[int] = []
        original = canvas.render_line

        def render_line(y: int):
            rendered.append(y)
            return original(y)

        canvas.render_line = render_line
        changed = image.copy()
        changed[2, 0] = BLUE
        canvas.set_image(changed)
        await pilot.pause()
        assert rendered == [1]


async def test_a_new_shape_resizes_the_canvas():
    app = CanvasApp(striped_image(rows=6, columns=12))
    async with app.run_test(size=(40, 10)) as pilot:
        canvas = app.query_one(HalfBlockCanvas)
        assert canvas.set_image(striped_image(rows=3, columns=20)) == 3
        await pilot.pause()
        assert canvas.size == Size(20, 3)
        assert canvas.render_line(2).cell_length == 20


async def test_changing_the_colour_mode_redraws_with_the_new_palette():
    image = np.full((4, 6), ORANGE, dtype=np.uint8)
    app = CanvasApp(image)
    async with app.run_test(size=(40, 10)) as pilot:
        canvas = app.query_one(HalfBlockCanvas)
        await pilot.pause()
        assert canvas.render_line(0).text == " " * 6
        canvas.color_mode = "mono"
        await pilot.pause()
        assert canvas.render_line(0).text == "▓" * 6


async def test_bad_images_and_modes_are_refused_with_a_clear_message():
    app = CanvasApp(striped_image())
    async with app.run_test(size=(40, 10)):
        canvas = app.query_one(HalfBlockCanvas)
        with pytest.raises(ValueError, match="even rows"):
            canvas.set_image(np.zeros((3, 4), dtype=np.uint8))
        with pytest.raises(ValueError, match="not one of truecolor, 256, 16, mono"):
            canvas.color_mode = "8"
