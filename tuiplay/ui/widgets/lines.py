"""A text panel that repaints only the lines that changed.

Textual re-renders a whole widget when its `render()` result changes, and re-renders every
line of it. The panels here change a few numbers per frame while training, so they hand
over one `Content` per line instead: equal lines keep their rendered strip, and only the
lines that differ are marked dirty. Lines are cropped to the width, never wrapped.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from textual.content import Content
from textual.geometry import Region, Size
from textual.markup import parse_style
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget


class LinePanel(Widget):
    """A widget drawn from a list of Content lines; see the module docstring.

    Subclasses keep what they show and implement `build_lines`; they call `update_lines`
    when it changes. Resizing rebuilds the lines, since they may depend on the size.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._contents: list[Content] = []
        self._strips: dict[int, Strip] = {}
        self._styles: dict[str, Style] = {}

    def build_lines(self) -> list[Content]:
        """The lines to show now."""
        raise NotImplementedError

    def update_lines(self) -> None:
        self.set_lines(self.build_lines())

    @property
    def lines(self) -> list[Content]:
        """The lines shown, as given to `set_lines`."""
        return list(self._contents)

    def set_lines(self, lines: Sequence[Content]) -> None:
        """Show these lines, repainting only those that differ from the lines shown."""
        old, self._contents = self._contents, list(lines)
        if len(old) != len(self._contents):
            self._strips.clear()
            self.refresh()
            return
        width = self.size.width
        for y, (before, after) in enumerate(zip(old, self._contents, strict=True)):
            if before != after:
                self._strips.pop(y, None)
                self.refresh(Region(0, y, width, 1))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._contents)

    def notify_style_update(self) -> None:
        self._strips.clear()  # the theme or the stylesheet changed
        self._styles.clear()
        super().notify_style_update()

    def _parse_style(self, style: str | Style) -> Style:
        """A Content style, theme variables substituted; parsed once per theme."""
        if isinstance(style, Style):
            return style
        parsed = self._styles.get(style)
        if parsed is None:
            parsed = self._styles[style] = parse_style(style, self.app.theme_variables)
        return parsed

    def on_resize(self) -> None:
        self._strips.clear()
        self.update_lines()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        strip = self._strips.get(y)
        if strip is None:
            strip = self._strips[y] = self._render_content(y)
        return strip

    def _render_content(self, y: int) -> Strip:
        width = self.size.width
        base = self.visual_style
        if y >= len(self._contents):
            return Strip.blank(width, base.rich_style)
        pieces = self._contents[y].render(base, end="", parse_style=self._parse_style)
        segments = [Segment(text, (base + style).rich_style) for text, style in pieces]
        return Strip(segments).crop_extend(0, width, base.rich_style)
