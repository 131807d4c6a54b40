"""The decision-boundary panel: size, orientation, points, axes and quiet updates."""

import numpy as np
import pytest
from app_helpers import record_refreshes
from textual import on
from textual.app import App, ComposeResult
from textual.geometry import Region, Size
from textual.widgets import Static

from tuiplay.engine.config import Config
from tuiplay.engine.trainer import Session
from tuiplay.ui.palette import (
    N_SHADES,
    NAN_INDEX,
    TEST_NEGATIVE,
    TEST_POSITIVE,
    TRAIN_NEGATIVE,
    TRAIN_POSITIVE,
    palette_for,
    shade_indices,
)
from tuiplay.ui.widgets.boundary import (
    PENDING_FRAMES,
    Boundary,
    ShadeHysteresis,
    data_to_pixel,
    resample,
)
from tuiplay.ui.widgets.halfblock import HalfBlockCanvas

TRUECOLOR = palette_for("truecolor").colors
MARKERS = (TRAIN_NEGATIVE, TRAIN_POSITIVE, TEST_NEGATIVE, TEST_POSITIVE)


class BoundaryApp(App):
    def __init__(self, color_mode: str = "truecolor") -> None:
        super().__init__()
        self.color_mode = color_mode
        self.grid_sizes: list[int] = []

    def compose(self) -> ComposeResult:
        yield Boundary(self.color_mode, caption="output")

    @on(Boundary.GridSizeChanged)
    def remember(self, event: Boundary.GridSizeChanged) -> None:
        self.grid_sizes.append(event.grid_size)


def grid(size: int) -> tuple[np.ndarray, np.ndarray]:
    """x and y of the engine's grid: row 0 is y = +6, column 0 is x = -6."""
    axis = np.linspace(-6, 6, size)
    return np.meshgrid(axis, axis[::-1])


def canvas_of(app: App) -> HalfBlockCanvas:
    return app.query_one(Boundary).query_one(HalfBlockCanvas)


def cell_colours(canvas: HalfBlockCanvas, row: int, column: int):
    """(upper, lower) colour of one cell as drawn."""
    strip = canvas.render_line(row).crop(column, column + 1)
    (segment,) = list(strip)
    upper = segment.style.color if segment.text == "▀" else segment.style.bgcolor
    return upper, segment.style.bgcolor


async def test_the_field_is_as_large_as_fits_and_square_in_pixels():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        # 3 columns of y labels, a caption and an x-axis line: 37 wide, 18 rows = 36 pixels
        assert boundary.grid_size == 36
        assert canvas_of(app).size == Size(36, 18)
        assert app.grid_sizes == [36]


async def test_a_resize_announces_the_new_grid_size():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        await pilot.resize_terminal(80, 30)
        await pilot.pause()
        assert app.query_one(Boundary).grid_size == 56
        assert app.grid_sizes == [36, 56]


async def test_row_zero_is_the_top_and_column_zero_the_left_edge():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        x, y = grid(100)
        app.query_one(Boundary).set_field(np.clip((x + y) / 6, -1, 1))
        await pilot.pause()
        canvas = canvas_of(app)
        # top right is x + y = 12 (blue), bottom left is -12 (orange)
        assert cell_colours(canvas, 0, 35) == (TRUECOLOR[30], TRUECOLOR[30])
        assert cell_colours(canvas, 17, 0) == (TRUECOLOR[0], TRUECOLOR[0])
        assert canvas.image.shape == (36, 36)


async def test_discretize_and_nan_change_the_shades():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        x, _ = grid(36)
        field = x / 100  # all within 0.06 of zero
        boundary.set_field(field, discretize=True)
        assert set(np.unique(canvas_of(app).image)) == {0, 30}
        field[5, 7] = np.nan
        boundary.set_field(field)
        assert canvas_of(app).image[5, 7] == NAN_INDEX


async def test_a_training_point_takes_its_pixel_in_its_label_colour():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        boundary.set_field(np.zeros((36, 36)))
        corners = np.array([[-6.0, 6.0], [6.0, -6.0]])
        boundary.set_points(corners, np.array([-1.0, 1.0]))
        await pilot.pause()
        canvas = canvas_of(app)
        grey = TRUECOLOR[15]
        # (-6, 6) is the upper pixel of the top left cell, (6, -6) the lower of the bottom right
        assert cell_colours(canvas, 0, 0) == (TRUECOLOR[TRAIN_NEGATIVE], grey)
        assert cell_colours(canvas, 17, 35) == (grey, TRUECOLOR[TRAIN_POSITIVE])
        assert cell_colours(canvas, 0, 1) == (grey, grey)


