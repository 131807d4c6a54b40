"""The network panel with --large-network: a network taller and wider than its panel scrolls,
and only what is in view is drawn, but what scrolls in is always the latest frame."""

import asyncio
import threading

import numpy as np
from app_helpers import record_refreshes, wait_for
from textual.geometry import Region

from tuiplay.engine import session_file
from tuiplay.engine.config import Config
from tuiplay.engine.trainer import Session
from tuiplay.ui.widgets.network import BAR_GLYPHS, REPAINT_LINES

SIZE = (120, 40)
NEURONS = 64


def network_of(app):
    return app.query_one("#network")


def give_random_weights(app, seed: int) -> None:
    """Every weight and bias changes, so every node's bars and thumbnail change."""
    params = app.session.network.params
    params[:] = np.random.default_rng(seed).uniform(-1, 1, params.size)


async def test_a_layer_taller_than_the_panel_scrolls_to_the_cursor(new_app, text_of):
    app = new_app(network_shape=(NEURONS,), large_network=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        network = network_of(app)
        assert network.region.bottom <= app.query_one("#inspector").region.y
        await pilot.press("left")
        for _ in range(NEURONS - 1):
            await pilot.press("down")
        await pilot.pause()
        assert app.cursor.node == NEURONS - 1
        assert network.scroll_offset.y > 0
        assert "▶" in text_of(app, "#network")


async def test_nodes_that_scroll_into_view_show_the_latest_weights(new_app, text_of):
    app = new_app(network_shape=(NEURONS, NEURONS), large_network=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        network = network_of(app)
        second_layer = network.layout_plan.columns[2].x
        tallest_but_one = BAR_GLYPHS[-2] * NEURONS  # 64 incoming weights between 3.2 and 6.4

        async def top_lines_of_second_layer() -> list[str]:
            network.scroll_to(second_layer, 0, animate=False, immediate=True)
            await pilot.pause()
            return text_of(app, "#network").splitlines()[2:5]  # below the border and header

        assert not any(tallest_but_one in line for line in await top_lines_of_second_layer())
        network.scroll_to(second_layer, network.max_scroll_y, animate=False, immediate=True)
        await pilot.pause()
        app.session.network.weights[1][:] = 3.5
        app._draw()
        await pilot.pause()

        assert all(tallest_but_one in line for line in await top_lines_of_second_layer())


async def test_a_large_network_repaints_only_cells_in_view(new_app):
    app = new_app(network_shape=(NEURONS,) * 3, large_network=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        network = network_of(app)
        refreshes = record_refreshes(network)
        give_random_weights(app, seed=1)
        app._draw()
        await pilot.pause()

        regions = [region for call in refreshes for region in call]
        assert regions, "the new weights were not drawn"
        view = Region(0, 0, *network.size)
        assert all(region.overlaps(view) for region in regions)


async def test_a_large_network_is_repainted_a_few_lines_per_screen_update(new_app):
    app = new_app(network_shape=(NEURONS,) * 3, large_network=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        network = network_of(app)
        refreshes = record_refreshes(network)
        give_random_weights(app, seed=2)

        def lines_repainted() -> set[int]:
            return {region.y for call in refreshes for region in call}

        app._draw()
        assert 0 < len(lines_repainted()) <= REPAINT_LINES
        every_node_in_view = set(range(1, network.scrollable_content_region.height))
        await wait_for(pilot, lambda: lines_repainted() == every_node_in_view)


async def test_a_large_networks_new_weights_are_drawn_while_the_app_goes_on(new_app):
    """Sixteen layers of 64 draw 63k weights from the seeded stream (~0.2 s): meanwhile the
    event loop runs, the playground's keys do nothing, and the weights are the ones a
    reset of the same session draws."""
    shape = (NEURONS,) * 16
    app = new_app(network_shape=shape, large_network=True)
    reference = Session(app.session.config)
    reference.reset()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        keys_handled_meanwhile = []
        app.key_x = lambda: keys_handled_meanwhile.append(app.state)  # an extra key to see
        # Not awaited: the pilot waits for the app to be idle, so until the weights are in.
        presses = [asyncio.create_task(pilot.press("r"))]
        await wait_for(pilot, lambda: app.state == "new weights…")
        assert app.check_action("toggle_play", ()) is None
        presses.append(asyncio.create_task(pilot.press("x")))
        await wait_for(pilot, lambda: keys_handled_meanwhile)
        assert keys_handled_meanwhile == ["new weights…"]
        await asyncio.gather(*presses)
        assert app.state == "paused"
        assert np.array_equal(app.session.network.params, reference.network.params)
        assert app.check_action("toggle_play", ()) is True


async def test_a_large_session_file_is_read_while_the_app_goes_on(new_app, tmp_path, monkeypatch):
    """Loading reads and checks the file in a thread (63k weights): a key pressed meanwhile
    is handled, with the old session still on screen. The read is held until that key is
    handled, so the test does not depend on how fast the file is read."""
    large = Session(Config(seed="0.1", network_shape=(NEURONS,) * 16, large_network=True))
    path = tmp_path / "large.json"
    session_file.save(large, path)
    reading, release = threading.Event(), threading.Event()
    read = session_file.load

    def held_read(name):
        reading.set()
        release.wait(timeout=10)
        return read(name)

    monkeypatch.setattr(session_file, "load", held_read)
    app = new_app()
    app._session_path = str(path)  # what f offers to load
    small_shape = app.session.config.network_shape
    async with app.run_test(size=SIZE) as pilot:
        keys_handled_meanwhile = []
        app.key_x = lambda: keys_handled_meanwhile.append(app.session.config.network_shape)
        await pilot.press("f")
        presses = [asyncio.create_task(pilot.press("enter"))]
        await wait_for(pilot, reading.is_set)
        presses.append(asyncio.create_task(pilot.press("x")))
        await wait_for(pilot, lambda: keys_handled_meanwhile)
        release.set()
        await asyncio.gather(*presses)
        await wait_for(pilot, lambda: app.session.config.network_shape != small_shape)
        assert keys_handled_meanwhile == [small_shape]
        assert np.array_equal(app.session.network.params, large.network.params)
