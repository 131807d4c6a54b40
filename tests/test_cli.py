"""The command line, run as a user runs it: a subprocess for the real entry points."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from engine_helpers import CONFORMANCE, load_vector

from tuiplay import __version__
from tuiplay.cli import main
from tuiplay.commands.table_cells import loss_cell
from tuiplay.engine import session_file
from tuiplay.engine.presets import PRESETS


def tuiplay(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tuiplay", *args], capture_output=True, text=True, timeout=120
    )


def test_version_and_help():
    assert tuiplay("--version").stdout.strip() == f"tuiplay {__version__}"
    help_text = tuiplay("--help").stdout
    for word in ("train", "presets", "--preset", "--url", "--fps", "--colors", "--paused"):
        assert word in help_text


def test_train_jsonl_prints_the_conformance_losses_from_the_url():
    vector = load_vector(CONFORMANCE / "circle_default.json")
    result = tuiplay("train", "--url", vector["url"], "--epochs", "50", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["epoch"] for row in rows] == list(range(51))
    for row, (epoch, train_loss, test_loss) in zip(rows, vector["losses"], strict=False):
        assert row["epoch"] == epoch
        assert row["train_loss"] == pytest.approx(train_loss, rel=1e-6, abs=1e-12)
        assert row["test_loss"] == pytest.approx(test_loss, rel=1e-6, abs=1e-12)
        assert 0 <= row["accuracy"] <= 1
    assert result.stderr == ""  # no progress bar in piped output


def test_csv_has_a_header_and_full_precision(capsys):
    assert (
        main(["train", "--preset", "default", "--seed", "0.1", "--epochs", "2", "--format", "csv"])
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "epoch,train_loss,test_loss,accuracy"
    assert len(lines) == 4
    assert float(lines[1].split(",")[1]) == pytest.approx(float(lines[1].split(",")[1]))
    assert len(lines[1].split(",")[1]) > 12


def test_flags_override_the_preset(capsys):
    args = ["train", "--preset", "video-spiral", "--hidden", "8,8", "--seed", "0.5"]
    assert main([*args, "--epochs", "0", "--format", "jsonl"]) == 0
    grown = json.loads(capsys.readouterr().out)
    assert main([*args[:3], "--seed", "0.5", "--epochs", "0", "--format", "jsonl"]) == 0
    one_neuron = json.loads(capsys.readouterr().out)
    assert grown["train_loss"] != one_neuron["train_loss"]


def test_empty_hidden_means_no_hidden_layer(capsys):
    assert (
        main(["train", "--hidden", "", "--seed", "0.5", "--epochs", "1", "--format", "jsonl"]) == 0
    )
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_table_is_the_default_format(capsys):
    assert main(["train", "--seed", "0.5", "--epochs", "30"]) == 0
    out = capsys.readouterr().out
    assert "train loss" in out and "circle" in out and "30" in out


def test_regression_rows_have_no_accuracy(capsys):
    assert main(["train", "--dataset", "reg-plane", "--epochs", "1", "--format", "jsonl"]) == 0
    row = json.loads(capsys.readouterr().out.splitlines()[0])
    assert "accuracy" not in row


DIVERGING = ["--activation", "relu", "--learning-rate", "10", "--dataset", "reg-plane"]


@pytest.mark.parametrize("command", [["train"], ["compare", "--hidden", "4,2"]])
def test_tables_write_a_huge_loss_in_scientific_notation(command, capsys):
    assert main([*command, *DIVERGING, "--seed", "1", "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "7.745116e+112" in out and "774511608" not in out


def test_jsonl_and_csv_keep_every_digit_of_a_huge_loss(capsys):
    for kind in ("jsonl", "csv"):
        assert main(["train", *DIVERGING, "--seed", "1", "--epochs", "1", "--format", kind]) == 0
        assert "7.745116082841845e+112" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("loss", "cell"),
    [(0.0, "0.000000"), (0.123456789, "0.123457"), (3e-9, "3.000000e-09"), (None, "-")],
)
def test_a_table_cell_shows_a_loss_with_its_significant_digits(loss, cell):
    assert loss_cell(loss) == cell


def test_notes_name_the_flag_or_the_url_key_that_gave_the_value(capsys):
    args = ["--url", "#learningRate=0.05&noise=7", "--noise", "5", "--batch-size", "50"]
    assert main(["train", *args, "--epochs", "0", "--format", "jsonl"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "tuiplay: url: learningRate 0.05 is not on the UI's list: "
        "0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10",
        "tuiplay: note: --batch-size 50 is outside the UI's range: 1 to 30",
    ]


def test_save_then_load_continues_the_run(tmp_path, capsys):
    path = tmp_path / "run.json"
    assert main(["train", "--seed", "0.5", "--epochs", "10", "--format", "jsonl"]) == 0
    straight = capsys.readouterr().out.splitlines()
    assert (
        main(["train", "--seed", "0.5", "--epochs", "4", "--format", "jsonl", "--save", str(path)])
        == 0
    )
    capsys.readouterr()
    assert main(["train", "--load", str(path), "--epochs", "6", "--format", "jsonl"]) == 0
    resumed = capsys.readouterr().out.splitlines()
    assert json.loads(resumed[0])["epoch"] == 4
    assert [json.loads(r) for r in resumed] == [json.loads(r) for r in straight[4:]]


def test_presets_lists_names_and_urls():
    out = tuiplay("presets").stdout
    for name in ("default", "video-circle", "video-spiral"):
        assert f"{name}:" in out
    assert "playground.tensorflow.org/#activation=relu&regularization=L1&batchSize=1" in out


BAD_INPUTS = [
    (["train"], "--epochs"),
    (["train", "--epochs", "x"], "--epochs"),
    (["train", "--epochs", "-1"], "--epochs"),
    (["train", "--epochs", "1", "--batch-size", "0"], "--batch-size"),
    (["train", "--epochs", "1", "--batch-size", "many"], "--batch-size"),
    (["train", "--epochs", "1", "--noise", "101"], "--noise"),
    (["train", "--epochs", "1", "--noise", "-1"], "--noise"),
    (["train", "--epochs", "1", "--train-percent", "0"], "--train-percent"),
    (["train", "--epochs", "1", "--hidden", "9"], "--hidden"),
    (
        ["train", "--epochs", "1", "--hidden", "4,x"],
        "'4,x' is not a list of neuron counts; allowed",
    ),
    (["train", "--epochs", "1", "--hidden", "1,1,1,1,1,1,1"], "--hidden"),
    (["train", "--epochs", "1", "--features", "x,z"], "--features"),
    (["train", "--epochs", "1", "--activation", "swish"], "--activation"),
    (["train", "--epochs", "1", "--learning-rate", "-0.1"], "--learning-rate"),
    (["train", "--epochs", "1", "--regularization", "L3"], "--regularization"),
    (["train", "--epochs", "1", "--reg-rate", "fast"], "--reg-rate"),
    (["train", "--epochs", "1", "--dataset", "moons"], "--dataset"),
    (["train", "--epochs", "1", "--problem", "ranking"], "--problem"),
    (["train", "--epochs", "1", "--preset", "nope"], "--preset"),
    (["train", "--epochs", "1", "--format", "xml"], "--format"),
    (["train", "--epochs", "1", "--seed", "9" * 100], "--seed"),
    (
        ["train", "--epochs", "1", "--dataset", "reg-plane", "--problem", "classification"],
        "--dataset",
    ),
    (["train", "--epochs", "1", "--url", "#activation=foo"], "activation"),
    (["train", "--epochs", "1", "--url", "#networkShape=4,x"], "networkShape"),
    (["train", "--epochs", "1", "--url", "#batchSize=0"], "batchSize"),
    (["train", "--epochs", "1", "--url", "#noise=-5"], "noise"),
    (["train", "--epochs", "1", "--url", "https://example.com"], "url"),
    (["train", "--epochs", "1", "--load", "/nonexistent/run.json"], "no such file"),
    (["train", "--epochs", "1", "--save", "/nonexistent/run.json"], "does not exist"),
    (["train", "--epochs", "1", "--load", "x.json", "--seed", "1"], "--load"),
    (["train", "--epochs", "1", "--learning-rate", "inf"], "--learning-rate"),
    (["train", "--epochs", "1", "--learning-rate", "nan"], "--learning-rate"),
    (["train", "--epochs", "1e9"], "--epochs"),
    (["train", "--epochs", "1", "--hidden", ",,"], "--hidden"),
    (["train", "--epochs", "1", "--seed", "0.1\x1b[2J"], "--seed"),
    (["train", "--epochs", "1", "--url", "#percTrainData=0"], "percTrainData"),
    (["train", "--epochs", "1", "--url", "#" + "a" * 20_000], "too long"),
    (["train", "--epochs", "1", "--load", "/etc"], "folder"),
    (["train", "--epochs", "1", "--load", "/proc/cpuinfo"], "not a tuiplay session"),
    (["--fps", "61"], "--fps"),
    (["--fps", "0"], "--fps"),
    (["--fps", "fast"], "--fps"),
    (["--colors", "many"], "--colors"),
    (["frobnicate"], "frobnicate"),
    (["train", "--epochs", "1", "--save", ""], "--save: the file name is empty"),
    (["train", "--epochs", "1", "--save", "a" * 300 + ".json"], "File name too long"),
    (["train", "--epochs", "1", "--activation", "z" * 100_000], "invalid choice: 'zzz"),
    (["train", "--epochs", "1", "--batch-size", "9" * 100_000], "is not a whole number"),
    (["train", "--epochs", "1", "z" * 100_000], "unrecognized arguments"),
]


@pytest.mark.parametrize(
    ("args", "named"), BAD_INPUTS, ids=[" ".join(a)[:50] for a, _ in BAD_INPUTS]
)
def test_bad_input_exits_2_with_one_line_naming_it(args, named, capsys):
    with pytest.raises(SystemExit) as exit_info:
        code = main(args)
        raise SystemExit(code)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert named in lines[0] and len(lines[0]) < 400
    assert "Traceback" not in captured.err and captured.out == ""


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--epochs", "5"],
            "--epochs belongs to a command: tuiplay train --epochs 5 … (or compare, snapshot)",
        ),
        (
            ["--seed", "1", "--save=my run.json"],
            "--save belongs to a command: tuiplay train --save 'my run.json' …",
        ),
        (["--video"], "--video belongs to a command: tuiplay compare --video …"),
    ],
)
def test_a_commands_flag_before_any_command_says_where_it_belongs(args, line, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == f"tuiplay: error: {line}\n"


def test_a_mistyped_preset_names_the_nearest_and_every_preset_whole(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--epochs", "1", "--preset", "video-spirl"])
    line = capsys.readouterr().err.strip()
    assert "no preset named 'video-spirl'; did you mean video-spiral" in line
    allowed = line.partition("allowed: ")[2]
    named = set()
    for entry in allowed.split(", "):
        base, _, steps = entry.partition("[")
        named |= {base} | {base + step for step in steps.rstrip("]").split("|") if step}
    assert named == set(PRESETS) and not line.endswith("…")


def test_bad_input_from_the_real_entry_point_has_no_traceback():
    result = tuiplay("train", "--epochs", "1", "--url", "#activation=foo")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "tuiplay: error: url: activation: 'foo' is not allowed; "
        "choose one of relu, tanh, sigmoid, linear"
    ]


def test_save_to_an_unwritable_place_fails_before_training(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    result = tuiplay("train", "--epochs", "1", "--save", str(folder))
    assert result.returncode == 2 and "is a folder" in result.stderr


def test_save_under_a_file_says_it_is_a_file_not_a_folder(tmp_path, capsys):
    (tmp_path / "good.json").write_text("{}")
    assert main(["train", "--epochs", "1", "--save", str(tmp_path / "good.json" / "x.json")]) == 2
    assert f"{tmp_path / 'good.json'} is a file, not a folder" in capsys.readouterr().err


def test_save_refuses_to_replace_a_device_or_pipe_before_training(tmp_path, capsys):
    pipe = tmp_path / "pipe"  # a pipe, not /dev/full: a regression must not replace a device
    os.mkfifo(pipe)
    assert main(["train", "--epochs", "1000000", "--save", str(pipe)]) == 2
    assert f"--save: {pipe} is not a regular file" in capsys.readouterr().err


def test_a_save_that_fails_at_the_write_is_one_line_naming_the_file(tmp_path, capsys, monkeypatch):
    target = tmp_path / "sub" / "run.json"
    target.parent.mkdir()
    save = session_file.save

    def save_after_the_folder_went_away(session, path):
        shutil.rmtree(target.parent)  # removed while training ran
        save(session, path)

    monkeypatch.setattr(session_file, "save", save_after_the_folder_went_away)
    args = ["train", "--seed", "0.5", "--epochs", "1", "--format", "csv", "--save", str(target)]
    assert main(args) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"tuiplay: error: --save: {target}: cannot write here: No such file or directory"
    ]


def test_load_refuses_experiment_flags_in_the_same_words_in_train_and_the_app(capsys):
    assert main(["train", "--epochs", "1", "--load", "x.json", "--seed", "1", "--noise", "5"]) == 2
    assert capsys.readouterr().err == (
        "tuiplay: error: --load: the file holds the whole experiment; drop --noise, --seed\n"
    )


def test_the_app_refuses_a_pipe_with_a_pointer_to_train():
    result = tuiplay("--seed", "1")
    assert result.returncode == 2
    assert "tuiplay train" in result.stderr


def test_engine_imports_neither_textual_nor_rich():
    code = (
        "import sys, tuiplay.engine.trainer, tuiplay.engine.session_file, tuiplay.engine.presets;"
        "bad = [m for m in ('textual', 'rich') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_progress_bar_goes_to_stderr_only_when_it_is_a_terminal():
    import os
    import pty
    import threading

    controller, terminal = pty.openpty()
    written = bytearray()

    def drain() -> None:  # a terminal must be read, or the writer blocks when it fills
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                return
            if not chunk:
                return
            written.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    result = subprocess.run(
        [sys.executable, "-m", "tuiplay", "train", "--epochs", "300", "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=terminal,
        timeout=120,
    )
    os.close(terminal)
    reader.join(timeout=5)
    os.close(controller)
    assert result.returncode == 0
    assert b"training" in written  # the bar's label reached the terminal
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 301 and all(line.startswith('{"epoch"') for line in lines)


def test_parsing_the_command_line_does_not_import_textual_before_the_app_sets_its_fps():
    """Textual reads TEXTUAL_FPS once, at import: `--fps` works only if nothing imports
    textual while the command line of the app or the tour is read."""
    check = (
        "import sys; from tuiplay.cli import build_parser; "
        "parser = build_parser(); parser.parse_args(['--fps', '5', '--preset', 'video-circle']); "
        "parser.parse_args(['tour', '--seed', '7']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


OUTPUT_COMMANDS = [
    ["train", "--epochs", "50", "--format", "jsonl"],
    ["train", "--epochs", "50", "--format", "csv"],
    ["train", "--epochs", "50"],
    ["compare", "--hidden", "1", "2", "3", "--epochs", "30", "--format", "jsonl"],
    ["compare", "--hidden", "1", "2", "--epochs", "3"],
    ["presets"],
    ["snapshot", "--epochs", "1", "-o", "/dev/stdout"],
]


@pytest.mark.parametrize("args", OUTPUT_COMMANDS, ids=" ".join)
def test_output_into_a_pipe_closed_before_it_is_read_ends_quietly_with_sigpipes_status(args):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before tuiplay writes a byte
    try:
        result = subprocess.run(
            [sys.executable, "-m", "tuiplay", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (141, "")


def test_output_into_head_ends_quietly_after_the_lines_head_read():
    # 3000 csv rows overfill the pipe's buffer: tuiplay is still writing when the reader goes
    process = subprocess.Popen(
        [sys.executable, "-m", "tuiplay", "train", "--epochs", "3000", "--format", "csv"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    header, first_row = process.stdout.readline(), process.stdout.readline()
    process.stdout.close()
    stderr = process.communicate(timeout=120)[1]
    assert header == "epoch,train_loss,test_loss,accuracy\n" and first_row.startswith("0,")
    assert (process.returncode, stderr) == (141, "")


def test_load_refuses_a_pipe_in_one_line_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "fifo"
    os.mkfifo(pipe)
    result = subprocess.run(
        [sys.executable, "-m", "tuiplay", "train", "--load", str(pipe), "--epochs", "1"],
        capture_output=True,
        text=True,
        timeout=60,  # before the fix, it waited for a writer forever
    )
    assert (result.returncode, result.stderr) == (
        2,
        f"tuiplay: error: --load: {pipe}: is not a regular file (a device, pipe or socket); "
        "give a session file\n",
    )


def test_a_diverged_run_is_not_saved_with_advice_the_command_line_can_follow(tmp_path, capsys):
    path = tmp_path / "run.json"
    args = [*DIVERGING, "--seed", "1", "--epochs", "5", "--format", "csv", "--save", str(path)]
    assert main(["train", *args]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"tuiplay: error: --save: {path}: not saved: the network diverged (NaN weights); "
        "lower --learning-rate and run again"
    )
    assert not path.exists()


def test_a_loaded_run_that_diverged_is_not_saved_with_advice_for_a_file(tmp_path, capsys):
    path = tmp_path / "run.json"
    save_first = [*DIVERGING, "--seed", "1", "--epochs", "1", "--format", "csv"]
    assert main(["train", *save_first, "--save", str(path)]) == 0
    then = ["--load", str(path), "--epochs", "4", "--format", "csv", "--save", str(path)]
    assert main(["train", *then]) == 2
    assert (
        capsys.readouterr()
        .err.splitlines()[-1]
        .endswith(
            "not saved: the network diverged (NaN weights); "
            "train fewer --epochs from the file, or start anew with a lower --learning-rate"
        )
    )


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["train", "--epochs", "1", "--seed", "a" * 80],
            "--seed: '" + "a" * 37 + "…' is not allowed;",
        ),
        (
            ["train", "--epochs", "1", "--activation", "z" * 100],
            "--activation: invalid choice: '" + "z" * 37 + "…' (choose from",
        ),
        (["tour", "--rest", "-1"], "--rest: '-1' is out of range; allowed: 0 to 60"),
        (["tour", "--rest", "x" * 80], "--rest: '" + "x" * 37 + "…' is not a number;"),
        (["snapshot", "--press", "q" * 80], "--press: '" + "q" * 37 + "…' is not a key;"),
    ],
)
def test_a_bad_value_is_quoted_and_cut_inside_its_quotes(args, line, capsys):
    with pytest.raises(SystemExit) as exit_info:
        raise SystemExit(main(args))  # argparse's errors exit; our own return 2
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith(f"tuiplay: error: {line}")


@pytest.mark.parametrize("folder", ["/proc", "/sys"])
def test_save_into_a_folder_that_takes_no_files_fails_before_training(folder, capsys):
    path = f"{folder}/x.json"
    assert main(["train", "--epochs", "5", "--format", "jsonl", "--save", path]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # not one epoch printed
    assert captured.err == f"tuiplay: error: --save: {path}: folder {folder} is not writable\n"


def test_the_up_front_check_leaves_nothing_behind_in_the_folder(tmp_path, capsys):
    assert main(["train", "--epochs", "1", "--format", "csv", "--save", str(tmp_path / "a")]) == 0
    assert [path.name for path in tmp_path.iterdir()] == ["a"]
