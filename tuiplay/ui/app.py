"""The tuiplay app: the TensorFlow Playground in a terminal.

The screen: a status line; the controls, quick keys and colour key on the left; the network
and the selected neuron's numbers in the middle; the decision boundary and the losses on
the right; key hints at the bottom. Panel widths are shared out in `_fit_panels`.

The training clock is a timer on the event loop (no threads: the GIL made them slower).
Each tick trains whole epochs for 60% of its 20 ms, so keys are never kept waiting long,
and draws a frame when one is due: one grid forward pass feeds the boundary and every
thumbnail, and each widget repaints only what changed. While paused the clock stops and
nothing is redrawn unless the user changes something, so a paused app sends nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import math
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import numpy as np
from rich.console import ColorSystem
from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.geometry import Size
from textual.notifications import Notify
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker

from tuiplay.engine import session_file
from tuiplay.engine.config import (
    LARGE_MAX_HIDDEN_LAYERS,
    LARGE_MAX_NEURONS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    NEW_LAYER_NEURONS,
    Config,
    ConfigError,
)
from tuiplay.engine.features import FEATURE_LABELS, FEATURES
from tuiplay.engine.save_target import SaveTargetError, check_save_target
from tuiplay.engine.trainer import Change, Session
from tuiplay.ui import DEFAULT_FPS
from tuiplay.ui.palette import palette_for, resolve_color_mode
from tuiplay.ui.screens.edit_node import BIAS, EditNodeScreen, Parameter
from tuiplay.ui.screens.file_name import FileNameScreen
from tuiplay.ui.screens.help import HelpScreen
from tuiplay.ui.widgets.boundary import Y_AXIS_WIDTH, Boundary
from tuiplay.ui.widgets.controls import ControlsPanel
from tuiplay.ui.widgets.inspector import Inspector, NodeReport
from tuiplay.ui.widgets.legend import Legend
from tuiplay.ui.widgets.losses import LossPanel, LossReport
from tuiplay.ui.widgets.network import (
    Cursor,
    NetworkPicture,
    NetworkView,
    layout_for,
    plan_layout,
)
from tuiplay.ui.widgets.settings import SETTINGS, SETTINGS_BY_NAME, Setting
from tuiplay.ui.widgets.status import DIVERGED_HINT, Status, StatusBar

T = TypeVar("T")

# How colours are sent to the terminal in each --colors mode asked for by name. Without a
# name (auto) the terminal's variables decide, and mono draws with glyphs, whatever its
# colours.
TERMINAL_COLOR_SYSTEMS = {
    "truecolor": ColorSystem.TRUECOLOR,
    "256": ColorSystem.EIGHT_BIT,
    "16": ColorSystem.STANDARD,
}

MIN_WIDTH, MIN_HEIGHT = 60, 20
# While playing, the clock trains in slices of SLICE seconds and yields to the event loop
# between them, so keys and screen updates wait at most one slice; a frame is drawn after
# the slices where one is due.
SLICE = 0.01
# A key passes through several message queues (app, screen, widget, action) and each hop
# waits for the next turn of the event loop; training pauses this long after a key so that
# no slice sits between the hops.
KEY_QUIET = 0.06
CHUNK = 0.002  # seconds of epochs between looks for a waiting key
LONG_EPOCH = 0.02  # seconds: a longer epoch is trained in pieces of about PIECE seconds
PIECE = 0.005
LOOP_BUSY = 0.005  # seconds of others' work in one turn of the event loop, see _take_turn
SHOWN_WITHIN = 0.1  # seconds the clock waits at most for a frame to reach the screen
HEAVY_FRAME = 0.003  # seconds of drawing in the app: Textual's screen update will take long
# Parameters of a new network from which its weights are drawn in a thread: the seeded
# stream takes ~3 µs a weight in Python, so these take over ~10 ms (see _draw_new_weights).
WEIGHTS_OFF_THE_LOOP = 3000
INPUT_SWITCH_INTERVAL = 0.001  # seconds: how long the input thread may wait for its turn
MIN_GRID = 16  # grid pixels per side, at least: thumbnails are block averages of it
LEFT_WIDTH = 24  # the controls and keys column
NARROW_LEFT_WIDTH = 22  # below WIDE columns: the controls drop their key hints
LOSS_HEIGHT = 5  # three lines and a border
BORDER = 2
BOUNDARY_CHROME = (Y_AXIS_WIDTH + BORDER, 2 + BORDER)  # cells around the field: axes, caption
MIN_RESOLUTION = 20  # boundary pixels per side when the network needs all the room
WIDE = 100  # from this width on, the network keeps 4-cell thumbnails and feature names
INSPECTOR_MIN_HEIGHT = 6  # with its border: a title, the bias, weights, a hint
RATE_WINDOW = 1.0  # seconds of history behind the epochs-per-second figure
DEFAULT_SESSION_FILE = "tuiplay-session.json"
WARNING_SECONDS = 10  # how long a start-up warning stays on screen
PANELS_PERIOD = 0.25  # while training, all but the boundary and status redraw this often
# Drawn in turn while training, each group one column of the screen, so that a frame's
# dirty box stays narrow: the network and the neuron under it; the losses under the boundary.
PANEL_GROUPS = ("network", "losses")
COLLECTION_PERIOD = 1.0  # seconds between the clock's garbage collections while training

QUICK_KEYS = """\
[b]space[/] play/pause
[b]s[/] step  [b]r[/] reset
[b]g[/] new data
[b]←→↑↓[/] pick neuron
[b]+ -[/] neurons
[b]> <[/] layers
[b]1-7[/] features
[b]d[/] data [b]l L[/] rate
[b]e[/] edit [b]tab[/] panels
[b]?[/] help [b]^p[/] commands"""


@dataclass(frozen=True)
class Key:
    """One line of the help screen and the bindings behind it."""

    keys: str
    description: str
    bindings: tuple[Binding, ...]


def _key(keys: str, description: str, *bindings: Binding) -> Key:
    return Key(keys, description, bindings)


def _hidden(key: str, action: str, description: str) -> Binding:
    return Binding(key, action, description, show=False)


def _setting_keys(name: str, up: str, down: str) -> Key:
    setting = SETTINGS_BY_NAME[name]
    noun = setting.noun
    return _key(
        f"{up} {down}",
        f"next / previous {noun}" if setting.wraps else f"{noun} up / down",
        _hidden(up, f"setting('{name}', 1)", f"Next {noun}" if setting.wraps else f"{noun} up"),
        _hidden(
            down,
            f"setting('{name}', -1)",
            f"Previous {noun}" if setting.wraps else f"{noun} down",
        ),
    )


KEY_SECTIONS: tuple[tuple[str, tuple[Key, ...]], ...] = (
    (
        "Training",
        (
            _key("space", "play / pause", Binding("space", "toggle_play", "Play")),
            _key("s", "step one epoch (pauses first)", Binding("s", "step", "Step")),
            _key("r", "reset the network: new weights, same data", Binding("r", "reset", "Reset")),
            _key("g", "regenerate the data: new seed", Binding("g", "regenerate", "New data")),
        ),
    ),
    (
        "Network",
        (
            _key(
                "← →",
                "cursor to the previous / next layer",
                _hidden("left", "move(-1, 0)", "Previous layer"),
                _hidden("right", "move(1, 0)", "Next layer"),
            ),
            _key(
                "↑ ↓",
                "cursor to the previous / next neuron",
                _hidden("up", "move(0, -1)", "Previous neuron"),
                _hidden("down", "move(0, 1)", "Next neuron"),
            ),
            _key("esc", "cursor back to the output", _hidden("escape", "home", "Back to output")),
            _key(
                "+ -",
                "add / remove a neuron in the selected hidden layer (output: the last; 1 to 8)",
                _hidden("+", "neurons(1)", "Add a neuron"),
                _hidden("-", "neurons(-1)", "Remove a neuron"),
            ),
            _key(
                "> <",
                "add a hidden layer (2 neurons) after the cursor / remove the selected (or last)",
                _hidden(">", "add_layer", "Add a hidden layer"),
                _hidden("<", "remove_layer", "Remove a hidden layer"),
            ),
            _key(
                "1-7",
                "toggle the features x, y, x², y², xy, sin x, sin y",
                *(
                    _hidden(
                        str(i + 1), f"toggle_feature({i})", f"Toggle feature {FEATURE_LABELS[name]}"
                    )
                    for i, name in enumerate(FEATURES)
                ),
            ),
            _key(
                "e",
                "edit the selected neuron's bias and weights",
                Binding("e", "edit_node", "Edit"),
            ),
        ),
    ),
    (
        "Settings (or Tab to the controls panel: ↑ ↓ choose, ← → change)",
        (
            _setting_keys("dataset", "d", "D"),
            _key(
                "c",
                "problem type: classification / regression",
                _hidden("c", "setting('problem', 1)", "Switch problem type"),
            ),
            _setting_keys("noise", "n", "N"),
            _setting_keys("train_ratio", "o", "O"),
            _setting_keys("batch_size", "b", "B"),
            _setting_keys("learning_rate", "l", "L"),
            _setting_keys("activation", "a", "A"),
            _setting_keys("regularization", "p", "P"),
            _setting_keys("regularization_rate", "]", "["),
            _key(
                "t",
                "show / hide the test data",
                _hidden("t", "toggle('show_test_data')", "Show/hide test data"),
            ),
            _key(
                "z",
                "discretize the output (threshold at 0)",
                _hidden("z", "toggle('discretize')", "Discretize output"),
            ),
        ),
    ),
    (
        "App",
        (
            _key("tab", "focus the next panel (network, controls)"),
            _key("click", "select a neuron, or a row of the controls panel"),
            _key(
                "w f",
                f"save the session to a file / load one (default {DEFAULT_SESSION_FILE})",
                _hidden("w", "save_session", "Save the session"),
                _hidden("f", "load_session", "Load a session"),
            ),
            _key(
                "i",
                "save a screenshot (SVG) in the current folder",
                Binding("i", "take_screenshot", "Screenshot"),
            ),
            _key("?", "this help", Binding("question_mark", "help", "Help")),
            _key("ctrl+p", "command palette: every action and every setting"),
            _key("q ctrl+q", "quit", Binding("q", "quit", "Quit")),
        ),
    ),
)


def _all_bindings() -> list[Binding]:
    return [binding for _, keys in KEY_SECTIONS for key in keys for binding in key.bindings]


# The actions behind the keys above, by name (without their arguments), except the two the
# tour keeps: quitting and taking a screenshot.
PLAYGROUND_ACTIONS = frozenset(
    binding.action.split("(")[0]
    for binding in _all_bindings()
    if binding.action not in ("quit", "take_screenshot")
)


def format_size_message(width: int, height: int) -> str:
    return (
        f"tuiplay needs a terminal of at least {MIN_WIDTH}×{MIN_HEIGHT}\n"
        f"this one is {width}×{height}: make it larger"
    )


class TuiplayApp(App[None]):
    """The Playground: one Session, drawn and steered from the keyboard."""

    CSS_PATH = "tuiplay.tcss"
    TITLE = "tuiplay"
    AUTO_FOCUS = "#network"
    BINDINGS = _all_bindings()

    def __init__(
        self,
        config: Config,
        *,
        paused: bool = False,
        colors: str = "auto",
        fps: int = DEFAULT_FPS,
        warnings: Sequence[str] = (),
        session_path: str = DEFAULT_SESSION_FILE,
    ) -> None:
        mode = resolve_color_mode(os.environ, colors)
        super().__init__(ansi_color=mode == "16")
        if colors in TERMINAL_COLOR_SYSTEMS:
            # Rich chose the console's colour system from COLORTERM and TERM as Textual made
            # it: truecolor went out as 256 colours without COLORTERM, 16 colours as 256.
            # Textual encodes every screen update with that choice (Strip.render).
            self.console._color_system = TERMINAL_COLOR_SYSTEMS[colors]
        self.session = Session(config)
        self.palette = palette_for(mode)
        self.fps = fps
        self._clock: Worker | None = None
        self._playing = not paused
        self._last_frame = 0.0
        self._last_panels = 0.0
        self._panel_turn = 0  # index in PANEL_GROUPS of the group the clock drew last
        self._last_collection = 0.0  # time.perf_counter() of the clock's last full collection
        self._last_input = 0.0  # time.perf_counter() of the last key or click seen
        self._epoch_seconds = 0.0  # what the last epoch measured took to train
        self._epoch_work = 0.0  # seconds spent so far on the epoch being trained in pieces
        self._mounted = False  # App.is_mounted is a method about widgets, not the app
        self._drawing_weights = False  # a large network's new weights are drawn in a thread
        self.cursor = self._output_cursor()
        self._grid_size = 0
        self._feature_grids: np.ndarray | None = None
        # (time.perf_counter(), epoch, bytes written to the terminal) over the last RATE_WINDOW
        self._rate_samples: deque[tuple[float, int, int]] = deque()
        # the command line's, hidden behind the screen
        self._warnings = _worth_showing(warnings, config)
        self._session_path = session_path  # the last file saved or loaded: w and f offer it

    # Layout

    def compose(self) -> ComposeResult:
        self._status = StatusBar(id="status")
        self._controls = ControlsPanel(self.session.config, id="controls")
        self._network = NetworkView(self.palette, id="network")
        self._inspector = Inspector(id="inspector")
        self._boundary = Boundary(self.palette.mode, id="boundary")
        self._losses = LossPanel(id="losses")
        with Vertical(id="body"):
            yield self._status
            with Horizontal(id="panels"):
                with Vertical(id="left"):
                    yield self._controls
                    with Vertical(id="guide"):
                        yield Static(Content.from_markup(QUICK_KEYS), id="keys")
                        yield Legend(self.palette, id="legend")
                with Vertical(id="middle"):
                    yield self._network
                    yield self._inspector
                with Vertical(id="right"):
                    yield self._boundary
                    yield self._losses
            yield Footer()
        yield Static("", id="too-small")

    def on_mount(self) -> None:
        self._mounted = True
        self._controls.border_title = "Controls"
        self._inspector.border_title = "Neuron"
        self._network.border_title = "Network"
        self._boundary.border_title = "Decision boundary"
        self._losses.border_title = "Loss"
        self.query_one("#guide").border_title = "Keys · colours"
        self._fit_panels()
        self._show_status()
        if self.playing:
            self._start_clock()
        self.call_after_refresh(self._draw)
        # Start-up's objects (modules, widgets, styles) live as long as the app. Frozen, they
        # are no longer walked by every full garbage collection, which took ~150 ms: a key
        # pressed then waited that long.
        self.call_after_refresh(gc.freeze)

    def on_resize(self, event: Resize) -> None:
        width, height = event.size
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(too_small, "-too-small")
        if too_small:
            self.query_one("#too-small", Static).update(format_size_message(width, height))
        else:
            self._fit_panels(event.size)  # self.size is still the old size here

    def _fit_panels(self, size: Size | None = None) -> None:
        """Share the width: the network keeps readable thumbnails, the boundary gets the rest.

        The boundary is square in pixels, so its side is also bounded by the height left
        above the loss panel. `size` is the terminal's, by default the current one.
        """
        width, height = size or self.size
        panels_height = height - 2  # below the status line, above the key hints
        left_width = LEFT_WIDTH if width >= WIDE else NARROW_LEFT_WIDTH
        self._controls.parent.styles.width = left_width
        chrome_x, chrome_y = BOUNDARY_CHROME
        layer_sizes = self.session.network.layer_sizes
        thumb, labels = (4, True) if width >= WIDE else (2, False)
        network_width = layout_for(layer_sizes, thumb, labels).width + BORDER
        by_width = width - left_width - network_width - chrome_x
        by_height = 2 * (panels_height - LOSS_HEIGHT - chrome_y)
        resolution = max(min(by_width, by_height), MIN_RESOLUTION) // 2 * 2
        right_width = resolution + chrome_x
        self._boundary.parent.styles.width = right_width
        self._boundary.styles.height = resolution // 2 + chrome_y
        # The network panel is as tall as its picture; the inspector takes the rest.
        room = Size(
            width - left_width - right_width - BORDER,
            panels_height - INSPECTOR_MIN_HEIGHT - BORDER,
        )
        network = plan_layout(layer_sizes, room)
        scrollbar = 1 if network.width > room.width else 0
        # A network taller than the room (only with --large-network) scrolls in it.
        self._network.styles.height = min(network.height, room.height) + BORDER + scrollbar

    @on(Boundary.GridSizeChanged)
    def _boundary_resized(self) -> None:
        self._draw()

    # The training clock

    @property
    def playing(self) -> bool:
        return self._playing

    @playing.setter
    def playing(self, playing: bool) -> None:
        """Start or stop the clock: a paused app does no work at all."""
        self._playing = playing
        if playing and self._mounted:
            self._start_clock()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = time.perf_counter()
        await super().on_event(event)

    def _start_clock(self) -> None:
        if self._clock is None or self._clock.is_finished:
            self._clock = self.run_worker(self._run_clock(), group="clock", exclusive=True)

    async def _run_clock(self) -> None:
        """Train while playing, a slice at a time; draw when a frame is due (at most `fps`).

        A set_interval timer skips a tick whenever the last one ran long, which left the
        CPU idle half the time; a loop that yields after each slice keeps training busy
        and still lets every key and screen update in within one slice.
        """
        while self.playing:
            await self._take_turn()
            if self._input_waiting() or self._drawing_weights:
                await asyncio.sleep(SLICE)  # a key is on its way through Textual: let it
                continue
            self._train(SLICE)
            if self.session.diverged:
                self.playing = False
                self._draw()
            # A key's frame comes first, and small; and the Playground draws between epochs,
            # never in the middle of one.
            elif not self._input_waiting() and not self.session.mid_epoch:
                now = time.perf_counter()
                if now - self._last_frame >= 1 / self.fps:
                    await self._take_turn()  # a large network's slice and frame each take long
                    if self.playing and not self._input_waiting():
                        began = time.perf_counter()
                        self._draw(panels=self._panels_due(now))
                        if time.perf_counter() - began > HEAVY_FRAME:
                            await self._frame_shown()
                elif now - self._last_collection >= COLLECTION_PERIOD:
                    await self._take_turn()  # a collection takes 10-40 ms: not after a slice
                    self._collect_garbage(now)

    async def _frame_shown(self) -> None:
        """Wait (at most SHOWN_WITHIN) until Textual has put the frame on the screen, so that
        its screen update, up to ~30 ms for a heavy frame, does not share a turn of the loop
        with a slice. Light frames are not waited for: the wait costs training time."""
        shown = asyncio.Event()
        self.call_after_refresh(shown.set)
        with contextlib.suppress(asyncio.TimeoutError):  # not the builtin one before 3.11
            await asyncio.wait_for(shown.wait(), SHOWN_WITHIN)

    async def _take_turn(self) -> None:
        """Let the event loop run what is waiting. If that held it longer than LOOP_BUSY
        (a screen update of a large network), give it another turn before more work of ours,
        so that the loop reads the terminal between the two."""
        yielded = time.perf_counter()
        await asyncio.sleep(0)
        if time.perf_counter() - yielded > LOOP_BUSY:
            await asyncio.sleep(0)

    def _panels_due(self, now: float) -> tuple[str, ...]:
        """The next panel group in turn if its time has come, so that each group is drawn
        every PANELS_PERIOD; else none."""
        if now - self._last_panels < PANELS_PERIOD / len(PANEL_GROUPS):
            return ()
        self._panel_turn = (self._panel_turn + 1) % len(PANEL_GROUPS)
        return (PANEL_GROUPS[self._panel_turn],)

    def _collect_garbage(self, now: float) -> None:
        """Every frame leaves thousands of objects in reference cycles (Textual's strips
        cache themselves); left to the automatic collector they pile up until a full
        collection frees them all at once, 50 to 90 ms during which no key is read. Freed
        every COLLECTION_PERIOD, they take a few milliseconds."""
        self._last_collection = now
        gc.collect()

    def _input_waiting(self) -> bool:
        """A key or click arrived less than KEY_QUIET ago: it is still on its way to its
        action and the screen, and training would hold it up."""
        # the terminal driver stamps a key as it reads it, long before on_event sees it
        last_input = max(self._last_input, getattr(self._driver, "last_input", 0.0))
        return time.perf_counter() - last_input < KEY_QUIET

    def _train(self, budget: float) -> None:
        """Train whole epochs until `budget` seconds are spent (at least one epoch) or a key
        arrives, in chunks of at most CHUNK seconds so that a key waits at most that long.
        Epochs longer than LONG_EPOCH (large networks) are trained in pieces instead."""
        if self._epoch_seconds > LONG_EPOCH:
            self._train_in_pieces(budget)
            return
        start = time.perf_counter()
        chunk = 1
        trained = 0
        while True:
            ran = self.session.step_epochs(chunk)
            trained += ran
            if ran < chunk or self.session.diverged or self._input_waiting():
                return
            elapsed = time.perf_counter() - start
            per_epoch = self._epoch_seconds = elapsed / trained
            remaining = budget - elapsed
            if remaining < per_epoch:
                return
            chunk = max(1, int(min(remaining, CHUNK) / per_epoch))  # whole epochs that fit

    def _train_in_pieces(self, budget: float) -> None:
        """Train pieces of about PIECE seconds until `budget` is spent or a key arrives: an
        epoch of a large network would hold a key longer than the app may keep one waiting.
        The pieces give the numbers of whole epochs (Session.train_part)."""
        parts = math.ceil(self._epoch_seconds / PIECE)
        start = time.perf_counter()
        while True:
            began = time.perf_counter()
            ended_epoch = self.session.train_part(parts)
            now = time.perf_counter()
            self._epoch_work += now - began
            if ended_epoch:
                self._epoch_seconds, self._epoch_work = self._epoch_work, 0.0
            if self.session.diverged or self._input_waiting() or now - start >= budget:
                return

    def _rates(self) -> tuple[float | None, float | None]:
        """Epochs and bytes to the terminal per second over the last RATE_WINDOW; None while
        too little is known, and bytes/s None with a driver that does not count them."""
        now = time.perf_counter()
        written = getattr(self._driver, "bytes_written", None)
        samples = self._rate_samples
        samples.append((now, self.session.epoch, written or 0))
        while samples and now - samples[0][0] > RATE_WINDOW:
            samples.popleft()
        if len(samples) < 2 or samples[-1][0] - samples[0][0] < 0.2:
            return None, None
        (t0, e0, b0), (t1, e1, b1) = samples[0], samples[-1]
        return (e1 - e0) / (t1 - t0), None if written is None else (b1 - b0) / (t1 - t0)

    # Drawing: one grid pass per frame feeds everything

    def _draw(self, *, panels: Sequence[str] = PANEL_GROUPS) -> None:
        """Draw the boundary and status, and the `panels` groups (PANEL_GROUPS) named.

        While training, the clock asks for one panel group at a time, each every
        PANELS_PERIOD: the panels are most of a frame's cost (dozens of thumbnails, numbers,
        a chart), and a key pressed during a frame waits for it, so no frame draws them all.
        """
        if self.has_class("-too-small") or not self._network.is_attached:
            return
        if self._drawing_weights:
            return  # the session is changing in another thread
        now = self._last_frame = time.perf_counter()
        session = self.session
        boundary = self._boundary
        size = max(boundary.grid_size, MIN_GRID)
        if size != self._grid_size:
            self._grid_size = size
            self._feature_grids = np.stack([session.feature_grid(f, size) for f in FEATURES])
        grids = session.node_outputs_on_grid(size)
        exact = bool(panels) or not self.playing  # small shade changes wait for panel frames
        boundary.show(self._selected_grid(grids), session, self._caption(), exact=exact)
        if panels:
            self._last_panels = now
            self._draw_panels(grids, panels)
        self._show_status()

    def _draw_panels(self, grids: list[np.ndarray], groups: Sequence[str]) -> None:
        if "network" in groups:
            self._draw_network(grids)
            self._inspector.show(self._node_report())
        if "losses" in groups:
            self._draw_losses()

    def _draw_network(self, grids: list[np.ndarray]) -> None:
        session = self.session
        self._network.show(
            NetworkPicture(
                features_on=session.config.features,
                feature_grids=self._feature_grids,
                node_grids=grids[1:],
                weights=session.network.weights,
                biases=session.network.biases,
                dead=session.network.dead,
                cursor=self.cursor,
            )
        )

    def _draw_losses(self) -> None:
        """The losses and their chart, and the controls (which change only on a key)."""
        session = self.session
        history = session.history
        self._losses.show(
            LossReport(
                train_loss=session.train_loss,
                test_loss=session.test_loss,
                train_accuracy=session.train_accuracy,
                test_accuracy=session.accuracy,
                epochs=history.epochs,
                train_history=history.train,
                test_history=history.test,
            ),
            history=True,
        )
        self._controls.show(session.config)

    @property
    def state(self) -> str:
        """What the status line says the session is doing: playing, paused or diverged."""
        if self._drawing_weights:
            return "new weights…"
        if self.session.diverged:
            return "diverged"
        return "playing" if self.playing else "paused"

    def _show_status(self) -> None:
        session = self.session
        config = session.config
        epochs_per_second, bytes_per_second = self._rates() if self.playing else (None, None)
        self._status.show(
            Status(
                epoch=session.epoch,
                state=self.state,
                epochs_per_second=epochs_per_second,
                bytes_per_second=bytes_per_second,
                summary=f"{config.active_dataset} · {config.problem} · seed {config.seed}",
            )
        )

    def _selected_grid(self, grids: list[np.ndarray]) -> np.ndarray:
        column, node = self.cursor.column, self.cursor.node
        if column == 0:
            return self._feature_grids[node]
        return grids[column][node]

    def _caption(self) -> str:
        column, node = self.cursor.column, self.cursor.node
        if column == self._output_column():
            return "output"
        if column == 0:
            return f"feature {FEATURE_LABELS[FEATURES[node]]} (esc: output)"
        return f"layer {column}, neuron {node + 1} (esc: output)"

    def _node_report(self) -> NodeReport:
        column, node = self.cursor.column, self.cursor.node
        config = self.session.config
        if column == 0:
            name = FEATURES[node]
            state = "on" if name in config.features else f"off (key {node + 1})"
            return NodeReport(f"feature {FEATURE_LABELS[name]}", state, None, (), False)
        network = self.session.network
        layer = column - 1
        is_output = column == self._output_column()
        activation = config.output_activation if is_output else config.activation
        title = "output" if is_output else f"layer {column}, neuron {node + 1}"
        weights = tuple(
            (name, float(w), bool(dead))
            for name, w, dead in zip(
                self._source_names(column),
                network.weights[layer][node],
                network.dead[layer][node],
                strict=True,
            )
        )
        bias = float(network.biases[layer][node])
        return NodeReport(title, activation, bias, weights, True)

    def _source_names(self, column: int) -> list[str]:
        if column == 1:
            return [FEATURE_LABELS[f] for f in self.session.config.features]
        count = self.session.network.layer_sizes[column - 1]
        return [f"L{column - 1}·{i + 1}" for i in range(count)]

    def replace_session(self, session: Session) -> None:
        """Show another session (a tour's next step, a loaded file) in place of this one.

        The cursor goes back to the output, since the new network may have other layers.
        """
        self.session = session
        self.cursor = self._output_cursor()
        self._rate_samples.clear()
        if self._mounted:
            self._fit_panels()
            self._draw()

    # The cursor

    def _output_column(self) -> int:
        return len(self.session.config.network_shape) + 1

    def _output_cursor(self) -> Cursor:
        return Cursor(self._output_column(), 0)

    def _column_size(self, column: int) -> int:
        if column == 0:
            return len(FEATURES)
        return self.session.network.layer_sizes[column]

    def _place_cursor(self, column: int, node: int) -> None:
        column = min(max(column, 0), self._output_column())
        node = min(max(node, 0), self._column_size(column) - 1)
        self.cursor = Cursor(column, node)

    def _selected_hidden_layer(self, if_none: str) -> int | None:
        """The hidden layer (0-based) that + - and < act on: the cursor's, or from the
        output the last one (as the Playground's remove-layer button takes the last; the
        cursor starts on the output). From an input, None and a notification asking for a
        layer; with no hidden layer, None and the notification `if_none`."""
        hidden = len(self.session.config.network_shape)
        if hidden == 0:
            self.notify(if_none)
        elif self.cursor.column == 0:
            self.notify("select a hidden layer first: → from the inputs")
        else:
            return min(self.cursor.column, hidden) - 1
        return None

    def action_move(self, columns: int, nodes: int) -> None:
        self._place_cursor(self.cursor.column + columns, self.cursor.node + nodes)
        self._draw()

    def action_home(self) -> None:
        self._network.focus()
        self._place_cursor(self._output_column(), 0)
        self._draw()

    # Training controls

    def action_toggle_play(self) -> None:
        if self.session.diverged:
            self.notify(DIVERGED_HINT, severity="warning")
            return
        self.playing = not self.playing
        if not self.playing:
            # A paused playground shows the network as an epoch left it, losses and all.
            self.session.finish_epoch()
        self._rate_samples.clear()
        self._draw()

    def action_step(self) -> None:
        self.playing = False
        self.session.step_epochs(1)
        self.call_later(self._draw)  # in a turn of its own: each takes ~25 ms at 16 layers of 64

    def action_reset(self) -> None:
        self._reset_network(then=lambda _: self._draw())

    def _reset_network(self, then: Callable[[None], None]) -> None:
        """New weights for the same network (off the loop if it is large), then `then`."""
        self._draw_new_weights(self.session.reset, self.session.network.params.size, then)

    def action_regenerate(self) -> None:
        self.session.regenerate()
        self._draw()

    # Changing the configuration

    def _change(self, then: Callable[[Change], None], **changes: object) -> None:
        """Apply config changes through the session (PLAYGROUND.md §7), then `then(change)`;
        a change the config refuses is a notification instead."""
        if self._drawing_weights:  # the command palette's settings are not greyed out
            self.notify("a moment: the new network's weights are being drawn")
            return
        try:
            config = self.session.config.replace(**changes)
        except ConfigError as error:
            self.notify(str(error), severity="warning")
            return
        weights = self.session.weights_drawn_by(config)

        def applied(change: Change) -> None:
            self._fit_panels()
            then(change)

        self._draw_new_weights(partial(self.session.apply, config), weights, applied)

    def _draw_new_weights(
        self, change: Callable[[], T], weights: int, then: Callable[[T], None]
    ) -> None:
        """Run `change`, a session change that draws `weights` new weights from the seeded
        stream, then `then` with its result. A large network's take longer than a key may
        wait (65k: 0.2 s), so they are drawn in a thread while the app goes on reading keys;
        meanwhile the clock neither trains nor draws and the playground's keys do nothing
        (check_action; the footer is not refreshed to grey them: Textual rebuilds it, ~25 ms
        on a large network's screen)."""
        if weights < WEIGHTS_OFF_THE_LOOP:
            then(change())
            return
        self._drawing_weights = True
        self._show_status()
        self.run_worker(self._draw_in_a_thread(change, then), group="weights")

    async def _draw_in_a_thread(self, change: Callable[[], T], then: Callable[[T], None]) -> None:
        try:
            result = await asyncio.to_thread(change)
        finally:
            self._drawing_weights = False
        then(result)

    def action_setting(self, name: str, direction: int) -> None:
        setting = SETTINGS_BY_NAME[name]
        config = self.session.config
        value = setting.stepped(config, direction)
        if value is None:
            end = "highest" if direction > 0 else "lowest"
            self.notify(
                f"{setting.label} is already at its {end} value, {setting.value_text(config)}"
            )
            return
        self._set(setting, value)

    def _set(self, setting: Setting, value: object) -> None:
        self._change(
            partial(self._after_set, setting), **setting.changes(self.session.config, value)
        )

    def _after_set(self, setting: Setting, change: Change) -> None:
        if self.session.diverged and setting.field == "learning_rate":
            # NaN weights stay NaN at any rate: start again from fresh weights, and train.
            self.notify("the network had diverged: training again from new weights")
            self._reset_network(then=self._train_again)
        elif change is Change.LIVE:
            # Only the setting's own line changed (a rate, the batch size): redrawing just
            # the controls shows the key's effect in the next frame, not behind a full one.
            self._controls.show(self.session.config)
        else:
            self._show_new_network()

    def _train_again(self, _: object = None) -> None:
        self.playing = True
        self._rate_samples.clear()
        self._show_new_network()

    def _show_new_network(self, _: object = None) -> None:
        self._place_cursor(self.cursor.column, self.cursor.node)
        self._draw()

    def action_toggle(self, field: str) -> None:
        self._change(lambda _: self._draw(), **{field: not getattr(self.session.config, field)})

    def action_toggle_feature(self, index: int) -> None:
        name = FEATURES[index]
        features = set(self.session.config.features) ^ {name}
        self._change(lambda _: self._draw(), features=tuple(f for f in FEATURES if f in features))

    def action_neurons(self, delta: int) -> None:
        layer = self._selected_hidden_layer(if_none="there is no hidden layer: add one with >")
        if layer is None:
            return
        shape = list(self.session.config.network_shape)
        count = shape[layer] + delta
        _, most_neurons = _network_limits(self.session.config)
        if not 1 <= count <= most_neurons:
            limit = "most" if delta > 0 else "least"
            self.notify(
                f"layer {layer + 1} has {_count(shape[layer], 'neuron')}, the {limit} allowed "
                f"(1 to {most_neurons}){'; remove the layer with <' if delta < 0 else ''}"
            )
            return
        shape[layer] = count
        self._change_shape(shape, self.cursor.column)  # the cursor stays on the layer

    def action_add_layer(self) -> None:
        shape = list(self.session.config.network_shape)
        most_layers, _ = _network_limits(self.session.config)
        if len(shape) >= most_layers:
            self.notify(
                f"the network has {len(shape)} hidden layers, the most allowed (0 to {most_layers})"
            )
            return
        position = min(self.cursor.column, len(shape))  # after the cursor's; the output's: last
        shape.insert(position, NEW_LAYER_NEURONS)
        on_output = self.cursor.column == self._output_column()
        self._change_shape(shape, self.cursor.column + on_output)

    def action_remove_layer(self) -> None:
        layer = self._selected_hidden_layer(if_none="there is no hidden layer to remove")
        if layer is None:
            return
        shape = list(self.session.config.network_shape)
        del shape[layer]
        on_output = self.cursor.column == self._output_column()
        self._change_shape(shape, self.cursor.column - on_output)  # the next layer, or output

    def _change_shape(self, shape: list[int], cursor_column: int) -> None:
        def reshaped(_: Change) -> None:
            self._place_cursor(cursor_column, self.cursor.node)
            self._draw()

        self._change(reshaped, network_shape=tuple(shape))

    # Editing a neuron

    def action_edit_node(self) -> None:
        column, node = self.cursor.column, self.cursor.node
        if column == 0:
            self.notify("an input feature has no bias or weights: move the cursor right (→)")
            return
        network = self.session.network
        layer = column - 1
        parameters = [Parameter(BIAS, "bias", float(network.biases[layer][node]))]
        parameters += [
            Parameter(source, f"weight from {name}", float(network.weights[layer][node][source]))
            for source, name in enumerate(self._source_names(column))
        ]
        was_playing, self.playing = self.playing, False
        title = (
            "output" if column == self._output_column() else f"layer {column}, neuron {node + 1}"
        )
        self.push_screen(
            EditNodeScreen(title, parameters),
            partial(self._apply_edit, layer, node, was_playing),
        )

    def _apply_edit(
        self, layer: int, node: int, was_playing: bool, changes: dict[int, float] | None
    ) -> None:
        for key, value in (changes or {}).items():
            if key == BIAS:
                self.session.set_bias(layer, node, value)
            else:
                self.session.set_weight(layer, node, key, value)
        self.playing = was_playing
        self._draw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While a modal (help, edit, palette) is open, the playground's keys wait behind it;
        while a large network's weights are drawn, they do nothing."""
        if action not in PLAYGROUND_ACTIONS:
            return True
        if self._drawing_weights:
            return None  # disabled until the new network is in
        return self.screen is self.screen_stack[0]

    # Files: screenshots and sessions

    def on_ready(self) -> None:
        for warning in self._warnings:
            self.notify(warning, severity="warning", timeout=WARNING_SECONDS)

    @on(Notify)
    def _take_down_the_same_notification(self, message: Notify) -> None:
        """A notification already on screen goes as the same one comes (Textual's own handler
        runs after this one and adds it), so that a key held at a limit shows one
        notification for the full time, not a pile of them covering the screen."""
        new = message.notification
        same = (new.message, new.title, new.severity)
        for shown in list(self._notifications):
            if (shown.message, shown.title, shown.severity) == same:
                self._unnotify(shown, refresh=False)

    def action_take_screenshot(self) -> None:
        name = _unused_name(time.strftime("tuiplay-%Y%m%d-%H%M%S"), ".svg")
        try:
            self.save_screenshot(name)
        except OSError as error:
            self.notify(f"{name}: screenshot not saved: {error.strerror}", severity="error")
            return
        self.notify(f"screenshot saved: {name}")

    def action_save_session(self) -> None:
        self.push_screen(FileNameScreen("Save the session", self._session_path), self._save_session)

    def _save_session(self, name: str | None) -> None:
        if name is None:
            return
        path = os.path.expanduser(name)
        try:
            check_save_target(path, replaceable=True)  # as the command line's --save does
            session_file.save(self.session, path)
        except (SaveTargetError, session_file.SessionFileError) as error:
            self.notify(str(error), severity="error")
            return
        self._session_path = name
        self.notify(f"session saved to {name} (epoch {self.session.epoch:,})")

    def action_load_session(self) -> None:
        self.push_screen(FileNameScreen("Load a session", self._session_path), self._load_session)

    def _load_session(self, name: str | None) -> None:
        """Show the session in the file; if it cannot be read, say why and keep this one.

        The file is read in a thread while this session goes on: building a large network
        draws all its weights from the seeded stream first (65k: 0.2 s)."""
        if name is not None:
            self.run_worker(self._load_in_a_thread(name), group="load", exclusive=True)

    async def _load_in_a_thread(self, name: str) -> None:
        try:
            loaded = await asyncio.to_thread(session_file.load, Path(name).expanduser())
        except session_file.SessionFileError as error:
            self.notify(str(error), severity="error")
            return
        self._session_path = name
        self.replace_session(loaded)
        self.notify(f"loaded {name}: epoch {loaded.epoch:,}")

    # Help and the command palette

    def action_help(self) -> None:
        sections = [
            (title, [(key.keys, key.description) for key in keys]) for title, keys in KEY_SECTIONS
        ]
        self.push_screen(HelpScreen(sections, self.palette))

    @on(NetworkView.Picked)
    def _node_clicked(self, message: NetworkView.Picked) -> None:
        self._place_cursor(message.cursor.column, message.cursor.node)
        self._draw()

    @on(ControlsPanel.Step)
    def _step_from_controls(self, message: ControlsPanel.Step) -> None:
        name, direction = message.name, message.direction
        if name in SETTINGS_BY_NAME:
            self.action_setting(name, direction)
        elif name == "layers":
            self.action_add_layer() if direction > 0 else self.action_remove_layer()
        elif name == "neurons":
            self.action_neurons(direction)
        elif name in ("show_test_data", "discretize"):
            self.action_toggle(name)
        else:
            self.notify("toggle the features with the keys 1 to 7")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for _, keys in KEY_SECTIONS:
            for key in keys:
                for binding in key.bindings:
                    yield SystemCommand(
                        binding.description,
                        f"{key.description} (key {self.get_key_display(binding)})",
                        partial(self.run_action, binding.action),
                    )
        config = self.session.config
        for setting in SETTINGS:
            for value in setting.choices(config):
                yield SystemCommand(
                    f"Set {setting.noun} to {value}",
                    f"currently {setting.value_text(config)}",
                    partial(self._set, setting, value),
                    discover=False,
                )


def _worth_showing(warnings: Sequence[str], config: Config) -> tuple[str, ...]:
    """The command line's `warnings`, less its note that the network is beyond the UI's
    limits when --large-network asked for such a network. (Without a URL only that flag
    allows one; a URL's note stays, since a URL turns large networks on by itself.)"""
    if not config.large_network:
        return tuple(warnings)
    small = config.replace(network_shape=())
    shape_notes = set(config.beyond_ui_limits()) - set(small.beyond_ui_limits())
    return tuple(w for w in warnings if w.removeprefix("note: ") not in shape_notes)


def _network_limits(config: Config) -> tuple[int, int]:
    """The most hidden layers, and neurons in one, that `config` allows."""
    if config.large_network:
        return LARGE_MAX_HIDDEN_LAYERS, LARGE_MAX_NEURONS
    return MAX_HIDDEN_LAYERS, MAX_NEURONS


def _count(number: int, noun: str) -> str:
    """'1 neuron', '2 neurons'."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _unused_name(stem: str, suffix: str) -> str:
    """`stem + suffix`, or with -2, -3... added if a file of that name is already here."""
    name, number = stem + suffix, 1
    while Path(name).exists():
        number += 1
        name = f"{stem}-{number}{suffix}"
    return name


def run_app(
    config: Config,
    *,
    paused: bool,
    colors: str,
    fps: int,
    warnings: Sequence[str] = (),
    session: Session | None = None,
    session_path: str | None = None,
) -> None:
    """Run the app until the user quits: on `session` if given (loaded from `session_path`,
    which saving then offers), else fresh.

    `warnings` (unknown URL keys, values beyond the UI) are shown as notifications.
    """
    app = TuiplayApp(
        config,
        paused=paused,
        colors=colors,
        fps=fps,
        warnings=warnings,
        session_path=session_path or DEFAULT_SESSION_FILE,
    )
    if session is not None:
        app.replace_session(session)
    run_in_terminal(app)


def run_in_terminal(app: App) -> None:
    """Run `app` (the playground or the tour) with tuiplay's terminal driver until it quits.

    After a crash (Textual has printed the traceback) the process exits with the app's
    return code, so that a shell or a script sees the failure; after a quit, this returns.
    """
    if os.name == "posix" and not os.environ.get("TEXTUAL_DRIVER"):
        # Only what changed is sent: far fewer bytes over SSH. Imported here because Textual's
        # Linux driver needs termios; TEXTUAL_DRIVER (textual serve, web) chooses another.
        from tuiplay.ui.terminal_writer import ScreenDiffDriver

        app.driver_class = ScreenDiffDriver
    # The input thread needs the interpreter to read a key while training holds it; by
    # default it would wait up to 5 ms for its turn.
    sys.setswitchinterval(INPUT_SWITCH_INTERVAL)
    app.run()
    if app.return_code:
        raise SystemExit(app.return_code)
