"""The app's pure parts: setting steps, number formats, weight bars, layouts and charts."""

import math

import numpy as np
import pytest
from textual.geometry import Size

from tuiplay.engine.config import Config
from tuiplay.ui.screens.edit_node import parse_parameter
from tuiplay.ui.widgets.losses import BRAILLE, braille_chart, log_range, sparkline
from tuiplay.ui.widgets.network import (
    DEAD_CODE,
    NAN_CODE,
    bar_codes,
    block_average,
    layout_for,
    plan_layout,
)
from tuiplay.ui.widgets.settings import ACTIVATION, DATASET, LEARNING_RATE, format_number
from tuiplay.ui.widgets.status import format_epoch


def test_numeric_settings_stop_at_the_ends_of_the_playground_lists():
    config = Config(learning_rate=10.0)
    assert LEARNING_RATE.stepped(config, 1) is None
    assert LEARNING_RATE.stepped(config, -1) == 3.0


def test_category_settings_wrap_around():
    assert ACTIVATION.stepped(Config(activation="linear"), 1) == "relu"
    assert ACTIVATION.stepped(Config(activation="relu"), -1) == "linear"


def test_a_rate_between_menu_entries_steps_to_its_neighbours():
    config = Config(learning_rate=0.05)  # from a URL: not one of the menu's values
    assert LEARNING_RATE.stepped(config, 1) == 0.1
    assert LEARNING_RATE.stepped(config, -1) == 0.03


def test_the_dataset_setting_follows_the_problem_type():
    regression = Config(problem="regression")
    assert DATASET.current(regression) == "reg-plane"
    assert DATASET.changes(regression, "reg-gauss") == {"reg_dataset": "reg-gauss"}
    assert DATASET.changes(Config(), "xor") == {"dataset": "xor"}


def test_rates_print_as_the_playground_menus_do():
    assert [format_number(v) for v in (0.00001, 0.03, 1.0, 10.0, 0.0)] == [
        "0.00001",
        "0.03",
        "1",
        "10",
        "0",
    ]


def test_the_epoch_counter_has_six_digits_and_a_comma():
    assert format_epoch(0) == "000,000"
    assert format_epoch(1234) == "001,234"
    assert format_epoch(1234567) == "1,234,567"


def test_weight_bars_grow_a_step_each_time_the_weight_doubles():
    weights = np.array([0.01, -0.06, 0.11, 0.3, -6.5, 100.0, np.nan, 0.5])
    dead = np.array([False] * 7 + [True])
    assert bar_codes(weights, dead).tolist() == [0, -1, 2, 3, -8, 8, NAN_CODE, DEAD_CODE]


def test_thumbnails_average_the_grid_block_by_block():
    grid = np.kron(np.array([[1.0, -1.0], [0.5, 0.0]]), np.ones((5, 5)))[None]
    assert block_average(grid, 2)[0].tolist() == [[1.0, -1.0], [0.5, 0.0]]
    uneven = block_average(np.arange(49.0).reshape(1, 7, 7), 3)
    assert uneven.shape == (1, 3, 3) and uneven[0, 0, 0] == pytest.approx(4.0)


def test_the_network_keeps_the_largest_thumbnails_that_fit():
    sizes = [2, 4, 2, 1]
    roomy = plan_layout(sizes, Size(200, 60))
    assert roomy.thumb == 8
    narrow = plan_layout(sizes, Size(layout_for(sizes, 4).width, 60))
    assert narrow.thumb == 4
    tiny = plan_layout(sizes, Size(10, 8))  # nothing fits: the smallest, and it scrolls
    assert tiny.thumb == 2 and not tiny.labels


def test_a_click_position_finds_its_node():
    layout = layout_for([2, 4, 1], 4)
    second_layer = layout.columns[1]
    y = layout.node_line(3, row=1)
    assert layout.node_at(second_layer.x + second_layer.width - 1, y).node == 3
    assert layout.node_at(second_layer.x, 0) is None  # the header line


def test_sparklines_put_each_decade_of_loss_at_its_own_height():
    losses = np.array([1.0, 0.1, 0.01])
    assert sparkline(losses, 3, log_range(losses)) == "█▅▁"


def test_the_loss_chart_falls_from_top_left_to_bottom_right():
    losses = np.geomspace(1.0, 0.001, 50)
    rows = braille_chart([losses], width=10, height=3, scale=log_range(losses))
    assert rows[0][0][0] != 0 and rows[0][-1][0] == 0
    assert rows[-1][-1][0] != 0 and rows[-1][0][0] == 0
    assert all(0 <= BRAILLE + bits <= BRAILLE + 0xFF for row in rows for bits, _ in row)


@pytest.mark.parametrize("text", ["abc", "nan", "inf", "-inf", ""])
def test_an_edited_value_must_be_a_finite_number(text):
    with pytest.raises(ValueError, match="number"):
        parse_parameter(text)


def test_an_edited_value_may_be_any_finite_number():
    assert parse_parameter(" -2.5 ") == -2.5
    assert math.isclose(parse_parameter("1e-3"), 0.001)
