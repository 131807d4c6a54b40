"""The training clock, divergence, the paused state and the minimum terminal size."""

import pytest

from tuiplay.ui.app import MIN_HEIGHT, MIN_WIDTH
from tuiplay.ui.widgets.status import DIVERGED_HINT

SIZE = (120, 40)


async def wait_for(pilot, condition, timeout: float = 20.0) -> None:
    waited = 0.0
    while not condition():
        assert waited < timeout, "the app never reached the expected state"
        await pilot.pause(0.05)
        waited += 0.05


async def test_a_diverging_network_pauses_and_says_what_to_do(new_app, text_of):
    app = new_app(paused=False, problem="regression", learning_rate=10.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.diverged)
        await pilot.pause(0.1)
        assert not app.playing
        assert DIVERGED_HINT in text_of(app, "#status")
        assert "NaN" in text_of(app, "#losses")
        epoch = app.session.epoch
        await pilot.press("space")  # refuses to play a diverged network
        await pilot.pause(0.2)
        assert app.session.epoch == epoch
        await pilot.press("r")
        assert not app.session.diverged
        assert DIVERGED_HINT not in text_of(app, "#status")


async def test_lowering_the_learning_rate_of_a_diverged_network_starts_it_again(new_app):
    app = new_app(paused=False, problem="regression", learning_rate=10.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.diverged)
        await pilot.press("L")
        assert app.session.config.learning_rate == 3.0
        assert not app.session.diverged
        assert app.session.epoch == 0


async def test_a_paused_app_draws_nothing_until_something_changes(new_app, monkeypatch):
    app = new_app(paused=True)
    async with app.run_test(size=SIZE) as pilot:
        # settled: the last frame was drawn at the size the boundary shows
        await wait_for(pilot, lambda: app._grid_size == app.query_one("#boundary").grid_size)
        await pilot.pause(0.1)
        frames = []
        monkeypatch.setattr(app, "_draw", lambda: frames.append(1))
        await pilot.pause(0.5)  # ten ticks at 20 fps
        assert frames == []
        await pilot.press("t")
        assert len(frames) == 1


async def test_a_playing_app_shows_its_live_epochs_per_second(new_app, text_of):
    app = new_app(paused=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: "epochs/s" in text_of(app, "#status"))
        assert app.session.epoch > 0
        status = text_of(app, "#status")
        rate = status.split("playing")[1].split("epochs/s")[0]
        assert int(rate.replace(",", "")) > 0


async def test_a_terminal_too_small_shows_the_size_needed(new_app, text_of):
    app = new_app()
    async with app.run_test(size=(50, 15)) as pilot:
        await pilot.pause()
        message = text_of(app, "#too-small")
        assert f"at least {MIN_WIDTH}×{MIN_HEIGHT}" in message
        assert "this one is 50×15" in message
        assert not app.query_one("#body").display or not app.query_one("#body").region
        await pilot.resize_terminal(*SIZE)
        await pilot.pause(0.2)
        assert app.query_one("#body").region.height == SIZE[1]
        assert "output" in text_of(app, "#boundary")


@pytest.mark.parametrize("size", [(80, 24), (MIN_WIDTH, MIN_HEIGHT), (200, 60)])
async def test_every_panel_has_room_at(new_app, text_of, size):
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.2)
        for selector in ("#status", "#controls", "#network", "#inspector", "#boundary", "#losses"):
            region = app.query_one(selector).region
            assert region.width > 0 and region.height > 0, selector
        assert app.query_one("#boundary").grid_size >= 16
        boundary = text_of(app, "#boundary")
        assert "output" in boundary and "-6" in boundary
        assert "Test loss" in text_of(app, "#losses")
        assert "dataset" in text_of(app, "#controls")


async def test_another_session_can_replace_the_one_shown(new_app, text_of):
    from tuiplay.engine.config import Config
    from tuiplay.engine.trainer import Session

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("left", "left")
        app.replace_session(Session(Config(seed="0.5", dataset="xor", network_shape=(3,))))
        await pilot.pause()
        assert app.cursor.column == 2  # the output of the new, one-layer network
        assert "xor" in text_of(app, "#status") and "seed 0.5" in text_of(app, "#status")
        assert "neurons    3" in text_of(app, "#controls")
