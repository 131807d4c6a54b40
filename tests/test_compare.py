"""`tuiplay compare`: several networks, the same data and seed, one row of final figures each."""

import json

import pytest

from tuiplay.cli import build_parser, main
from tuiplay.commands.compare import caption, configs_from_args, describe_network
from tuiplay.engine.presets import PRESETS

SEED = "0.12345"


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of `tuiplay ARGS`, run in this process."""
    try:
        status = main(list(args))
    except SystemExit as exit_:  # argparse's own errors
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def jsonl_rows(capsys, *args: str) -> list[dict]:
    status, out, err = run_cli(capsys, "compare", *args, "--format", "jsonl")
    assert status == 0, err
    return [json.loads(line) for line in out.splitlines()]


def configs(*args: str):
    return configs_from_args(build_parser().parse_args(["compare", *args]))


def test_on_the_video_circle_one_or_two_neurons_fail_where_three_succeed(capsys):
    rows = jsonl_rows(
        capsys, "--preset", "video-circle", "--hidden", "1", "2", "3", "--epochs", "100",
        "--seed", SEED,
    )  # fmt: skip
    assert [row["hidden"] for row in rows] == [[1], [2], [3]]
    one, two, three = (row["test_accuracy"] for row in rows)
    assert one < 0.8 and two < 0.9
    assert three > 0.97
    assert all(row["epochs"] == 100 and row["seed"] == SEED for row in rows)


def test_a_row_is_what_tuiplay_train_reports_for_that_network(capsys):
    row = jsonl_rows(capsys, "--preset", "video-circle", "--hidden", "2", "--epochs", "20",
                     "--seed", SEED)[0]  # fmt: skip
    status, out, _ = run_cli(
        capsys, "train", "--preset", "video-circle", "--hidden", "2", "--epochs", "20",
        "--seed", SEED, "--format", "jsonl",
    )  # fmt: skip
    last = json.loads(out.splitlines()[-1])
    assert status == 0
    assert (row["train_loss"], row["test_loss"]) == (last["train_loss"], last["test_loss"])
    assert row["test_accuracy"] == last["accuracy"]


def test_the_networks_differ_only_in_their_hidden_layers():
    (group,) = configs("--dataset", "xor", "--learning-rate", "0.1", "--hidden", "", "4", "8,2")
    assert [config.network_shape for config in group] == [(), (4,), (8, 2)]
    assert len({config.replace(network_shape=(1,)) for config in group}) == 1


def test_without_a_seed_every_network_gets_the_same_drawn_seed():
    (group,) = configs("--hidden", "1", "2", "3")
    seeds = {config.seed for config in group}
    assert len(seeds) == 1 and None not in seeds


def test_video_gives_the_circle_sequence_then_the_spiral_sequence():
    circle, spiral = configs("--video", "--seed", SEED)
    assert [c.network_shape for c in circle] == [(1,), (2,), (3,), (4,), (8,)]
    assert [c.network_shape for c in spiral] == [
        (1,), (2,), (4,), (6,), (8,), (8, 2), (8, 4), (8, 6), (8, 8),
    ]  # fmt: skip
    assert {c.replace(network_shape=(1,)) for c in circle} == {
        PRESETS["video-circle"].config.replace(seed=SEED)
    }
    assert {c.replace(network_shape=(1,)) for c in spiral} == {
        PRESETS["video-spiral"].config.replace(seed=SEED)
    }


def test_the_table_has_a_title_and_one_row_per_network(capsys):
    status, out, _ = run_cli(
        capsys, "compare", "--preset", "video-circle", "--hidden", "1", "8", "--epochs", "2",
        "--seed", SEED,
    )  # fmt: skip
    assert status == 0
    assert out.splitlines()[0] == (
        "circle · relu · lr 0.03 · batch 1 · L1 0.001 · features x,y · seed 0.12345 · 2 epochs"
    )
    body = [line for line in out.splitlines() if line.startswith("│")]
    assert [line.split("│")[1].strip() for line in body] == ["1", "8"]
    assert all(line.count("%") == 2 for line in body)


def test_csv_writes_no_hidden_layer_as_an_empty_cell_and_floats_in_full(capsys):
    status, out, _ = run_cli(
        capsys, "compare", "--hidden", "", "4,2", "--epochs", "1", "--seed", "1", "--format", "csv"
    )
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == (
        "dataset,hidden,epochs,train_loss,test_loss,train_accuracy,test_accuracy,diverged,seed"
    )
    assert lines[1].startswith("circle,,1,") and lines[2].startswith('circle,"4,2",1,')
    assert len(lines[1].split(",")[3]) > 12


def test_csv_writes_true_and_false_in_lower_case_as_jsonl_does(capsys):
    diverged_cells = []
    for learning_rate in ("0.03", "10"):  # reg-plane at lr 10 diverges (see the test below)
        status, out, _ = run_cli(
            capsys, "compare", "--dataset", "reg-plane", "--learning-rate", learning_rate,
            "--hidden", "4", "--epochs", "200", "--seed", "1", "--format", "csv",
        )  # fmt: skip
        header, row = out.splitlines()
        assert status == 0
        diverged_cells.append(dict(zip(header.split(","), row.split(","), strict=True))["diverged"])
    assert diverged_cells == ["false", "true"] == [json.dumps(False), json.dumps(True)]


def test_regression_rows_have_no_accuracy(capsys):
    rows = jsonl_rows(capsys, "--dataset", "reg-plane", "--hidden", "2", "--epochs", "1")
    assert "test_accuracy" not in rows[0] and rows[0]["test_loss"] > 0


def test_a_diverging_network_is_reported_with_the_epoch_it_stopped_at(capsys):
    status, out, err = run_cli(
        capsys, "compare", "--dataset", "reg-plane", "--learning-rate", "10", "--hidden", "4",
        "--epochs", "200", "--seed", "1", "--format", "jsonl",
    )  # fmt: skip
    row = json.loads(out)
    assert status == 0
    assert row["diverged"] and row["epochs"] < 200 and row["test_loss"] is None
    assert f"diverged at epoch {row['epochs']}" in err


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--hidden", "9"],
        ["--hidden", "1,x"],
        ["--hidden", "1", "1,1,1,1,1,1,1"],
        ["--hidden", "1", "--epochs", "-1"],
        ["--hidden", "1", "--format", "xml"],
        ["--video", "--hidden", "1"],
        ["--video", "--learning-rate", "0.1"],
        ["--video", "--preset", "video-circle"],
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args):
    status, out, err = run_cli(capsys, "compare", *args)
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "error" in err


@pytest.mark.parametrize(
    ("shape", "words"),
    [
        ((), "no hidden layer"),
        ((1,), "1 hidden layer · 1 neuron"),
        ((3,), "1 hidden layer · 3 neurons"),
        ((8, 4), "2 hidden layers · 8 and 4 neurons"),
        ((8, 4, 2), "3 hidden layers · 8, 4 and 2 neurons"),
    ],
)
def test_networks_are_described_in_words(shape, words):
    assert describe_network(shape) == words


def test_a_caption_names_the_dataset_and_the_network():
    config = PRESETS["video-circle"].config.replace(network_shape=(3,))
    assert caption(config) == "circle · 1 hidden layer · 3 neurons"
