"""Shared by the app's tests: waiting for the running app, and recording its repaints."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.geometry import Region
from textual.widget import Widget


async def wait_for(pilot, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app run until `condition()` holds (fails after `timeout` seconds)."""
    waited = 0.0
    while not condition():
        assert waited < timeout, "the app never reached the expected state"
        await pilot.pause(0.02)
        waited += 0.02


def record_refreshes(widget: Widget) -> list[tuple[Region, ...]]:
    """The regions of every later `widget.refresh` call, as a list that fills up."""
    calls: list[tuple[Region, ...]] = []
    original = widget.refresh

    def refresh(*regions: Region, **kwargs):
        calls.append(regions)
        return original(*regions, **kwargs)

    widget.refresh = refresh
    return calls


def record_notifications(app: App) -> list[str]:
    """The messages of every notification the app shows from now on."""
    messages: list[str] = []
    notify = app.notify

    def recording(message, **options):
        messages.append(message)
        return notify(message, **options)

    app.notify = recording
    return messages