async def test_test_points_show_only_when_given_and_differ_from_training_points():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        train, test = np.array([[1.0, -2.0]]), np.array([[-3.0, 3.0], [3.0, 3.0]])
        boundary.set_points(train, np.array([1.0]), test, np.array([-1.0, 1.0]))
        image = canvas_of(app).image
        train_rows, train_columns = data_to_pixel(train, 36)
        test_rows, test_columns = data_to_pixel(test, 36)
        assert image[train_rows, train_columns].tolist() == [TRAIN_POSITIVE]
        assert image[test_rows, test_columns].tolist() == [TEST_NEGATIVE, TEST_POSITIVE]
        boundary.set_points(train, np.array([1.0]))
        assert not np.isin(canvas_of(app).image, [TEST_NEGATIVE, TEST_POSITIVE]).any()


def test_points_map_to_the_nearest_grid_pixel():
    # with 36 pixels, pixel i is centred on x = -6 + 12 i / 35
    rows, columns = data_to_pixel(np.array([[1.0, -2.0], [-6.0, 6.0], [6.0, -6.0]]), 36)
    assert columns.tolist() == [20, 0, 35]  # (1 + 6) * 35 / 12 = 20.4
    assert rows.tolist() == [23, 0, 35]  # (6 + 2) * 35 / 12 = 23.3


async def test_points_outside_the_domain_are_left_out():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        boundary.set_points(np.array([[9.0, 0.0], [0.0, -7.0]]), np.array([1.0, -1.0]))
        assert not np.isin(canvas_of(app).image, [TRAIN_NEGATIVE, TRAIN_POSITIVE]).any()


def test_resampling_keeps_the_corners_and_picks_the_nearest_grid_point():
    x, _ = grid(100)
    small = resample(x, 12)
    assert small.shape == (12, 12)
    assert small[0, 0] == -6 and small[-1, -1] == 6
    assert np.allclose(small[0], np.linspace(-6, 6, 12), atol=12 / 99)


async def test_the_same_field_again_sends_nothing_and_one_changed_pixel_one_row():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        x, y = grid(36)
        field = np.tanh(x * y / 8)
        boundary.set_field(field)
        await pilot.pause()
        refreshed = record_refreshes(canvas_of(app))
        boundary.set_field(field.copy())
        assert refreshed == []
        field[9, 4] = -field[9, 4] - 0.5  # pixel row 9 is the lower half of cell row 4
        boundary.set_field(field)
        assert refreshed == [(Region(4, 4, 1, 1),)]


async def test_the_axes_give_the_scale_and_the_caption_says_what_is_shown():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        y_axis = str(boundary.query_one("#y-axis", Static).render()).splitlines()
        assert len(y_axis) == 18
        assert (y_axis[0], y_axis[8], y_axis[17]) == (" 6┤", " 0┤", "-6┤")
        x_axis = str(boundary.query_one("#x-axis", Static).render())
        assert x_axis.split() == ["-6", "0", "6"]
        assert x_axis.index("-6") == 3 and x_axis.index(" 0 ") + 1 == 3 + 17
        assert str(boundary.query_one("#caption", Static).render()) == "output"
        boundary.caption = "neuron 2 of layer 1"
        await pilot.pause()
        assert str(boundary.query_one("#caption", Static).render()) == "neuron 2 of layer 1"


async def test_the_colour_mode_reaches_the_canvas():
    app = BoundaryApp(color_mode="mono")
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        boundary.set_field(np.full((36, 36), -1.0))
        await pilot.pause()
        assert canvas_of(app).render_line(0).text == "▓" * 36
        boundary.color_mode = "truecolor"
        await pilot.pause()
        assert canvas_of(app).render_line(0).text == " " * 36


async def test_a_field_that_is_not_square_is_refused_in_one_line():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)):
        with pytest.raises(ValueError, match=r"must be square \(P, P\), not \(3, 4\)"):
            app.query_one(Boundary).set_field(np.zeros((3, 4)))


async def test_show_draws_a_sessions_frame_with_its_settings():
    session = Session(Config(seed="0.12345"))
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        (output,) = session.node_outputs_on_grid(boundary.grid_size)[-1]
        boundary.show(output, session, "output")
        image = canvas_of(app).image
        train = np.isin(image, [TRAIN_NEGATIVE, TRAIN_POSITIVE]).sum()
        assert 0 < train <= len(session.train_points)
        assert not np.isin(image, [TEST_NEGATIVE, TEST_POSITIVE]).any()
        assert not set(np.unique(image)) <= {0, 30, TRAIN_NEGATIVE, TRAIN_POSITIVE}

        session.apply(session.config.replace(show_test_data=True, discretize=True))
        boundary.show(output, session, "layer 1, neuron 2")
        image = canvas_of(app).image
        assert np.isin(image, [TEST_NEGATIVE, TEST_POSITIVE]).any()
        field = image[~np.isin(image, MARKERS)]
        assert set(np.unique(field)) <= {0, 30}
        assert boundary.caption == "layer 1, neuron 2"


