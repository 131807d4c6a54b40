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
    assert any("networkShape" in warning for warning in warnings)  # what the CLI passes on
    app = TuiplayApp(config, paused=True, colors="truecolor", warnings=warnings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        shown = [notification.message for notification in app._notifications]
        assert shown == ["note: noise 80 is outside the UI's 0 to 50, step 5"]


async def test_a_urls_network_beyond_the_ui_is_still_noted():
    config, warnings = warnings_given_by("--url", "#networkShape=64,2")
    app = TuiplayApp(config, paused=True, colors="truecolor", warnings=warnings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        shown = [notification.message for notification in app._notifications]
        assert shown == ["url: networkShape 64,2 is beyond the UI's 6 layers of 8 neurons"]
