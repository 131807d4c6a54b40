"""The app under abuse: every terminal size, thousands of random keys, divergence everywhere.

- Terminal sizes: from 200×60 down to 20×8 and back; below the minimum one message only.
- Key fuzz: random keys from the keymap, text, modal keys and resizes; afterwards and all
  along, the engine's invariants hold and the epoch only goes back when a key rebuilt.
- Divergence: learning rate 10 on every dataset and activation; NaN is drawn grey.

These tests run with the training clock on, as a user would see the app. Pilot.press waits
for the process to go idle, which never happens while the app trains, so the key fuzz posts
its key events itself and lets the app catch up with `pilot.pause(0)`: keys then arrive in
bursts, as they do from a fast typist or over SSH. When a burst paused the app (space, s, the
edit dialog), the fuzz closes what is open and presses space before the next, so that every
burst meets a training app but those after a divergence.
"""

from __future__ import annotations

import random
import string

import numpy as np
import pytest
from app_helpers import wait_for
from rich.color import Color
from textual import events
from textual.command import CommandPalette
from textual.geometry import Size
from textual.keys import _character_to_key, key_to_character

from tuiplay.engine.config import (
    ACTIVATIONS,
    CLASSIFICATION_DATASETS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    REGRESSION_DATASETS,
)
from tuiplay.engine.features import FEATURES
from tuiplay.ui.app import MIN_HEIGHT, MIN_WIDTH, TuiplayApp, format_size_message
from tuiplay.ui.palette import NAN_INDEX, UPPER_HALF_BLOCK
from tuiplay.ui.widgets.boundary import data_to_pixel
from tuiplay.ui.widgets.halfblock import HalfBlockCanvas
from tuiplay.ui.widgets.status import DIVERGED_HINT

SIZE = (120, 40)
PANELS = ("#status", "#controls", "#network", "#inspector", "#boundary", "#losses")
BIG_NETWORK = {"network_shape": (MAX_NEURONS,) * MAX_HIDDEN_LAYERS, "features": FEATURES}


async def resize(pilot, width: int, height: int) -> None:
    """Pilot.resize_terminal without its wait for an idle process (never, while training)."""
    size = Size(width, height)
    pilot.app.post_message(events.Resize(size, size))
    await wait_for(pilot, lambda: pilot.app.screen.size == size)
    await pilot.pause(0.05)


def screen_text(app: TuiplayApp) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def panel_regions(app: TuiplayApp) -> dict[str, tuple[int, int, int, int]]:
    return {selector: tuple(app.query_one(selector).region) for selector in PANELS}


# Terminal sizes


def shrinking_sizes() -> list[tuple[int, int]]:
    """200×60 down to 20×8 in even steps, passing through the minimum size and just below."""
    steps = 8
    sizes = [(round(200 - 180 * i / steps), round(60 - 52 * i / steps)) for i in range(steps + 1)]
    sizes += [(MIN_WIDTH, MIN_HEIGHT), (MIN_WIDTH - 1, MIN_HEIGHT - 1)]
    return sorted(set(sizes), reverse=True)


def assert_only_the_size_message(app: TuiplayApp, width: int, height: int) -> None:
    shown = screen_text(app).split()
    assert shown == format_size_message(width, height).split(), f"at {width}×{height}"
    assert f"{MIN_WIDTH}×{MIN_HEIGHT}" in shown and f"{width}×{height}:" in shown


def assert_the_playground_is_shown(app: TuiplayApp, width: int, height: int) -> None:
    for selector, (_, _, panel_width, panel_height) in panel_regions(app).items():
        assert panel_width > 0 and panel_height > 0, f"{selector} hidden at {width}×{height}"
    text = screen_text(app)
    assert "Decision boundary" in text and " 6┤" in text, f"at {width}×{height}"
    assert "needs a terminal" not in text


async def test_shrinking_to_20x8_and_growing_back_while_training(new_app):
    app = new_app(paused=False, **BIG_NETWORK)
    down = shrinking_sizes()
    # Back up the same steps, then one dimension too small at a time.
    trip = [*down, *down[-2::-1], (200, MIN_HEIGHT - 1), (MIN_WIDTH - 1, 60), (200, 60)]
    async with app.run_test(size=down[0]) as pilot:
        start_epoch = app.session.epoch
        for width, height in trip:
            await resize(pilot, width, height)
            if width < MIN_WIDTH or height < MIN_HEIGHT:
                assert_only_the_size_message(app, width, height)
            else:
                assert_the_playground_is_shown(app, width, height)
        assert app.playing and app.session.epoch > start_epoch


async def test_every_size_from_200x60_to_20x8_and_back_with_the_pilots_own_resize(new_app):
    """Paused, so that the pilot's resize_terminal, which waits for the app to go idle, can
    be used as is; in steps of 10 columns and 3 lines (the test above trains meanwhile)."""
    down = [(200 - 10 * step, 60 - 3 * step) for step in range(19)]  # 200x60 .. 20x6
    down = [(width, max(height, 8)) for width, height in down]
    async with new_app(**BIG_NETWORK).run_test(size=down[0]) as pilot:
        app = pilot.app
        for width, height in [*down, *down[-2::-1]]:
            await pilot.resize_terminal(width, height)
            if width < MIN_WIDTH or height < MIN_HEIGHT:
                assert_only_the_size_message(app, width, height)
            else:
                assert_the_playground_is_shown(app, width, height)


