"""Every key of the app, pressed through Textual's pilot: what it changes and what it draws."""

import re

import numpy as np
import pytest
from app_helpers import record_notifications, wait_for
from textual import events

from tuiplay.engine.config import LEARNING_RATES, MAX_HIDDEN_LAYERS, MAX_NEURONS
from tuiplay.ui.screens.edit_node import EditNodeScreen
from tuiplay.ui.screens.help import HelpScreen
from tuiplay.ui.widgets.network import Cursor

SIZE = (120, 40)


async def test_space_plays_and_pauses(new_app, text_of):
    app = new_app(paused=True)
    async with app.run_test(size=SIZE) as pilot:
        assert app.session.epoch == 0
        await pilot.press("space")
        await wait_for(pilot, lambda: app.session.epoch >= 3)
        assert "▶ playing" in text_of(app, "#status")
        await pilot.press("space")
        stopped_at = app.session.epoch
        await pilot.pause(0.3)
        assert app.session.epoch == stopped_at
        assert "paused" in text_of(app, "#status")
        assert f"epoch {stopped_at:07,d}" in text_of(app, "#status")


async def test_the_app_starts_playing_and_learns_the_circle(new_app, text_of):
    app = new_app(paused=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.epoch >= 200, timeout=60)
        assert "epochs/s" in text_of(app, "#status")
        await pilot.press("space")  # paused, the screen shows the session's last epoch
        assert app.session.test_loss < 0.05
        losses = text_of(app, "#losses")
        assert f"Test loss      {app.session.test_loss:.3f}" in losses


