"""Snapshots of the whole screen, paused on a fixed seed (pytest-textual-snapshot).

Update them with `pytest tests/test_app_snapshots.py --snapshot-update` after a deliberate
change to the screen, and look at the new SVGs before committing them.
"""


async def trained(pilot, epochs: int = 150) -> None:
    """Train the paused session, then step once more so that the screen shows the result."""
    pilot.app.session.step_epochs(epochs - 1)
    await pilot.press("s")


def test_the_screen_at_120x40_before_training(snap_compare, new_app):
    assert snap_compare(new_app(), terminal_size=(120, 40))


def test_the_screen_at_120x40_after_150_epochs(snap_compare, new_app):
    assert snap_compare(new_app(), terminal_size=(120, 40), run_before=trained)


def test_the_screen_at_80x24_after_150_epochs(snap_compare, new_app):
    assert snap_compare(new_app(), terminal_size=(80, 24), run_before=trained)


def test_a_spiral_with_seven_features_and_two_layers_of_eight(snap_compare, new_app):
    app = new_app(
        dataset="spiral",
        features=("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY"),
        network_shape=(8, 8),
        show_test_data=True,
    )
    assert snap_compare(app, terminal_size=(120, 40), press=["left", "up"], run_before=trained)


def test_the_help_screen(snap_compare, new_app):
    assert snap_compare(new_app(), terminal_size=(120, 40), press=["question_mark"])


def test_the_message_when_the_terminal_is_too_small(snap_compare, new_app):
    assert snap_compare(new_app(), terminal_size=(50, 15))
