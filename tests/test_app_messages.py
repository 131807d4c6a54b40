"""What the app says: notifications and labels read as plain English, once."""

from app_helpers import record_notifications

from tuiplay import cli
from tuiplay.engine.config import Config
from tuiplay.ui.app import TuiplayApp

SIZE = (120, 40)


async def test_a_layer_of_one_neuron_is_one_neuron_not_one_neurons(new_app):
    app = new_app(network_shape=(1,))
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await pilot.press("left", "-")  # the cursor on the hidden layer
        assert notes == [
            "layer 1 has 1 neuron, the least allowed (1 to 8); remove the layer with <"
        ]


async def test_a_loss_chart_of_one_epoch_names_one_epoch(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        losses = text_of(app, "#losses")
        assert "epoch 0 " in losses
        assert "epochs 0–0" not in losses
        await pilot.press("s")
        await pilot.pause(0.1)
        assert "epochs 0–1" in text_of(app, "#losses")


async def test_a_large_networks_limits_read_like_a_small_ones(new_app):
    app = new_app(network_shape=(64, 2), large_network=True)
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await pilot.press("left", "left", "+")  # the cursor on the first hidden layer
        assert notes == ["layer 1 has 64 neurons, the most allowed (1 to 64)"]
        assert app.session.config.network_shape == (64, 2)


async def test_a_large_network_of_16_layers_is_the_most_allowed(new_app):
    app = new_app(network_shape=(1,) * 16, large_network=True)
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await pilot.press(">")
        assert notes == ["the network has 16 hidden layers, the most allowed (0 to 16)"]
        assert len(app.session.config.network_shape) == 16


def warnings_given_by(*argv: str) -> tuple[Config, list[str]]:
    return cli.config_from_args(cli.build_parser().parse_args(list(argv)))


async def test_large_network_asked_for_is_not_noted_as_beyond_the_ui():
    config, warnings = warnings_given_by("--large-network", "--hidden", "64,2", "--noise", "80")
    about_the_network = [warning for warning in warnings if "64,2" in warning]
    assert len(about_the_network) == 1  # what the command line passes on
    app = TuiplayApp(config, paused=True, colors="truecolor", warnings=warnings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        shown = [notification.message for notification in app._notifications]
        assert shown == [warning for warning in warnings if warning not in about_the_network]
        assert any("80" in note for note in shown)  # the noise's note stays


async def test_a_urls_network_beyond_the_ui_is_still_noted():
    config, warnings = warnings_given_by("--url", "#networkShape=64,2")
    assert any("64,2 is beyond the UI's" in warning for warning in warnings)
    app = TuiplayApp(config, paused=True, colors="truecolor", warnings=warnings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        shown = [notification.message for notification in app._notifications]
        assert shown == warnings


async def test_a_key_held_at_its_limit_shows_one_notification(new_app, text_of):
    app = new_app(perc_train_data=90)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press(*["o"] * 8)
        await pilot.pause(0.2)
        assert len(app.screen.query("Toast")) == 1
        on_screen = text_of(app, "#body")  # the whole screen, the notifications over it
        assert on_screen.count("train % is already at its highest value") == 1


async def test_different_notifications_are_all_shown(new_app, text_of):
    app = new_app(perc_train_data=90, batch_size=30)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("o", "b", "o", "b")
        await pilot.pause(0.2)
        assert len(app.screen.query("Toast")) == 2
        shown = text_of(app, "#body")  # the whole screen, the notifications over it
        assert "train % is already" in shown
        assert "batch size is already" in shown
