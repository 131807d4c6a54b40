"""URLs and session files are data: hostile text gives a clear error or a harmless value."""

import json

import numpy as np
import pytest

from tuiplay.engine import session_file
from tuiplay.engine.config import Config, ConfigError
from tuiplay.engine.trainer import Session

TEN_MB = "9" * 10_000_000


@pytest.mark.parametrize(
    "url",
    [
        "#seed=" + TEN_MB,
        "#" + "x=1&" * 2_000_000,
        "#learningRate=" + TEN_MB,
        "#networkShape=" + ",".join(["8"] * 100_000),
        "#dataset=\x1b[31mcircle\x1b[0m",
        "#activation=tanh\x00relu",
        "#seed=\x07\x08\x1b]0;pwned\x07",
        "#noise=1e309",
        "#batchSize=" + "1" * 400,
        "#networkShape=" + "9" * 400,
        "#learningRate=__import__('os').system('false')",
    ],
    ids=lambda url: repr(url[:30]),
)
def test_hostile_urls_are_refused_with_one_short_line(url):
    with pytest.raises(ConfigError) as error:
        Config.from_url(url)
    message = str(error.value)
    assert "\n" not in message and len(message) < 300
    assert "\x1b" not in message and "\x07" not in message.replace("\\x07", "")


def test_control_characters_in_unknown_keys_are_escaped_in_the_warning():
    _, warnings = Config.from_url("#\x1b[2Jkey=1")
    assert warnings and "\x1b" not in warnings[0]


def test_a_ten_megabyte_line_in_a_session_file_is_refused(tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"format": "tuiplay-session", "version": 1, "junk": TEN_MB}))
    with pytest.raises(session_file.SessionFileError) as error:
        session_file.load(path)
    assert len(str(error.value)) < 300


def test_control_characters_in_a_session_config_are_refused_without_echoing_them(tmp_path):
    path = tmp_path / "ok.json"
    session_file.save(Session(Config(seed="0.1")), path)
    data = json.loads(path.read_text())
    data["config"]["activation"] = "\x1b]0;pwned\x07" + "a" * 100_000
    path.write_text(json.dumps(data))
    with pytest.raises(session_file.SessionFileError) as error:
        session_file.load(path)
    message = str(error.value)
    assert "\x1b" not in message and len(message) < 400


def test_session_files_are_never_unpickled(tmp_path):
    import pickle

    path = tmp_path / "run.json"
    path.write_bytes(pickle.dumps({"format": "tuiplay-session"}))
    with pytest.raises(session_file.SessionFileError, match="not"):
        session_file.load(path)


def test_a_ten_megabyte_integer_in_a_session_file_gets_our_own_line(tmp_path):
    path = tmp_path / "big.json"
    path.write_text('{"format": "tuiplay-session", "version": ' + TEN_MB + "}")
    with pytest.raises(session_file.SessionFileError) as error:
        session_file.load(path)
    message = str(error.value)
    assert "10,000,000 digits is too long" in message
    assert "sys." not in message and len(message) < 300


def test_a_session_file_with_the_largest_numbers_load_allows_trains_and_saves_again(tmp_path):
    """Weights just short of a diverged network, gradients of 1e308 and the most points
    waiting that the epochs allow all load; that session trains, draws, and saves a file
    that loads again."""
    session = Session(Config(seed="0.1", batch_size=500, perc_train_data=10))
    session.step_epochs(2)  # 50 training points never fill a batch of 500
    data = session_file.to_dict(session)
    network = data["network"]
    network["weights"] = [[[1e153] * len(row) for row in layer] for layer in network["weights"]]
    network["biases"] = [[-1e153] * len(layer) for layer in network["biases"]]
    network["grads"] = [1e308] * len(network["grads"])
    assert network["accumulated"] == 100  # 2 epochs of 50 points, the most there can be
    path = tmp_path / "edge.json"
    path.write_text(json.dumps(data))
    loaded = session_file.load(path)
    loaded.step_epochs(2)
    loaded.node_outputs_on_grid(8)
    assert not loaded.diverged and loaded.accuracy is not None
    session_file.save(loaded, path)
    again = session_file.load(path)
    assert np.abs(again.network.params).max() == 1e153 and again.network.accumulated == 200