async def test_s_pauses_then_steps_exactly_one_epoch(new_app, text_of):
    app = new_app(paused=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert not app.playing
        epoch = app.session.epoch
        await pilot.press("s")
        await pilot.pause(0.2)
        assert app.session.epoch == epoch + 1
        assert f"epoch {epoch + 1:07,d}" in text_of(app, "#status")


async def test_r_resets_the_network_and_keeps_the_data(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "s", "s")
        weights = [w.copy() for w in app.session.network.weights]
        points = app.session.train_points.copy()
        await pilot.press("r")
        assert app.session.epoch == 0
        assert not np.array_equal(app.session.network.weights[0], weights[0])
        assert np.array_equal(app.session.train_points, points)
        assert "epoch 000,000" in text_of(app, "#status")


async def test_g_regenerates_the_data_and_keeps_the_weights(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        weights = app.session.network.weights[0].copy()
        seed = app.session.config.seed
        await pilot.press("g")
        assert app.session.config.seed != seed
        assert np.array_equal(app.session.network.weights[0], weights)
        assert f"seed {app.session.config.seed}" in text_of(app, "#status")


async def test_plus_and_minus_change_the_selected_layer_within_1_to_8(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        # On the output, + and - act on the last hidden layer, the one next to it.
        await pilot.press("+")
        assert app.session.config.network_shape == (4, 3)
        await pilot.press("left", "left")  # the first hidden layer
        await pilot.press("+")
        assert app.session.config.network_shape == (5, 3)
        assert "neurons    5,3" in text_of(app, "#controls")
        await pilot.press(*["+"] * 5)
        assert app.session.config.network_shape == (MAX_NEURONS, 3)
        await pilot.press(*["-"] * 10)
        assert app.session.config.network_shape == (1, 3)


async def test_plus_minus_and_less_on_an_input_change_nothing_and_ask_for_a_layer(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("left", "left", "left")  # the inputs
        notes = record_notifications(app)
        await pilot.press("+", "-", "<")
        assert app.session.config.network_shape == (4, 2)
        assert notes == ["select a hidden layer first: → from the inputs"] * 3


async def test_less_on_the_output_removes_the_last_layer(new_app):
    app = new_app(network_shape=(4, 3, 2))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("<")
        assert app.session.config.network_shape == (4, 3)
        assert app.cursor.column == 3  # still the output


async def test_greater_on_the_inputs_adds_the_first_layer_and_on_the_output_the_last(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(">")  # the cursor starts on the output
        assert app.session.config.network_shape == (4, 2, 2)
        assert app.cursor.column == 4  # it moved with the output
        await pilot.press(*["left"] * 4, ">")  # the inputs
        assert app.session.config.network_shape == (2, 4, 2, 2)


async def test_greater_adds_a_layer_after_the_selected_one_and_less_removes_it(new_app):
    app = new_app(network_shape=(4,))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(">")  # cursor on the output: a layer after the last one
        assert app.session.config.network_shape == (4, 2)
        await pilot.press("right")  # the new layer is the next column
        assert app.cursor.column == 2 or app.cursor == Cursor(3, 0)
        await pilot.press("left", "left")  # first hidden layer
        await pilot.press(">")
        assert app.session.config.network_shape == (4, 2, 2)
        await pilot.press("right", "+", "+")  # the layer just added grows
        assert app.session.config.network_shape == (4, 4, 2)
        await pilot.press("<")  # removes the selected (second) layer
        assert app.session.config.network_shape == (4, 2)


async def test_layers_stay_between_0_and_6(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*[">"] * 8)
        assert len(app.session.config.network_shape) == MAX_HIDDEN_LAYERS
        await pilot.press(*["<"] * 8)
        assert app.session.config.network_shape == ()
        assert app.session.network.layer_sizes == [2, 1]


async def test_arrows_move_the_cursor_and_the_boundary_shows_that_neuron(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.cursor == Cursor(3, 0)  # the output
        assert "output" in text_of(app, "#boundary")
        await pilot.press("left", "left", "down")
        assert app.cursor == Cursor(1, 1)
        assert "layer 1, neuron 2" in text_of(app, "#boundary")
        assert "layer 1, neuron 2" in text_of(app, "#inspector")
        shown = app.query_one("#boundary")._shades
        expected = app.session.node_outputs_on_grid(shown.shape[0])[1][1]
        from tuiplay.ui.palette import shade_indices

        assert np.array_equal(shown, shade_indices(expected))
        await pilot.press("up", "up", "up")  # stops at the first neuron
        assert app.cursor == Cursor(1, 0)
        await pilot.press("left", "down", "down")
        assert "feature X1²" in text_of(app, "#boundary")
        await pilot.press("escape")
        assert app.cursor == Cursor(3, 0)
        assert "output" in text_of(app, "#boundary")


@pytest.mark.parametrize(
    ("key", "feature"),
    [
        ("1", "x"),
        ("2", "y"),
        ("3", "xSquared"),
        ("4", "ySquared"),
        ("5", "xTimesY"),
        ("6", "sinX"),
        ("7", "sinY"),
    ],
)
async def test_number_keys_toggle_the_features(new_app, text_of, key, feature):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        was_on = feature in app.session.config.features
        await pilot.press(key)
        assert (feature in app.session.config.features) is not was_on
        inputs = len(app.session.config.features)
        assert app.session.network.layer_sizes[0] == inputs
        # the first layer's weight bars are numbered by input
        digits = "".join(str(i + 1) for i in range(inputs))
        assert re.search(rf" {digits}b +L1 ", text_of(app, "#network"))
        await pilot.press(key)
        assert (feature in app.session.config.features) is was_on


async def test_d_and_shift_d_cycle_the_datasets(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        assert app.session.config.dataset == "xor"
        assert "dataset    xor" in text_of(app, "#controls")
        await pilot.press("D", "D")
        assert app.session.config.dataset == "spiral"


async def test_a_and_shift_a_cycle_the_activations(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        assert app.session.config.activation == "sigmoid"
        await pilot.press("A", "A")
        assert app.session.config.activation == "relu"
        assert "activation relu" in text_of(app, "#controls")


async def test_l_and_shift_l_step_through_the_playground_learning_rates(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        index = LEARNING_RATES.index(0.03)
        await pilot.press("l")
        assert app.session.config.learning_rate == LEARNING_RATES[index + 1]
        assert "learn rate 0.1" in text_of(app, "#controls")
        await pilot.press("L", "L")
        assert app.session.config.learning_rate == LEARNING_RATES[index - 1]


async def test_t_shows_the_test_points(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        canvas = app.query_one("#boundary")._canvas
        before = canvas.image.copy()
        await pilot.press("t")
        assert app.session.config.show_test_data
        assert not np.array_equal(canvas.image, before)
        await pilot.press("t")
        assert np.array_equal(canvas.image, before)


async def test_z_discretizes_the_output(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("z")
        assert app.session.config.discretize
        shades = app.query_one("#boundary")._shades
        assert set(np.unique(shades).tolist()) <= {0, 30}


@pytest.mark.parametrize(
    ("up", "down", "field", "start", "after_up", "shown", "after_down"),
    [
        ("n", "N", "noise", 0, 5, "noise      5", 0),
        ("o", "O", "perc_train_data", 50, 60, "train %    60", 50),
        ("b", "B", "batch_size", 10, 11, "batch size 11", 10),
        ("p", "P", "regularization", "none", "L1", "regularize L1", "none"),
        ("]", "[", "regularization_rate", 0.0, 0.001, "reg. rate  0.001", 0.0),
    ],
)
async def test_the_remaining_settings_have_keys(
    new_app, text_of, up, down, field, start, after_up, shown, after_down
):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        assert getattr(app.session.config, field) == start
        await pilot.press(up)
        assert getattr(app.session.config, field) == after_up
        assert shown in text_of(app, "#controls")
        await pilot.press(down)
        assert getattr(app.session.config, field) == after_down


async def test_c_switches_between_classification_and_regression(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        assert app.session.config.problem == "regression"
        assert "reg-plane" in text_of(app, "#controls")
        assert "regression: no accuracy" in text_of(app, "#losses")
        await pilot.press("d")
        assert app.session.config.reg_dataset == "reg-gauss"


async def test_e_edits_the_bias_and_a_weight_of_the_selected_neuron(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("left", "e")
        assert isinstance(app.screen, EditNodeScreen)
        await pilot.press(*"0.5", "tab", *"-2")  # the bias field is focused, text selected
        await pilot.press("enter")
        assert not isinstance(app.screen, EditNodeScreen)
        assert app.session.network.biases[1][0] == 0.5
        assert app.session.network.weights[1][0][0] == -2.0
        inspector = text_of(app, "#inspector")
        assert "+0.500" in inspector and "-2.000" in inspector


async def test_editing_refuses_what_is_not_a_number(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        bias = float(app.session.network.biases[-1][0])
        await pilot.press("e", *"abc", "enter")
        assert isinstance(app.screen, EditNodeScreen)
        error = str(app.screen.query_one("#edit-error").render())
        assert "'abc' is not a number" in error
        await pilot.press("escape")
        assert not isinstance(app.screen, EditNodeScreen)
        assert app.session.network.biases[-1][0] == bias


@pytest.mark.parametrize(("keys", "bias"), [(("enter", "enter"), 0.5), (("escape", "enter"), None)])
async def test_a_key_typed_while_the_edit_screen_closes_does_not_close_the_playground(
    new_app, keys, bias
):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        playground = app.screen
        before = float(app.session.network.biases[-1][0])
        await pilot.press("e", *"0.5")
        # Both keys arrive before the screen has closed, as when a user (or a fuzzer) types fast.
        for key in keys:
            app.post_message(events.Key(key, "\r" if key == "enter" else None))
        await pilot.pause(0.3)
        assert app.is_running
        assert app.screen is playground
        # Only the first answer counts: applied after Enter, nothing after Escape.
        assert app.session.network.biases[-1][0] == (before if bias is None else bias)


async def test_question_mark_lists_every_key_and_the_colours(new_app):
    from tuiplay.ui.app import KEY_SECTIONS

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(line.rstrip() for line in _help_text(app))
        for _, keys in KEY_SECTIONS:
            for key in keys:
                assert key.description[:30] in text
        assert "orange" in text and "blue" in text and "NaN" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


def _help_text(app) -> list[str]:
    from rich.console import Console

    console = Console(width=100)
    with console.capture() as capture:
        for static in app.screen.query("Static"):
            console.print(static.content)
    return capture.get().splitlines()


async def test_the_command_palette_sets_any_value(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Set dataset to spiral")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.session.config.dataset == "spiral"


async def test_the_command_palette_runs_actions(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Add a hidden layer")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.session.config.network_shape == (4, 2, 2)


@pytest.mark.parametrize("key", ["q", "ctrl+q"])
async def test_q_and_ctrl_q_quit(new_app, key):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await pilot.pause(0.1)
        assert not app.is_running


async def test_the_controls_panel_changes_settings_with_its_arrows(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        assert app.focused is app.query_one("#controls")
        await pilot.press(*["down"] * 5, "right")  # the learning rate row
        assert app.session.config.learning_rate == 0.1
        assert app.cursor == Cursor(3, 0)  # the network cursor did not move
        selected = next(line for line in text_of(app, "#controls").splitlines() if "›" in line)
        assert "›learn rate 0.1" in selected and selected.endswith("l L│")
        await pilot.press("+")  # global keys still work while it has focus
        assert app.session.config.network_shape == (4, 3)
        await pilot.press("escape")
        assert app.focused is app.query_one("#network")


async def test_every_controls_row_can_be_changed(new_app):
    from tuiplay.ui.widgets.controls import ROWS

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        for row in ROWS:
            if row.name == "features":
                await pilot.press("down")
                continue
            before = app.session.config
            await pilot.press("right")
            assert app.session.config != before, row.name
            await pilot.press("down")


async def test_the_command_palette_lists_every_action_and_every_setting_value(new_app):
    from tuiplay.ui.widgets.settings import SETTINGS

    app = new_app()
    async with app.run_test(size=SIZE):
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for binding in app.BINDINGS:
            assert binding.description in titles
        for setting in SETTINGS:
            for value in setting.choices(app.session.config):
                assert f"Set {setting.noun} to {value}" in titles


async def test_clicking_a_neuron_selects_it(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        network = app.query_one("#network")
        layout = network.layout_plan
        column = layout.columns[2]  # the second hidden layer
        line = layout.node_line(1)  # its second neuron
        await pilot.click(network, offset=(1 + column.x + column.width - 1, 1 + line))
        assert app.cursor == Cursor(2, 1)
        assert "layer 2, neuron 2" in text_of(app, "#boundary")


async def test_clicking_a_controls_row_selects_it(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#controls", offset=(3, 1 + 5))  # the learning rate row
        await pilot.press("right")
        assert app.session.config.learning_rate == 0.1


PANELS = ("#left", "#network", "#right", "#boundary", "#losses")


async def _panel_regions(app, pilot) -> dict:
    await pilot.pause(0.2)
    return {selector: app.query_one(selector).region for selector in PANELS}


@pytest.mark.parametrize("new_size", [(80, 30), (160, 50)])
async def test_after_a_resize_the_panels_are_laid_out_for_the_new_size(new_app, new_size):
    width, height = new_size
    fresh = new_app()
    async with fresh.run_test(size=new_size) as pilot:
        expected = await _panel_regions(fresh, pilot)
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        await pilot.resize_terminal(width, height)
        regions = await _panel_regions(app, pilot)
    assert regions == expected
    assert regions["#right"].right == width
    assert regions["#losses"].bottom <= height - 1  # above the key hints
