"""The app's files: screenshots, saving and loading sessions, and the command line's warnings.

Each test runs in its own temporary folder (conftest), the current folder of the app.
"""

import json

import numpy as np
import pytest
from app_helpers import record_notifications, wait_for
from folder_helpers import read_only_folder

from tuiplay import cli
from tuiplay.engine import session_file
from tuiplay.engine.config import Config
from tuiplay.engine.trainer import Session
from tuiplay.ui.app import DEFAULT_SESSION_FILE, TuiplayApp
from tuiplay.ui.screens.file_name import FileNameScreen

SIZE = (120, 40)
SEED = "0.12345"


def trained_session(epochs: int, **changes) -> Session:
    session = Session(Config(seed=SEED, **changes))
    session.step_epochs(epochs)
    return session


# -- screenshots ---------------------------------------------------------------------------
async def test_i_saves_an_svg_screenshot_here_and_names_it(new_app, tmp_path):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await pilot.pause(0.1)
        await pilot.press("i")
        files = list(tmp_path.glob("tuiplay-*.svg"))
        assert len(files) == 1
        assert files[0].read_text(encoding="utf-8").lstrip().startswith("<svg")
        assert notes == [f"screenshot saved: {files[0].name}"]


async def test_screenshots_taken_within_a_second_keep_both_files(new_app, tmp_path):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", "i")
        assert len(list(tmp_path.glob("tuiplay-*.svg"))) == 2


# -- saving --------------------------------------------------------------------------------
async def test_w_saves_the_session_under_the_default_name(new_app, tmp_path):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await pilot.press("s", "s", "s", "w")
        assert isinstance(app.screen, FileNameScreen)
        await pilot.press("enter")
        saved = session_file.load(tmp_path / DEFAULT_SESSION_FILE)
        assert saved.epoch == 3
        assert np.array_equal(saved.network.weights[0], app.session.network.weights[0])
        assert notes == [f"session saved to {DEFAULT_SESSION_FILE} (epoch 3)"]


async def test_after_loading_a_file_w_saves_back_to_it(tmp_path):
    session_file.save(trained_session(4, dataset="xor"), "xor.json")
    app = TuiplayApp(Config(seed=SEED), paused=True, colors="truecolor", session_path="xor.json")
    app.replace_session(session_file.load("xor.json"))  # before the run, as run_app does
    async with app.run_test(size=SIZE) as pilot:
        assert app.session.config.dataset == "xor"
        await pilot.press("s", "w", "enter")
        assert session_file.load(tmp_path / "xor.json").epoch == 5
        assert not (tmp_path / DEFAULT_SESSION_FILE).exists()


async def test_w_saves_under_the_name_typed(new_app, tmp_path):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", *"run.json", "enter")  # the default name is selected: replaced
        assert session_file.load(tmp_path / "run.json").config == app.session.config
        assert not (tmp_path / DEFAULT_SESSION_FILE).exists()


async def test_escape_cancels_saving(new_app, tmp_path):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("w", "escape")
        assert not isinstance(app.screen, FileNameScreen)
        assert list(tmp_path.iterdir()) == []


async def test_saving_into_a_missing_folder_says_so_as_the_command_line_does(new_app):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await pilot.press("w", *"no/such/folder/run.json", "enter")
        assert notes == ["no/such/folder/run.json: folder no/such/folder does not exist"]


async def test_saving_into_a_read_only_folder_says_so_as_the_command_line_does(new_app, tmp_path):
    app = new_app()
    with read_only_folder(tmp_path / "ro"):
        async with app.run_test(size=SIZE) as pilot:
            notes = record_notifications(app)
            await pilot.press("w", *"ro/run.json", "enter")
            assert notes == ["ro/run.json: folder ro is not writable"]


async def test_saving_under_a_file_or_as_a_folder_says_so(new_app, tmp_path):
    (tmp_path / "good.json").write_text("{}")
    (tmp_path / "runs").mkdir()
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await pilot.press("w", *"good.json/x.json", "enter")
        await pilot.press("w", *"runs", "enter")
        assert notes == [
            "good.json/x.json: good.json is a file, not a folder",
            "runs is a folder; give a file name",
        ]


