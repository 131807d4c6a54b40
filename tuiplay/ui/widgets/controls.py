"""The controls panel: every hyperparameter with its current value, steppable from the keyboard.

Focus it (Tab), move with up/down, change the highlighted setting with left/right. The panel
only says what the user asked for (a `Step` message); the app applies it exactly as it
applies the matching key binding.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.reactive import reactive

from tuiplay.engine.config import Config
from tuiplay.engine.features import FEATURE_LABELS
from tuiplay.ui.widgets.lines import LinePanel
from tuiplay.ui.widgets.settings import SETTINGS


@dataclass(frozen=True)
class Row:
    name: str  # a setting name, or one of the network/display rows below
    label: str
    keys: str  # the global keys that change it, as a reminder


ROWS: tuple[Row, ...] = (
    *(Row(s.name, s.label, s.keys) for s in SETTINGS),
    Row("features", "features", "1-7"),
    Row("layers", "layers", "> <"),
    Row("neurons", "neurons", "+ -"),
    Row("show_test_data", "test data", "t"),
    Row("discretize", "discretize", "z"),
)
LABEL_WIDTH = max(len(row.label) for row in ROWS) + 1


def row_value(name: str, config: Config) -> str:
    """The value a row prints for a config."""
    for setting in SETTINGS:
        if setting.name == name:
            return setting.value_text(config)
    if name == "features":
        return " ".join(FEATURE_LABELS[f] for f in config.features) or "none"
    if name == "layers":
        return str(len(config.network_shape))
    if name == "neurons":
        return ",".join(str(n) for n in config.network_shape) or "no hidden layer"
    if name == "show_test_data":
        return "shown" if config.show_test_data else "hidden"
    if name == "discretize":
        return "on" if config.discretize else "off"
    raise ValueError(f"unknown controls row {name!r}")


class ControlsPanel(LinePanel, can_focus=True):
    """The list of settings. Arrows belong to the panel while it has focus."""

    BINDINGS = [
        Binding("up", "move(-1)", "Previous setting", show=False),
        Binding("down", "move(1)", "Next setting", show=False),
        Binding("left", "step(-1)", "Decrease", show=False),
        Binding("right", "step(1)", "Increase", show=False),
        Binding("enter", "step(1)", "Increase", show=False),
    ]

    row: reactive[int] = reactive(0)

    @dataclass
    class Step(Message):
        """The user asked to move the setting `name` one step in `direction` (+1 or -1)."""

        name: str
        direction: int

    def __init__(self, config: Config, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._values = tuple(row_value(row.name, config) for row in ROWS)

    @property
    def selected_name(self) -> str:
        return ROWS[self.row].name

    def show(self, config: Config) -> None:
        values = tuple(row_value(row.name, config) for row in ROWS)
        if values != self._values:
            self._values = values
            self.update_lines()

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y < len(ROWS):
            self.row = offset.y

    def action_move(self, delta: int) -> None:
        self.row = (self.row + delta) % len(ROWS)

    def action_step(self, direction: int) -> None:
        self.post_message(self.Step(self.selected_name, direction))

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(ROWS)

    def build_lines(self) -> list[Content]:
        lines = []
        width = self.size.width
        for index, (row, value) in enumerate(zip(ROWS, self._values, strict=True)):
            selected = index == self.row and self.has_focus
            marker = "›" if selected else " "
            label = row.label.ljust(LABEL_WIDTH)
            text_room = width - len(marker) - LABEL_WIDTH
            # The selected row reminds of its global keys when there is room beside the value.
            hint = f" {row.keys}" if selected else ""
            if len(value) + len(hint) <= text_room:
                text_room -= len(hint)
            else:
                hint = ""
            if len(value) > text_room:
                value = value[: max(text_room - 1, 0)] + "…"
            line = Content.assemble(
                (marker, "bold $accent"),
                (label, "$text-muted"),
                (value, "bold $text-accent" if selected else "bold"),
                " " * max(text_room - len(value), 0),
                (hint, "$text-disabled"),
            )
            if selected:
                line = line.stylize("on $boost")
            lines.append(line)
        return lines

    def watch_row(self) -> None:
        self.update_lines()

    def on_focus(self) -> None:
        self.update_lines()

    def on_blur(self) -> None:
        self.update_lines()
