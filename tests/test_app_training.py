"""The training clock, divergence, the paused state and the minimum terminal size."""

import math
import re
import time
from dataclasses import fields

import pytest
from app_helpers import wait_for

from tuiplay.engine.presets import PRESETS
from tuiplay.ui.app import MIN_HEIGHT, MIN_WIDTH
from tuiplay.ui.widgets.status import DIVERGED_HINT

SIZE = (120, 40)


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


async def test_the_loss_chart_of_a_diverged_network_still_reads(new_app, text_of):
    app = new_app(paused=False, problem="regression", learning_rate=10.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.diverged)
        await pilot.pause(0.1)
        losses = text_of(app, "#losses")
        chart = "".join(character for character in losses if "\u2801" <= character <= "\u28ff")
        assert len(chart) >= 3  # the finite losses, drawn before the NaN
        scale = re.search(r"log (\S+)…(\S+) ", losses)
        assert scale and all(math.isfinite(float(end)) for end in scale.groups())


async def test_lowering_the_learning_rate_of_a_diverged_network_starts_it_again(new_app, text_of):
    app = new_app(paused=False, problem="regression", learning_rate=3.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.diverged)
        await pilot.press("L")
        assert app.session.config.learning_rate == 1.0
        assert not app.session.diverged  # new weights
        assert app.playing
        await wait_for(pilot, lambda: app.session.epoch >= 20)
        assert not app.session.diverged
        assert "playing" in text_of(app, "#status")


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


# -- a key comes before training ------------------------------------------------------------
async def test_training_stops_within_a_chunk_when_a_key_has_just_arrived(new_app):
    spiral = PRESETS["video-spiral"].config
    settings = {f.name: getattr(spiral, f.name) for f in fields(spiral) if f.name != "seed"}
    app = new_app(paused=True, **{**settings, "network_shape": (8, 8)})
    async with app.run_test(size=SIZE):
        app._train(1.0)  # no key: the whole second's budget is trained
        full_second = app.session.epoch
        app._last_input = time.perf_counter()
        app._train(1.0)
        # one epoch of batch size 1 on the spiral, then the key wins
        assert app.session.epoch - full_second == 1 < full_second


def test_the_driver_stamps_a_key_the_moment_it_reads_it(monkeypatch):
    from textual import events
    from textual.driver import Driver

    from tuiplay.ui.terminal_writer import ScreenDiffDriver

    posted = []
    monkeypatch.setattr(Driver, "send_message", lambda self, message: posted.append(message))
    driver = ScreenDiffDriver.__new__(ScreenDiffDriver)  # no terminal: only the stamping is tested
    driver.last_input = 0.0
    before = time.perf_counter()
    driver.send_message(events.Key("l", "l"))
    assert driver.last_input >= before and len(posted) == 1
    stamped = driver.last_input
    driver.send_message(events.Resize((80, 24), (80, 24)))
    assert driver.last_input == stamped and len(posted) == 2  # only keys and clicks count


async def test_a_learning_rate_key_redraws_only_the_controls(new_app, monkeypatch, text_of):
    app = new_app(paused=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.2)
        draws = []
        monkeypatch.setattr(app, "_draw", lambda **_: draws.append(1))
        await pilot.press("l")
        assert app.session.config.learning_rate == 0.1
        assert "0.1" in text_of(app, "#controls")
        assert draws == []
        await pilot.press("b")  # a batch-size change builds new weights: everything redraws
        assert draws == [1]


async def test_while_training_the_clock_collects_garbage_every_period(new_app, monkeypatch):
    from tuiplay.ui import app as app_module

    collections = []
    monkeypatch.setattr(app_module.gc, "collect", lambda: collections.append(time.perf_counter()))
    monkeypatch.setattr(app_module, "COLLECTION_PERIOD", 0.2)
    app = new_app(paused=False)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: len(collections) >= 3)
        await pilot.press("space")
        await pilot.pause(0.5)
        paused_at = len(collections)
        await pilot.pause(0.5)
        assert len(collections) == paused_at  # a paused app does no work at all


async def test_while_training_each_frame_draws_at_most_one_panel_group_in_turn(new_app):
    from tuiplay.ui.app import PANEL_GROUPS, PANELS_PERIOD

    app = new_app(paused=True)
    async with app.run_test(size=SIZE):
        step = PANELS_PERIOD / len(PANEL_GROUPS)
        app._last_panels = 100.0
        assert app._panels_due(100.0 + step / 2) == ()  # too soon for the next group
        drawn = []
        for turn in range(1, 5):
            now = 100.0 + turn * step
            drawn += app._panels_due(now)
            app._last_panels = now
        assert len(drawn) == 4 and set(drawn) == set(PANEL_GROUPS)
        assert drawn[0] != drawn[1] and drawn[:2] == drawn[2:]  # every group each period


async def test_a_long_epoch_is_trained_in_pieces_so_a_key_waits_for_one_piece_only(new_app):
    app = new_app(paused=True)
    async with app.run_test(size=SIZE) as pilot:
        app._epoch_seconds = 1.0  # as a large network's epoch would measure
        app._last_input = time.perf_counter()  # a key has just arrived
        app._train(1.0)
        assert app.session.epoch == 0 and app.session._part == 1  # one piece, then the key
        await pilot.press("l")  # shown at once, used from the next epoch (as the Playground)
        assert app.session.epoch == 0 and app.session.mid_epoch
        assert app.session.config.learning_rate == 0.1


async def test_pieces_go_on_to_whole_epochs_and_learn_how_long_one_takes(new_app):
    app = new_app(paused=True)
    async with app.run_test(size=SIZE):
        app._epoch_seconds = 1.0
        app._train(1.0)  # the whole budget in pieces: the default page's epochs are short
        assert app.session.epoch > 1
        assert app._epoch_seconds < 0.02  # measured: back to whole epochs next time


async def test_pausing_in_the_middle_of_a_long_epoch_finishes_it(new_app):
    app = new_app(paused=True)
    async with app.run_test(size=SIZE) as pilot:
        app.session.train_part(5)  # as the clock leaves a large network's epoch
        app._playing = True  # playing, with no clock to finish the epoch behind the test
        await pilot.press("space")
        assert not app.playing and app.session._part == 0 and app.session.epoch == 1


async def test_the_clock_draws_no_frame_in_the_middle_of_an_epoch(new_app, monkeypatch):
    app = new_app(paused=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)  # the start-up frames are drawn
        app._epoch_seconds = 10.0  # 2,000 pieces an epoch: the clock stays mid-epoch
        frames = []
        monkeypatch.setattr(app, "_draw", lambda **_: frames.append(app.session.mid_epoch))
        app.playing = True
        await wait_for(pilot, lambda: app.session.epoch >= 1 and frames)
        app.playing = False
        assert not any(frames)  # frames were drawn, all between epochs
