"""Shared fixtures: UI tests run in a fixed environment so what they draw does not drift."""

import pytest

from tuiplay.engine.config import Config
from tuiplay.ui.app import TuiplayApp

SEED = "0.12345"
THEME = "textual-dark"


@pytest.fixture(autouse=True)
def fixed_terminal_environment(monkeypatch):
    """No NO_COLOR, no theme override: colours and theme come from the test alone."""
    for name in ("NO_COLOR", "TEXTUAL_THEME", "TEXTUAL_COLOR_SYSTEM"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def work_in_a_temporary_folder(monkeypatch, tmp_path):
    """Files the app writes where it runs (screenshots, sessions) land in a throwaway folder."""
    monkeypatch.chdir(tmp_path)


def make_app(paused: bool = True, colors: str = "truecolor", **changes) -> TuiplayApp:
    """The app on a fixed seed and theme, paused unless asked otherwise."""
    app = TuiplayApp(Config(seed=SEED, **changes), paused=paused, colors=colors)
    app.theme = THEME
    return app


@pytest.fixture
def new_app():
    """`make_app` for tests: new_app(paused=..., **config changes)."""
    return make_app


def screen_lines(app: TuiplayApp) -> list[str]:
    """The text of every line on the screen, as a terminal would show it."""
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def drawn(app: TuiplayApp, selector: str) -> str:
    """The text on screen inside the region of the widget matching `selector`."""
    region = app.query_one(selector).region
    lines = screen_lines(app)[region.y : region.bottom]
    return "\n".join(line[region.x : region.right] for line in lines)


@pytest.fixture
def text_of():
    """drawn(app, selector): the text a widget shows on screen."""
    return drawn