async def test_showing_an_unchanged_frame_again_refreshes_nothing():
    session = Session(Config(seed="0.12345", show_test_data=True))
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        (output,) = session.node_outputs_on_grid(boundary.grid_size)[-1]
        boundary.show(output, session, "output")
        await pilot.pause()
        refreshed = record_refreshes(canvas_of(app))
        boundary.show(output.copy(), session, "output")
        assert refreshed == []


async def test_a_field_set_before_the_panel_is_laid_out_appears_once_it_is():
    boundary = Boundary("truecolor")
    boundary.set_field(np.full((10, 10), 1.0))
    boundary.set_points(np.array([[-6.0, 6.0]]), np.array([-1.0]))

    class EarlyApp(App):
        def compose(self) -> ComposeResult:
            yield boundary

    app = EarlyApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        image = canvas_of(app).image
        assert image.shape == (36, 36)
        assert image[0, 0] == TRAIN_NEGATIVE
        assert (image[1:] == 30).all()


# Shade hysteresis: small changes may wait while training, exact frames show the truth


def value_of_shade(shade: int) -> float:
    """A field value drawn in this shade (the middle of its band)."""
    return (shade + 0.5) * 2 / N_SHADES - 1


def shades(*rows: list[int]) -> np.ndarray:
    return np.array(rows, dtype=np.uint8)


def test_a_one_shade_change_waits_unless_the_frame_is_exact():
    hysteresis = ShadeHysteresis()
    hysteresis.update(shades([10, 20]), exact=True)
    assert hysteresis.update(shades([11, 20]), exact=False).tolist() == [[10, 20]]
    assert hysteresis.update(shades([11, 20]), exact=True).tolist() == [[11, 20]]


def test_a_change_of_two_shades_or_more_is_painted_at_once():
    hysteresis = ShadeHysteresis()
    hysteresis.update(shades([10, 20, 30]), exact=True)
    assert hysteresis.update(shades([12, 17, 29]), exact=False).tolist() == [[12, 17, 30]]


def test_a_small_change_is_painted_once_it_has_waited_long_enough():
    hysteresis = ShadeHysteresis()
    hysteresis.update(shades([10]), exact=True)
    shown = [hysteresis.update(shades([11]), exact=False)[0, 0] for _ in range(PENDING_FRAMES)]
    assert shown == [10] * (PENDING_FRAMES - 1) + [11]


def test_a_small_change_that_goes_back_starts_waiting_afresh():
    hysteresis = ShadeHysteresis()
    hysteresis.update(shades([10]), exact=True)
    for _ in range(PENDING_FRAMES - 1):
        hysteresis.update(shades([11]), exact=False)
    hysteresis.update(shades([10]), exact=False)
    assert hysteresis.update(shades([11]), exact=False)[0, 0] == 10


def test_nan_appearing_or_going_is_always_painted():
    hysteresis = ShadeHysteresis()
    hysteresis.update(shades([30, 0]), exact=True)
    shown = hysteresis.update(shades([NAN_INDEX, 0]), exact=False)
    assert shown.tolist() == [[NAN_INDEX, 0]]
    assert hysteresis.update(shades([30, 0]), exact=False).tolist() == [[30, 0]]


async def test_an_inexact_frame_refreshes_only_the_big_changes_and_an_exact_one_the_rest():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        field = np.full((36, 36), value_of_shade(10))
        boundary.set_field(field)
        await pilot.pause()
        refreshed = record_refreshes(canvas_of(app))
        field[0, 0] = value_of_shade(11)  # cell (0, 0): one shade
        field[2, 30] = value_of_shade(12)  # cell (30, 1): two shades
        boundary.set_field(field, exact=False)
        assert refreshed == [(Region(30, 1, 1, 1),)]
        assert canvas_of(app).image[0, 0] == 10
        boundary.set_field(field, exact=True)
        assert refreshed[1:] == [(Region(0, 0, 1, 1),)]
        assert (canvas_of(app).image == shade_indices(field)).all()


async def test_turning_discretize_on_or_off_is_painted_even_in_an_inexact_frame():
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        x, y = grid(36)
        field = np.tanh(x * y / 8)
        boundary.set_field(field)
        boundary.set_field(field, discretize=True, exact=False)
        assert (canvas_of(app).image == shade_indices(field, discretize=True)).all()
        boundary.set_field(field, exact=False)
        assert (canvas_of(app).image == shade_indices(field)).all()


async def test_the_exact_frame_after_many_inexact_ones_shows_the_true_shades():
    session = Session(Config(seed="0.12345"))
    app = BoundaryApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        boundary = app.query_one(Boundary)
        size = boundary.grid_size
        for _ in range(6):
            session.step_epochs(1)
            (output,) = session.node_outputs_on_grid(size)[-1]
            boundary.show(output, session, "output", exact=False)
        boundary.show(output, session, "output", exact=True)
        image = canvas_of(app).image
        field = ~np.isin(image, MARKERS)
        assert (image[field] == shade_indices(output)[field]).all()
