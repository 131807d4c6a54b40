"""What the app says: notifications and labels read as plain English, once."""

from app_helpers import record_notifications

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
