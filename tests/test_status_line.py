"""The status line: what it says, and that it repaints only the cells that changed."""

import numpy as np
from app_helpers import record_refreshes
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip

from tuiplay.ui.widgets.status import Status, StatusBar, changed_cells, format_epoch

SUMMARY = "spiral · classification · seed 1"
LEFT = " tuiplay   " + SUMMARY  # the part of the line that does not change while training


class StatusApp(App):
    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")


async def line_after(*statuses: Status, width: int = 120) -> str:
    """The status line's text once each of `statuses` has been shown, in order."""
    app = StatusApp()
    async with app.run_test(size=(width, 5)) as pilot:
        bar = app.query_one(StatusBar)
        for status in statuses:
            bar.show(status)
            await pilot.pause()
        return bar.render_line(0).text


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
        before = bar.render_line(0).text
        refreshed = record_refreshes(bar)
        bar.show(playing(1240, 120.0))
        first = before.index("001,234") + len("001,2")  # "34" becomes "40"
        last = before.index("100 epochs/s") + 1  # "100" becomes "120"
        assert refreshed == [(Region(first, 0, last - first + 1, 1),)]
        await pilot.pause()
        line = bar.render_line(0).text
        assert line.startswith(LEFT)
        assert line.rstrip().endswith("epoch 001,240  ▶ playing     120 epochs/s")


async def test_the_live_figures_sit_at_the_right_end_above_the_boundary():
    line = await line_after(playing(1234, 100.0))
    assert line.index("epoch") > 120 - 50  # within the right column at 120x40
    assert len(line.rstrip()) == 119


async def test_without_room_the_summary_goes_first():
    line = await line_after(playing(1234, 100.0), width=60)
    assert SUMMARY not in line
    assert "epoch 001,234  ▶ playing     100 epochs/s" in line


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


async def test_pausing_refreshes_the_live_figures_but_not_the_summary():
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
        assert not covered[: len(LEFT)].any()
        assert covered[-2]
        await pilot.pause()
        assert bar.render_line(0).text.rstrip().endswith("epoch 001,234  ‖ paused")


async def test_until_the_rate_is_known_its_place_is_kept_blank():
    unknown = await line_after(Status(3, "playing", None, summary=SUMMARY))
    known = await line_after(playing(3, 100.0))
    assert "epochs/s" not in unknown and "100 epochs/s" in known
    assert unknown.index("epoch 000,003") == known.index("epoch 000,003")  # nothing moved


async def test_the_bytes_sent_per_second_follow_the_rate_when_the_driver_counts_them():
    counted = await line_after(Status(3, "playing", 100.0, bytes_per_second=29_349.0))
    assert counted.rstrip().endswith("100 epochs/s   29.3 KB/s")
    assert "KB/s" not in await line_after(Status(3, "playing", 100.0, bytes_per_second=None))