async def test_a_resized_terminal_gets_the_layout_of_its_new_size(new_app):
    fresh = new_app()
    async with fresh.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        expected = panel_regions(fresh)
    resized = new_app()
    async with resized.run_test(size=SIZE) as pilot:
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert panel_regions(resized) == expected


# Key fuzz

FUZZ_KEYS = 3000
PRINTABLE = [c for c in string.printable if c.isprintable() and c != "q"]  # q quits
ARROWS = ["left", "right", "up", "down"]
# Keys that rebuild the network (epoch 0) from the playground: reset, every setting that
# changes the data or the network (PLAYGROUND.md §7), the learning rate keys (they reset a
# diverged network), and the arrows and enter when the controls panel has focus.
# Keys that rebuild the network, and f, which loads a saved session with its own epoch.
REBUILDING_KEYS = frozenset("rdDcnNoObBpP][aA1234567+-><lLf")
CONTROLS_STEP_KEYS = frozenset(["left", "right", "enter"])


def playground_keys() -> list[str]:
    return [binding.key for binding in TuiplayApp.BINDINGS if binding.action != "quit"]


def random_key(rng: random.Random) -> str:
    """A key from the app's keymap, the arrows, printable text, or focus and modal keys."""
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(playground_keys())
    if roll < 0.65:
        return rng.choice(ARROWS)
    if roll < 0.87:
        return rng.choice(PRINTABLE)
    return rng.choice(["escape", "escape", "escape", "tab", "shift+tab", "enter", "ctrl+p"])


def random_burst(rng: random.Random) -> list[str]:
    """Keys as they arrive between two frames; sometimes a held key repeating."""
    if rng.random() < 0.1:
        return [rng.choice(playground_keys())] * rng.randint(4, 12)
    return [random_key(rng) for _ in range(rng.randint(1, 6))]


def without_palette_enter(burst: list[str], app: TuiplayApp) -> list[str]:
    """The burst, minus Enter while the command palette is open: it may run Quit or Save
    screenshot, which leave the playground."""
    if isinstance(app.screen, CommandPalette):
        return [key for key in burst if key != "enter"]
    return burst


def key_event(key: str) -> events.Key:
    """The event a terminal sends for `key`, named as Pilot.press names it."""
    if len(key) == 1:
        return events.Key(_character_to_key(key), key)
    return events.Key(key, key_to_character(key))


def may_reset_the_epoch(keys: list[str], controls_focused: bool) -> bool:
    """Whether any of `keys` can rebuild the network, so that the epoch may go back."""
    if any(key in REBUILDING_KEYS for key in keys):
        return True
    focus_may_move = controls_focused or "tab" in keys or "shift+tab" in keys
    return focus_may_move and any(key in CONTROLS_STEP_KEYS for key in keys)


def assert_engine_invariants(app: TuiplayApp) -> None:
    session = app.session
    config = session.config
    assert len(config.network_shape) <= MAX_HIDDEN_LAYERS
    assert all(1 <= neurons <= MAX_NEURONS for neurons in config.network_shape)
    assert set(config.features) <= set(FEATURES)
    assert session.network.layer_sizes == [len(config.features), *config.network_shape, 1]
    parameters = [*session.network.weights, *session.network.biases]
    finite = all(np.isfinite(values).all() for values in parameters)
    assert finite or session.diverged, "non-finite weights in a session not marked diverged"


async def resume_training(pilot, app: TuiplayApp) -> list[str]:
    """If a key paused the app (space, s, the edit dialog), close what is open over the
    playground and press space, so that the next burst meets a training app. A diverged app
    stays paused (space only says how to recover). Returns the keys pressed."""
    pressed: list[str] = []
    while not (app.playing or app.session.diverged) and len(pressed) < 8:
        # A paused app goes idle, so Pilot.press lands every key still on its way first: a
        # space from the last burst may resume the app, or closing the edit dialog may.
        key = "space" if app.screen is app.screen_stack[0] else "escape"
        pressed.append(key)
        await pilot.press(key)
    return pressed


