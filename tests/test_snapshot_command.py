"""`tuiplay snapshot`: the real app's screen after headless training, written as an SVG."""

import html
import re

import pytest

from tuiplay.cli import main
from tuiplay.commands import snapshot as snapshot_command

SEED = "0.12345"
SMALL = ("--size", "100x30")


def snapshot(tmp_path, *args: str, name: str = "out.svg") -> str:
    path = tmp_path / name
    assert main(["snapshot", *args, "-o", str(path)]) == 0
    return path.read_text(encoding="utf-8")


def screen_text(svg: str) -> str:
    """The characters the SVG shows, without markup (spaces are &#160; in Textual's SVG)."""
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def test_the_picture_shows_the_session_paused_after_the_epochs_asked_for(tmp_path):
    svg = snapshot(tmp_path, "--preset", "video-spiral", "--hidden", "8,8", "--seed", SEED,
                   "--epochs", "12", *SMALL)  # fmt: skip
    text = screen_text(svg)
    assert svg.startswith("<svg")
    assert "000,012" in text and "paused" in text
    assert f"spiral · classification · seed {SEED}" in text
    assert "epochs 0–12" in text  # the loss chart has the whole run


def test_the_same_seed_writes_the_same_file_and_another_seed_does_not(tmp_path):
    args = ("--preset", "video-circle", "--epochs", "5", *SMALL)
    first = snapshot(tmp_path, *args, "--seed", SEED, name="a.svg")
    again = snapshot(tmp_path, *args, "--seed", SEED, name="b.svg")
    other = snapshot(tmp_path, *args, "--seed", "0.5", name="c.svg")
    assert first == again
    assert other != first


def test_keys_pressed_after_training_show_in_the_picture(tmp_path):
    args = ("--seed", SEED, "--epochs", "0", *SMALL)
    assert "test data  hidden" in screen_text(snapshot(tmp_path, *args, name="a.svg"))
    pressed = screen_text(snapshot(tmp_path, *args, "--press", "t", name="b.svg"))
    assert "test data  shown" in pressed


def test_the_app_runs_at_the_size_asked_for(tmp_path):
    # Below its minimum size the app says the size it was given.
    text = screen_text(snapshot(tmp_path, "--seed", SEED, "--epochs", "0", "--size", "50x15"))
    assert "this one is 50×15" in text


@pytest.mark.parametrize(
    "args",
    [
        ["--size", "10x10"],
        ["--size", "wide"],
        ["--epochs", "lots"],
        ["--colors", "rainbow"],
        ["--hidden", "9"],
        ["--press", "t", "bogus_key"],
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, args):
    path = tmp_path / "out.svg"
    try:
        status = main(["snapshot", *args, "-o", str(path)])
    except SystemExit as exit_:
        status = exit_.code
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and "error" in err
    assert not path.exists()


def test_an_output_in_a_missing_folder_fails_before_training(tmp_path, capsys):
    status = main(["snapshot", "--epochs", "1000000", "-o", str(tmp_path / "no" / "out.svg")])
    assert status == 2
    assert "folder" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("", "--output: the file name is empty; give one"),
        ("a" * 300 + ".svg", "File name too long"),
        ("/dev/full", "--output: /dev/full: cannot write: No space left on device"),
        ("/proc/version", "--output: /proc/version: cannot write: "),
    ],
)
def test_an_output_that_cannot_be_written_is_one_line_naming_it(
    capsys, monkeypatch, output, message
):
    monkeypatch.setattr(snapshot_command, "render_svg", lambda *args, **options: "<svg/>")
    assert main(["snapshot", "-o", output]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and message in lines[0]
