"""The tour: the app plays a sequence of experiments by itself, a caption on each step.

Each step is a fresh session of its config, trained by the app's own clock until a fixed
epoch, so a step looks the same however the viewer got there (skipping, going back). After
a step the tour rests a moment, then shows the next. The playground's keys are off: the
tour drives. Its own keys: space pauses, → or n skips ahead, ← or p goes back, q quits.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

from tuiplay.engine.config import Config
from tuiplay.engine.trainer import Session
from tuiplay.ui.app import PLAYGROUND_ACTIONS, TuiplayApp

POLL = 0.05  # seconds between the tour's looks at the session
KEY_HINTS = "space pause  ← back  → next  q quit"


@dataclass(frozen=True)
class TourStep:
    caption: str  # e.g. "circle · 1 hidden layer · 3 neurons"
    config: Config  # with its seed set, so the step is the same run every time


@dataclass(frozen=True)
class TourState:
    """Everything the tour bar shows."""

    caption: str
    number: int  # from 1
    total: int
    phase: str  # "training to epoch 300", "next in 2 s", "paused", "end of the tour"


class StepSession(Session):
    """A session that trains no further than `epoch_limit`, however many epochs are asked."""

    def __init__(self, config: Config, epoch_limit: int) -> None:
        super().__init__(config)
        self.epoch_limit = epoch_limit

    def step_epochs(self, count: int) -> int:
        return super().step_epochs(max(min(count, self.epoch_limit - self.epoch), 0))

    def train_part(self, parts: int) -> bool:
        if self.finished:
            return True  # nothing more to train in this step
        return super().train_part(parts)

    @property
    def finished(self) -> bool:
        """Trained to its limit, or stopped for good by divergence."""
        return self.epoch >= self.epoch_limit or self.diverged


class TourBar(Widget):
    """The bottom line in the tour: the step's caption, where the tour is, and its keys."""

    DEFAULT_CSS = """
    TourBar {
        dock: bottom;
        height: 1;
        background: $panel;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state: TourState | None = None

    @property
    def state(self) -> TourState | None:
        return self._state

    def show(self, state: TourState) -> None:
        if state != self._state:
            self._state = state
            self.refresh()

    def render(self) -> Content:
        state = self._state
        if state is None:
            return Content("")
        where = f"  step {state.number} of {state.total}"
        phase = f"  {state.phase}"
        # A long caption (`--dataset xor` names settings) gives way, not where the tour is.
        room = self.size.width - len(where) - len(phase) - 2
        caption = state.caption
        if len(caption) > room > 1:
            caption = caption[: room - 1].rstrip(" ·") + "…"
        line = Content.assemble(
            (f" {caption} ", "bold reverse $accent"),
            (where, "bold"),
            (phase, "$text-muted"),
        )
        free = self.size.width - line.cell_length - len(KEY_HINTS) - 1
        if free > 1:
            line = Content.assemble(line, " " * free, (KEY_HINTS, "$text-muted"))
        return line


class TourApp(TuiplayApp):
    """The app, playing `steps` one after another for `epochs_per_step` epochs each."""

    CSS = """
    #body Footer { display: none; }
    #keys { display: none; }
    .-too-small TourBar { display: none; }
    """
    BINDINGS = [
        Binding("space", "pause_tour", "Pause"),
        Binding("left,p", "previous_step", "Back"),
        Binding("right,n", "next_step", "Next"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        steps: Sequence[TourStep],
        *,
        epochs_per_step: int,
        rest: float,
        colors: str = "auto",
        fps: int = 20,
    ) -> None:
        if not steps:
            raise ValueError("a tour needs at least one step")
        super().__init__(steps[0].config, paused=False, colors=colors, fps=fps)
        self.steps = tuple(steps)
        self.epochs_per_step = epochs_per_step
        self.rest = rest
        self.step_index = 0
        self.held = False  # paused by the viewer
        self._finished_at: float | None = None  # when the current step finished training
        self.session = StepSession(steps[0].config, epochs_per_step)
        self._bar = TourBar(id="tour-bar")

    @property
    def step(self) -> TourStep:
        return self.steps[self.step_index]

    @property
    def at_end(self) -> bool:
        return self.step_index == len(self.steps) - 1 and self.session.finished

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield self._bar

    def on_mount(self) -> None:
        # Only the tour's keys steer: the controls panel may not take focus (its arrows would
        # change settings).
        self.query_one("#controls").can_focus = False
        self.set_interval(POLL, self._follow)
        self._show_bar()
        # The playground's quick keys are hidden (they are off); after the app's own titles:
        self.call_next(setattr, self.query_one("#guide"), "border_title", "Colours")

    # The tour's clock: train the step, rest, move on

    def _follow(self) -> None:
        if self.held or not self.is_running:  # not running: shutting down, widgets going
            return
        if not self.session.finished:
            self._set_training(True)
        elif self._finished_at is None:
            self._set_training(False)
            self._finished_at = time.monotonic()
        elif time.monotonic() - self._finished_at >= self.rest and not self.at_end:
            self.show_step(self.step_index + 1)
        self._show_bar()

    def _set_training(self, training: bool) -> None:
        """Start or stop the app's own clock; the status line follows."""
        if self.playing != training and not self.session.diverged:
            self.action_toggle_play()

    def show_step(self, index: int) -> None:
        """Show step `index` from its start: a fresh session, the cursor on the output."""
        self.step_index = index
        self._finished_at = None
        self.replace_session(StepSession(self.steps[index].config, self.epochs_per_step))
        self._show_bar()

    def _show_bar(self) -> None:
        self._bar.show(
            TourState(self.step.caption, self.step_index + 1, len(self.steps), self._phase())
        )

    def _phase(self) -> str:
        if self.held:
            return "paused"
        if self.session.diverged:
            return f"diverged at epoch {self.session.epoch}"
        if not self.session.finished:
            return f"training to epoch {self.epochs_per_step:,}"
        if self.at_end:
            return "end of the tour"
        return f"next in {self.rest:g} s"

    # The tour's keys

    def action_pause_tour(self) -> None:
        self.held = not self.held
        if self.held:
            self._set_training(False)
        self._follow()
        self._show_bar()

    def action_next_step(self) -> None:
        if self.step_index + 1 < len(self.steps):
            self.show_step(self.step_index + 1)
        else:
            self.notify("this is the last step: ← goes back, q quits")

    def action_previous_step(self) -> None:
        """Back one step; on the first step, start it again."""
        self.show_step(max(self.step_index - 1, 0))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in PLAYGROUND_ACTIONS:
            return False  # the tour drives; editing would make the caption wrong
        return super().check_action(action, parameters)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from App.get_system_commands(self, screen)  # not the playground's actions
        yield SystemCommand("Next step", "skip ahead (key →)", self.action_next_step)
        yield SystemCommand("Previous step", "go back (key ←)", self.action_previous_step)
        yield SystemCommand("Pause the tour", "or go on (key space)", self.action_pause_tour)
