"""A modal to type new values for a neuron's bias and incoming weights.

The Playground lets a user click a weight or a bias and type a value; here the selected
neuron's parameters are fields: Tab moves between them, Enter applies, Escape cancels.
Only fields the user changed are written back. Keys typed faster than the screen closes
(a second Enter, Escape after Enter) reach it again; only the first answer counts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

BIAS = -1  # the key of the bias among the parameters; weights use their source index


@dataclass(frozen=True)
class Parameter:
    key: int  # BIAS, or the index of the source node of a weight
    label: str
    value: float


def parameter_text(value: float) -> str:
    return f"{value:.6g}"


def parse_parameter(text: str) -> float:
    """A finite number from what the user typed; ValueError with a one-line reason if not."""
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a number: type a value like -0.5 or 2") from None
    if not math.isfinite(value):
        raise ValueError(f"{text.strip()!r} is not a finite number: type a value like -0.5 or 2")
    return value


class EditNodeScreen(ModalScreen[dict[int, float] | None]):
    """Returns {key: new value} for the changed fields, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "Input"

    def __init__(self, title: str, parameters: Sequence[Parameter]) -> None:
        super().__init__()
        self._title = title
        self._parameters = tuple(parameters)
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="edit-body") as body:
            body.border_title = f"Edit {self._title}"
            body.border_subtitle = "tab next · enter apply · esc cancel"
            with Grid(id="edit-fields"):
                for parameter in self._parameters:
                    yield Label(parameter.label)
                    yield Input(
                        parameter_text(parameter.value),
                        id=f"parameter-{parameter.key + 1}",
                        select_on_focus=True,
                    )
            yield Static("", id="edit-error")

    def _input(self, parameter: Parameter) -> Input:
        return self.query_one(f"#parameter-{parameter.key + 1}", Input)

    @on(Input.Submitted)
    def apply(self) -> None:
        if self._answered:
            return
        changes: dict[int, float] = {}
        for parameter in self._parameters:
            text = self._input(parameter).value
            if text == parameter_text(parameter.value):
                continue
            try:
                changes[parameter.key] = parse_parameter(text)
            except ValueError as error:
                self.query_one("#edit-error", Static).update(f"{parameter.label}: {error}")
                self._input(parameter).focus()
                return
        self._answer(changes)

    def action_cancel(self) -> None:
        if not self._answered:
            self._answer(None)

    def _answer(self, changes: dict[int, float] | None) -> None:
        """Dismiss once: a second dismiss would pop the screen below (the playground)."""
        self._answered = True
        self.dismiss(changes)