async def test_three_thousand_random_keys_break_nothing(new_app):
    rng = random.Random(20261126)
    app = new_app(paused=False)
    async with app.run_test(size=(80, 24)) as pilot:  # the common SSH size, and cheaper frames
        controls = app.query_one("#controls")
        epoch, recent = app.session.epoch, []
        pressed = bursts = bursts_while_training = bursts_while_diverged = epochs_trained = 0
        while pressed < FUZZ_KEYS:
            if rng.random() < 0.02:
                await resize(pilot, rng.randint(20, 200), rng.randint(8, 60))
            resumed = await resume_training(pilot, app)
            burst = without_palette_enter(random_burst(rng), app)
            bursts += 1
            bursts_while_training += app.playing
            bursts_while_diverged += app.session.diverged
            focused_before = app.focused is controls
            for key in burst:
                app.post_message(key_event(key))
            pressed += len(resumed) + len(burst)
            await pilot.pause(0)
            await pilot.pause(0)
            assert app.is_running, f"the app stopped after {pressed} keys"
            assert_engine_invariants(app)
            # A key's effect shows within two bursts: the ones sent since the last two checks.
            keys, recent = recent + resumed + burst, resumed + burst
            controls_focused = focused_before or app.focused is controls
            if app.session.epoch < epoch:
                assert may_reset_the_epoch(keys, controls_focused), (
                    f"epoch {epoch} -> {app.session.epoch} after {keys}"
                )
            else:
                epochs_trained += app.session.epoch - epoch
            epoch = app.session.epoch
        # Training was on for the bursts, but for the few that met a diverged network; and
        # it trained (29 epochs a burst on average, measured).
        assert bursts_while_training + bursts_while_diverged == bursts
        assert bursts_while_training >= 0.9 * bursts
        assert epochs_trained >= bursts
        # Still responsive: close whatever is open, then reset and step one epoch.
        await resize(pilot, *SIZE)
        while app.screen is not app.screen_stack[0]:
            await pilot.press("escape")
        await pilot.press("s", "r", "s")  # s pauses first, so r leaves epoch 0 for s to step
        await pilot.pause(0.1)
        assert app.session.epoch == 1 and not app.session.diverged
        assert "epoch 000,001" in screen_text(app)
        assert_the_playground_is_shown(app, *SIZE)


# Divergence


def pixel_colors(app: TuiplayApp, canvas: HalfBlockCanvas) -> np.ndarray:
    """The RGB of every half-block pixel of `canvas` as drawn on the screen: (rows, columns, 3)."""
    region = canvas.region
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    pixels: list[list[tuple[int, int, int]]] = []
    for strip in strips:
        upper: list[tuple[int, int, int]] = []
        lower: list[tuple[int, int, int]] = []
        for segment in strip.crop(region.x, region.right):
            style = segment.style
            top = style.color if segment.text[:1] == UPPER_HALF_BLOCK else style.bgcolor
            upper += [rgb(top)] * segment.cell_length
            lower += [rgb(style.bgcolor)] * segment.cell_length
        pixels += [upper, lower]
    return np.array(pixels)


def rgb(color: Color | None) -> tuple[int, int, int]:
    return tuple(color.get_truecolor()) if color is not None else (-1, -1, -1)


def assert_nan_is_grey(app: TuiplayApp) -> None:
    """Exactly the pixels where the output is NaN are grey (pixels under points aside)."""
    session = app.session
    boundary = app.query_one("#boundary")
    size = boundary.grid_size
    field = session.node_outputs_on_grid(size)[-1][0]
    pixels = pixel_colors(app, boundary.query_one(HalfBlockCanvas))
    grey = (pixels == rgb(app.palette.colors[NAN_INDEX])).all(axis=-1)
    assert grey.shape == field.shape
    under_points = np.zeros(field.shape, dtype=bool)
    rows, columns = data_to_pixel(session.train_points, size)
    inside = (rows >= 0) & (rows < size) & (columns >= 0) & (columns < size)
    under_points[rows[inside], columns[inside]] = True
    assert np.array_equal(grey[~under_points], np.isnan(field)[~under_points])


DATASETS = [("classification", name) for name in CLASSIFICATION_DATASETS] + [
    ("regression", name) for name in REGRESSION_DATASETS
]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize(("problem", "dataset"), DATASETS)
async def test_learning_rate_10_on_every_dataset_and_activation(
    new_app, problem, dataset, activation
):
    data = {"dataset": dataset} if problem == "classification" else {"reg_dataset": dataset}
    app = new_app(paused=False, learning_rate=10.0, problem=problem, activation=activation, **data)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.diverged or app.session.epoch >= 50)
        if app.session.diverged:
            await pilot.pause(0.1)
            assert not app.playing
            assert DIVERGED_HINT in screen_text(app)
        else:
            await pilot.press("space")  # pause, so the screen holds still
            assert "diverged" not in screen_text(app)
        assert_nan_is_grey(app)
        await pilot.press("r")
        assert not app.session.diverged and app.session.epoch == 0
        assert_engine_invariants(app)
        assert "diverged" not in screen_text(app)
        assert not np.isnan(app.session.node_outputs_on_grid(16)[-1]).any()


async def test_editing_one_value_of_a_diverged_network_keeps_it_diverged(new_app):
    app = new_app(paused=False, problem="regression", learning_rate=10.0)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.session.diverged)
        await pilot.press("e", *"0.5", "enter")
        assert app.session.network.biases[-1][0] == 0.5
        assert_engine_invariants(app)
        assert DIVERGED_HINT in screen_text(app)


async def test_enter_twice_in_the_edit_dialog_closes_it_once(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        # Two Enters in one read, as a fast typist or a pasted newline pair sends them.
        app.post_message(key_event("enter"))
        app.post_message(key_event("enter"))
        await pilot.pause(0.2)
        assert app.is_running
        assert app.screen is app.screen_stack[0] and len(app.screen_stack) == 1
        await pilot.press("s")
        assert app.session.epoch == 1
