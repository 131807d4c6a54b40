"""A small modal asking for a file name: to save the session to, or to load one from.

Enter answers with the name typed (the default is filled in and selected), Escape cancels.
Keys typed faster than the screen closes reach it again; only the first answer counts.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class FileNameScreen(ModalScreen[str | None]):
    """Returns the file name typed, or None when cancelled (or left empty)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    AUTO_FOCUS = "Input"

    def __init__(self, title: str, default: str) -> None:
        super().__init__()
        self._title = title
        self._default = default
        self._answered = False

    def compose(self) -> ComposeResult:
        with Vertical(id="file-body") as body:
            body.border_title = self._title
            body.border_subtitle = "enter ok · esc cancel"
            yield Static("File name (in the current folder, or a path):")
            yield Input(self._default, id="file-name", select_on_focus=True)

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self._answer(event.value.strip() or None)

    def action_cancel(self) -> None:
        self._answer(None)

    def _answer(self, name: str | None) -> None:
        """Dismiss once: a second dismiss would pop the screen below (the playground)."""
        if not self._answered:
            self._answered = True
            self.dismiss(name)
