"""The status line: what it says, and that it repaints only the cells that changed."""

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip

from tuiplay.ui.widgets.status import Status, StatusBar, changed_cells, format_epoch

SUMMARY = "spiral · classification · seed 1"
EPOCH_DIGITS = len(" tuiplay ") + len("  epoch ")  # where the counter starts


class StatusApp(App):
    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")


def record_refreshes(widget: StatusBar) -> list[tuple[Region, ...]]:
    """The regions of every later `widget.refresh` call, as a list that fills up."""
    calls: list[tuple[Region, ...]] = []
    original = widget.refresh

    def refresh(*regions: Region, **kwargs):
        calls.append(regions)
        return original(*regions, **kwargs)

    widget.refresh = refresh
    return calls


def playing(epoch: int, rate: float) -> Status:
    return Status(epoch=epoch, state="playing", epochs_per_second=rate, summary=SUMMARY)


def test_the_epoch_counter_has_the_playgrounds_leading_zeros():
    assert format_epoch(1234) == "001,234"
    assert format_epoch(1_234_567) == "1,234,567"


def test_cells_differ_by_character_or_style_and_past_the_shorter_strip():
    bold = Style(bold=True)
    before = Strip([Segment("ab", bold), Segment("cd")])
    after = Strip([Segment("ab"), Segment("cx"), Segment("!")])
    assert changed_cells(before, after).tolist() == [True, True, False, True, True]


async def test_a_new_epoch_and_rate_refresh_only_the_span_between_their_digits():
    app = StatusApp()
    async with app.run_test(size=(120, 5)) as pilot:
        bar = app.query_one(StatusBar)
        bar.show(playing(1234, 100.0))
        await pilot.pause()
        refreshed = record_refreshes(bar)
        bar.show(playing(1240, 120.0))
        rate_digits = EPOCH_DIGITS + len("001,234") + len("  ▶ playing  ")
        span = rate_digits + 1 - (EPOCH_DIGITS + 5) + 1
        assert refreshed == [(Region(EPOCH_DIGITS + 5, 0, span, 1),)]
        await pilot.pause()
        line = bar.render_line(0).text
        assert "epoch 001,240  ▶ playing  120 epochs/s" in line
        assert line.rstrip().endswith(SUMMARY)


async def test_a_status_that_draws_the_same_line_refreshes_nothing():
    app = StatusApp()
    async with app.run_test(size=(120, 5)) as pilot:
        bar = app.query_one(StatusBar)
        bar.show(playing(1234, 100.0))
        await pilot.pause()
        refreshed = record_refreshes(bar)
        bar.show(playing(1234, 100.2))  # drawn as "100 epochs/s" too
        assert refreshed == []
        assert "100 epochs/s" in bar.render_line(0).text


async def test_pausing_refreshes_the_state_and_the_rate_but_not_the_counter():
    app = StatusApp()
    async with app.run_test(size=(120, 5)) as pilot:
        bar = app.query_one(StatusBar)
        bar.show(playing(1234, 100.0))
        await pilot.pause()
        refreshed = record_refreshes(bar)
        bar.show(Status(epoch=1234, state="paused", summary=SUMMARY))
        (regions,) = refreshed
        covered = np.zeros(120, dtype=bool)
        for region in regions:
            covered[region.x : region.right] = True
        state_starts = EPOCH_DIGITS + len("001,234  ")
        assert not covered[:state_starts].any()
        assert covered[state_starts]
        assert not covered[-len(SUMMARY) - 1 :].any()
        await pilot.pause()
        assert "epoch 001,234  ‖ paused" in bar.render_line(0).text
