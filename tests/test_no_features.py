"""A network with every input feature off: it learns from its biases alone, as in the Playground.

The first layer then has no weights at all. The batch-size-1 trainer borrows the end of the
last hidden layer's gradient as scratch (pointwise.py), and a lone hidden layer with no
inputs has a gradient one entry too short for that; the network panel draws each node's
incoming weights as bars, and the first layer's nodes have none.
"""

import html
import json
import re
import subprocess
import sys

import numpy as np
import pytest
from app_helpers import wait_for
from reference_nn import ReferenceNetwork

from tuiplay.cli import main
from tuiplay.engine.config import Config
from tuiplay.engine.trainer import Session
from tuiplay.ui.screens.edit_node import EditNodeScreen
from tuiplay.ui.widgets.network import Cursor

SIZE = (120, 40)
HIDDEN_SHAPES = [(), (1,), (3,), (2, 3), (3, 1, 2)]  # 0 to 3 hidden layers


def _assert_same_parameters(network, reference: ReferenceNetwork) -> None:
    for ours, theirs in zip(network.weights, reference.weights(), strict=True):
        np.testing.assert_allclose(ours, np.array(theirs), rtol=1e-9, atol=1e-12)
    for ours, theirs in zip(network.biases, reference.biases(), strict=True):
        np.testing.assert_allclose(ours, np.array(theirs), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("batch_size", [1, 3])
@pytest.mark.parametrize("hidden", HIDDEN_SHAPES)
def test_a_featureless_network_trains_as_the_nn_ts_port_does(hidden, batch_size):
    config = Config(
        seed="0.5", features=(), network_shape=hidden, batch_size=batch_size, activation="tanh"
    )
    session = Session(config)
    network = session.network
    assert network.layer_sizes[0] == 0
    reference = ReferenceNetwork.copy_of(network)
    train = session._train_inputs.tolist(), session.train_labels.tolist()
    test = session._test_inputs.tolist(), session.test_labels.tolist()
    for _ in range(3):
        session.step_epochs(1)
        reference.train_epoch(*train, batch_size, config.learning_rate, "none", 0.0)
        assert session.train_loss == pytest.approx(reference.mean_loss(*train), rel=1e-9)
        assert session.test_loss == pytest.approx(reference.mean_loss(*test), rel=1e-9)
    _assert_same_parameters(network, reference)


def test_a_featureless_network_with_l1_kills_the_links_nn_ts_kills():
    config = Config(
        seed="0.5",
        features=(),
        network_shape=(4,),
        batch_size=1,
        activation="relu",
        regularization="L1",
        regularization_rate=0.03,
    )
    session = Session(config)
    reference = ReferenceNetwork.copy_of(session.network)
    train = session._train_inputs.tolist(), session.train_labels.tolist()
    for _ in range(5):
        session.step_epochs(1)
        reference.train_epoch(*train, 1, config.learning_rate, "L1", 0.03)
    _assert_same_parameters(session.network, reference)
    dead = [d.tolist() for d in session.network.dead]
    assert dead == reference.dead()
    assert any(any(row) for layer in dead for row in layer), "the case must kill links"


def test_train_with_no_features_exits_0():
    args = ["train", "--preset", "video-circle", "--features", "", "--epochs", "2"]
    result = subprocess.run(
        [sys.executable, "-m", "tuiplay", *args, "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["epoch"] for line in result.stdout.splitlines()] == [0, 1, 2]


@pytest.mark.parametrize("batch_size", ["1", "3"])  # 3 leaves a point's gradient carried over
def test_a_saved_featureless_session_continues_as_if_never_stopped(tmp_path, capsys, batch_size):
    path = tmp_path / "run.json"
    args = ["train", "--features", "", "--hidden", "3", "--batch-size", batch_size]
    args += ["--seed", "0.5", "--format", "jsonl"]
    assert main([*args, "--epochs", "5"]) == 0
    straight = capsys.readouterr().out.splitlines()
    assert main([*args, "--epochs", "2", "--save", str(path)]) == 0
    capsys.readouterr()
    assert main(["train", "--load", str(path), "--epochs", "3", "--format", "jsonl"]) == 0
    resumed = capsys.readouterr().out.splitlines()
    assert [json.loads(row) for row in resumed] == [json.loads(row) for row in straight[2:]]


@pytest.mark.parametrize(
    "changes",
    [{}, {"network_shape": (3,), "batch_size": 1}, {"network_shape": ()}],
    ids=["default", "one-layer-batch-1", "no-hidden-layer"],
)
async def test_turning_both_features_off_keeps_the_app_training(new_app, text_of, changes):
    app = new_app(**changes)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "2")
        assert app.session.config.features == ()
        assert app.session.network.layer_sizes[0] == 0
        # the first layer has no weight bars, only a bias
        first = "L1" if changes.get("network_shape") != () else "out"
        assert re.search(rf" b +{first} ", text_of(app, "#network"))
        await pilot.press("space")
        await wait_for(pilot, lambda: app.session.epoch >= 3)
        await pilot.press("space")
        assert app.is_running and app.return_code is None
        await pilot.press("1")  # and a feature comes back
        assert app.session.network.layer_sizes[0] == 1


async def test_the_cursor_crosses_a_featureless_network(new_app, text_of):
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "2")
        await pilot.press("left", "left")
        assert app.cursor == Cursor(1, 0)
        inspector = text_of(app, "#inspector")
        assert "layer 1, neuron 1" in inspector and "no incoming weights" in inspector
        await pilot.press("left", "down")
        assert app.cursor == Cursor(0, 1)
        assert "feature X2" in text_of(app, "#boundary")
        assert "off (key 2)" in text_of(app, "#inspector")
        await pilot.press("right", "e")  # a first-layer neuron: only its bias to edit
        assert app.cursor == Cursor(1, 1)
        assert isinstance(app.screen, EditNodeScreen)
        await pilot.press(*"0.5", "enter")
        assert app.session.network.biases[0][1] == 0.5
        await pilot.press("escape")
        assert app.cursor == Cursor(3, 0)
        assert "output" in text_of(app, "#boundary")


def test_the_snapshot_command_draws_a_featureless_network(tmp_path):
    path = tmp_path / "out.svg"
    args = ["snapshot", "--features", "", "--hidden", "3", "--batch-size", "1", "--epochs", "4"]
    assert main([*args, "--size", "100x30", "--press", "left", "-o", str(path)]) == 0
    text = html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))
    text = text.replace("\xa0", " ")
    assert "000,004" in text and "paused" in text
    assert "layer 1, neuron 1" in text and "no incoming weights" in text