# -- loading -------------------------------------------------------------------------------
async def test_f_loads_a_saved_session_and_shows_it(new_app, text_of, tmp_path):
    session_file.save(trained_session(5, dataset="spiral", network_shape=(6,)), "spiral.json")
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        notes = record_notifications(app)
        await pilot.press("f")
        assert isinstance(app.screen, FileNameScreen)
        await pilot.press(*"spiral.json", "enter")
        await pilot.pause(0.1)
        assert app.session.config.dataset == "spiral"
        assert app.session.epoch == 5
        assert app.session.network.layer_sizes == [2, 6, 1]
        assert "epoch 000,005" in text_of(app, "#status")
        assert "dataset    spiral" in text_of(app, "#controls")
        assert notes == ["loaded spiral.json: epoch 5"]


def _good_file_dict() -> dict:
    return session_file.to_dict(trained_session(2))


def _write(name: str, text: str) -> str:
    with open(name, "w", encoding="utf-8") as stream:
        stream.write(text)
    return name


def _with(changes) -> str:
    data = _good_file_dict()
    changes(data)
    return json.dumps(data)  # NaN is written as the bare word NaN, which JSON does not allow


BAD_FILES = {
    "missing": None,
    "not JSON": "this is not json {",
    "empty": "",
    "another format version": _with(lambda d: d.update(version=99)),
    "weights of the wrong shape": _with(lambda d: d["network"]["weights"][0].pop()),
    "a NaN weight": _with(lambda d: d["network"]["weights"][0][0].__setitem__(0, float("nan"))),
    "a layer of dead links that is null": _with(
        lambda d: d["network"]["dead"].__setitem__(0, None)
    ),
}


@pytest.mark.parametrize("problem", BAD_FILES)
async def test_a_bad_file_gets_one_line_and_training_goes_on(new_app, problem):
    text = BAD_FILES[problem]
    name = "b" if text is None else _write("b", text)  # one key to type: fast while playing
    app = new_app(paused=False)
    async with app.run_test(size=SIZE) as pilot:
        running = app.session
        notes = record_notifications(app)
        await pilot.press("f", *name, "enter")
        await wait_for(pilot, lambda: len(notes) == 1)
        assert notes[0].startswith("b: ") and "\n" not in notes[0]
        assert app.session is running
        epoch = app.session.epoch
        await wait_for(pilot, lambda: app.session.epoch > epoch)
        assert app.playing


async def test_the_file_name_offered_is_the_last_one_used(new_app):
    session_file.save(trained_session(1), "mine.json")
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", *"mine.json", "enter", "w")
        assert app.screen.query_one("#file-name").value == "mine.json"


# -- the command line ----------------------------------------------------------------------
async def test_warnings_given_to_the_app_are_shown_when_it_starts():
    warnings = ["unknown URL key 'foo' ignored", "note: noise 80 is beyond the UI's 50"]
    app = TuiplayApp(Config(seed=SEED), paused=True, colors="truecolor", warnings=warnings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        shown = [notification.message for notification in app._notifications]
        assert shown == warnings


def test_load_starts_the_app_on_the_file_with_the_url_warnings(monkeypatch, tmp_path):
    session_file.save(trained_session(4, dataset="xor"), "xor.json")
    started = {}
    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr("tuiplay.ui.app.run_app", lambda config, **options: started.update(options))
    assert cli.main(["--load", "xor.json"]) == 0
    assert started["session"].epoch == 4
    assert started["session"].config.dataset == "xor"
    assert started["session_path"] == "xor.json"  # w offers to save back to it
    cli.main(["--url", "#noise=20&bogus=1"])
    assert any("bogus" in warning for warning in started["warnings"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--load", "missing.json"], "tuiplay: error: --load: missing.json: no such file"),
        (["--load", "x.json", "--noise", "10"], "tuiplay: error: --load: the file holds"),
    ],
)
def test_a_bad_load_exits_2_with_one_line_before_the_app_starts(capsys, argv, message):
    assert cli.main(argv) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(message)


def test_a_file_that_is_not_a_session_exits_2_naming_it(capsys):
    _write("notes.txt", "hello")
    assert cli.main(["--load", "notes.txt"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("tuiplay: error: --load: notes.txt: not a tuiplay session file")
