"""Session: what each Playground control rebuilds, the history bound, save and load."""

import json
import os
import random
import stat
import threading

import numpy as np
import pytest

from tuiplay.engine import session_file
from tuiplay.engine.config import Config
from tuiplay.engine.datasets import (
    CLASSIFICATION_DATASETS,
    GENERATORS,
    REGRESSION_DATASETS,
    generate_split,
)
from tuiplay.engine.history import LossHistory
from tuiplay.engine.network import Network
from tuiplay.engine.rng import SeededRandom
from tuiplay.engine.trainer import Change, Session, grid_points

BASE = Config(seed="0.12345")


def test_a_session_without_a_seed_draws_one_with_five_decimals():
    session = Session(Config())
    assert session.config.seed is not None and len(session.config.seed) == 7


def test_learning_rate_changes_live_keeping_weights_and_epoch():
    session = Session(BASE)
    session.step_epochs(3)
    params = session.network.params.copy()
    assert session.apply(session.config.replace(learning_rate=0.1)) is Change.LIVE
    assert session.epoch == 3
    assert np.array_equal(session.network.params, params)


@pytest.mark.parametrize(
    "change",
    [
        {"activation": "relu"},
        {"regularization": "L2"},
        {"regularization_rate": 0.01},
        {"batch_size": 5},
        {"network_shape": (3,)},
        {"features": ("x", "y", "sinX")},
    ],
)
def test_network_changes_draw_new_weights_from_the_continuing_stream(change):
    session = Session(BASE)
    session.step_epochs(2)
    data = session.train_points.copy()
    assert session.apply(session.config.replace(**change)) is Change.NETWORK
    assert session.epoch == 0 and len(session.history) == 1
    assert np.array_equal(session.train_points, data)
    assert session.config.seed == BASE.seed


@pytest.mark.parametrize(
    "change",
    [{"dataset": "xor"}, {"noise": 10}, {"perc_train_data": 70}],
)
def test_data_changes_draw_a_new_seed_from_the_stream(change):
    session = Session(BASE)
    expected_seed = Session(BASE).rng.new_seed()
    assert session.apply(session.config.replace(**change)) is Change.DATA
    assert session.config.seed == expected_seed
    fresh = Session(session.config.replace(seed=expected_seed))
    assert np.array_equal(session.train_points, fresh.train_points)
    assert np.array_equal(session.network.params, fresh.network.params)


@pytest.mark.parametrize(
    ("start", "datasets"),
    [({}, ("reg-plane", "reg-gauss")), ({"problem": "regression"}, CLASSIFICATION_DATASETS)],
)
def test_a_problem_change_draws_the_dataset_thumbnails_before_the_new_weights(start, datasets):
    """playground.ts, the problem menu: generateData(); drawDatasetThumbnails(); reset(). The
    thumbnails are 200 noiseless points of each dataset of the new problem, drawn from the
    seeded stream between the new data and the new weights."""
    session = Session(BASE.replace(**start))
    other = "classification" if session.config.problem == "regression" else "regression"
    assert session.apply(session.config.replace(problem=other)) is Change.DATA
    config = session.config
    stream = SeededRandom(config.seed)
    generate_split(config.active_dataset, config.noise, config.perc_train_data, stream)
    for name in datasets:
        GENERATORS[name](200, 0.0, stream)
    expected = Network.build(
        config.layer_sizes, config.activation, config.output_activation, stream
    )
    assert np.array_equal(session.network.params, expected.params)


def test_the_weights_after_a_problem_change_match_an_independent_port():
    """Seed 0.5's default page switched to regression: the first layer's first weights as a
    separate port of playground.ts (the audit's) draws them."""
    session = Session(Config(seed="0.5"))
    session.apply(session.config.replace(problem="regression"))
    assert session.network.weights[0][0].tolist() == [-0.36977997106714006, -0.4919040618988983]


def test_reset_draws_new_weights_and_restarts_the_count():
    session = Session(BASE)
    first = session.network.params.copy()
    session.step_epochs(5)
    session.reset()
    assert session.epoch == 0
    assert not np.array_equal(session.network.params, first)
    assert list(session.history.epochs) == [0]


def test_regenerate_keeps_the_network_and_changes_the_data():
    session = Session(BASE)
    session.step_epochs(2)
    params = session.network.params.copy()
    data = session.train_points.copy()
    session.regenerate()
    assert np.array_equal(session.network.params, params)
    assert not np.array_equal(session.train_points, data)
    assert session.config.seed != BASE.seed
    assert session.epoch == 2


def test_display_options_change_nothing_in_training():
    session = Session(BASE)
    params = session.network.params.copy()
    assert session.apply(BASE.replace(show_test_data=True, discretize=True)) is Change.LIVE
    assert np.array_equal(session.network.params, params)


def test_history_stays_bounded_and_spans_the_whole_run():
    history = LossHistory(capacity=8)
    for epoch in range(100):
        history.record(epoch, 1.0 / (epoch + 1), 2.0)
    assert len(history) <= 8
    assert history.epochs[0] == 0 and history.epochs[-1] >= 100 - 16
    assert np.all(np.diff(history.epochs) > 0)


def test_divergence_is_reported_not_raised():
    session = Session(BASE.replace(learning_rate=10.0, problem="regression", activation="linear"))
    ran = session.step_epochs(200)
    assert session.diverged
    assert ran < 200
    assert session.step_epochs(5) == 0
    session.reset()
    assert not session.diverged


def test_grid_outputs_cover_every_node_with_the_top_row_at_y_plus_six():
    session = Session(BASE)
    layers = session.node_outputs_on_grid(10)
    assert [layer.shape for layer in layers] == [(2, 10, 10), (4, 10, 10), (2, 10, 10), (1, 10, 10)]
    x_feature, y_feature = layers[0]
    assert x_feature[0, 0] == -6 and x_feature[0, -1] == 6
    assert y_feature[0, 0] == 6 and y_feature[-1, 0] == -6
    expected = session.network.predict(np.array([[-6.0, 6.0]]))[0]
    assert layers[-1][0, 0, 0] == pytest.approx(expected)
    assert grid_points(3).tolist()[0] == [-6.0, 6.0]


def test_editing_a_weight_changes_the_output():
    session = Session(BASE)
    before = session.train_loss
    session.set_weight(0, 0, 0, 3.0)
    session.set_bias(0, 1, -2.0)
    assert session.network.weights[0][0, 0] == 3.0
    assert session.network.biases[0][1] == -2.0
    assert session.train_loss != before


# -- save and load ----------------------------------------------------------------------
def test_saved_session_continues_exactly_as_the_original(tmp_path):
    original = Session(BASE.replace(batch_size=7, regularization="L1", regularization_rate=0.01))
    original.step_epochs(4)
    path = tmp_path / "run.json"
    session_file.save(original, path)
    loaded = session_file.load(path)
    assert loaded.epoch == 4 and loaded.config == original.config
    for session in (original, loaded):
        session.step_epochs(3)
        session.reset()
        session.step_epochs(1)
    assert np.array_equal(original.network.params, loaded.network.params)
    assert np.array_equal(original.network.dead_flat, loaded.network.dead_flat)


def test_loading_draws_no_data_or_weights_of_its_own(tmp_path, monkeypatch):
    original = Session(BASE.replace(network_shape=(3, 2)))
    original.step_epochs(2)
    path = tmp_path / "run.json"
    session_file.save(original, path)

    def must_not_draw(*args, **kwargs):
        raise AssertionError("loading drew from the seeded stream")

    monkeypatch.setattr(SeededRandom, "random", must_not_draw)
    loaded = session_file.load(path)
    assert loaded.epoch == 2 and loaded.train_loss == original.train_loss
    assert np.array_equal(loaded.network.params, original.network.params)


def test_save_replaces_the_file_whole_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "run.json"
    path.write_text("previous")
    session_file.save(Session(BASE), path)
    assert json.loads(path.read_text())["format"] == "tuiplay-session"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_a_failed_save_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "run.json"
    path.write_text("previous")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(session_file.os, "replace", fail)
    with pytest.raises(session_file.SessionFileError, match="No space left"):
        session_file.save(Session(BASE), path)
    assert path.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600], ids=oct)
def test_saving_over_a_file_keeps_its_permissions(tmp_path, mode):
    path = tmp_path / "run.json"
    path.write_text("previous")
    path.chmod(mode)
    session_file.save(Session(BASE), path)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_new_session_file_gets_the_permissions_the_umask_gives(tmp_path):
    previous = os.umask(0o027)
    try:
        session_file.save(Session(BASE), tmp_path / "run.json")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "run.json").stat().st_mode) == 0o640


def test_saving_to_a_symbolic_link_writes_its_file_and_keeps_the_link(tmp_path):
    real = tmp_path / "sessions" / "run.json"
    real.parent.mkdir()
    real.write_text("previous")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    session_file.save(Session(BASE), link)
    assert link.is_symlink() and link.resolve() == real
    assert json.loads(real.read_text())["format"] == "tuiplay-session"
    assert sorted(p.name for p in real.parent.iterdir()) == ["run.json"]


def test_an_interrupted_save_leaves_the_previous_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "run.json"
    path.write_text("previous")

    def interrupt(descriptor):
        raise KeyboardInterrupt

    monkeypatch.setattr(session_file.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        session_file.save(Session(BASE), path)
    assert path.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_save_refuses_to_replace_what_is_not_a_regular_file(tmp_path):
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    with pytest.raises(session_file.SessionFileError, match="is not a regular file"):
        session_file.save(Session(BASE), pipe)
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_load_refuses_a_pipe_without_waiting_for_a_writer(tmp_path):
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    outcome = []

    def load() -> None:
        try:
            session_file.load(pipe)
        except session_file.SessionFileError as error:
            outcome.append(str(error))

    reader = threading.Thread(target=load, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # it waits for a writer: be one, so that the thread ends
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=10)
        pytest.fail("load waited for a writer to the pipe")
    assert outcome == [
        f"{pipe}: is not a regular file (a device, pipe or socket); give a session file"
    ]


def test_load_refuses_a_device(tmp_path):
    with pytest.raises(session_file.SessionFileError, match="/dev/zero: is not a regular file"):
        session_file.load("/dev/zero")


@pytest.mark.parametrize(
    ("name", "reason"),
    [("a" * 300 + ".json", "File name too long"), ("missing/run.json", "No such file")],
)
def test_a_place_that_cannot_be_written_is_one_error_naming_it(tmp_path, name, reason):
    with pytest.raises(session_file.SessionFileError, match=reason) as error:
        session_file.save(Session(BASE), tmp_path / name)
    assert str(error.value).startswith(str(tmp_path))


def _assert_same_session(loaded: Session, original: Session) -> None:
    """The two are at the same point of the same run: every number bit for bit (NaN = NaN)."""
    assert loaded.epoch == original.epoch and loaded.config == original.config
    assert np.array_equal(loaded.network.params, original.network.params, equal_nan=True)
    assert np.array_equal(loaded.network.dead_flat, original.network.dead_flat)
    assert loaded.network.accumulated == original.network.accumulated
    if original.network.accumulated:
        assert np.array_equal(loaded.network.grads, original.network.grads, equal_nan=True)
    losses = [(s.train_loss, s.test_loss) for s in (loaded, original)]
    assert np.array_equal(*losses, equal_nan=True)
    for column in ("epochs", "train", "test"):
        kept = [getattr(s.history, column) for s in (loaded, original)]
        assert np.array_equal(*kept, equal_nan=True)


def _save_load_and_train_on(original: Session, path, epochs: int) -> Session:
    """Save `original`, load it back, check the copy is the original, then train both
    `epochs` more epochs and check they stayed the same; the copy."""
    session_file.save(original, path)
    loaded = session_file.load(path)
    _assert_same_session(loaded, original)
    for session in (original, loaded):
        session.step_epochs(epochs)
    _assert_same_session(loaded, original)
    return loaded


def test_a_batch_larger_than_the_training_set_saves_and_continues_bit_for_bit(tmp_path):
    """50 training points never fill a batch of 100: the Playground never updates, and the
    gradients of every point trained wait, two epochs' worth after two epochs."""
    config, _ = Config.from_url("#batchSize=100&percTrainData=10&seed=0.5")
    original = Session(config)
    original.step_epochs(2)
    assert len(original.train_labels) == 50 and original.network.accumulated == 100
    loaded = _save_load_and_train_on(original, tmp_path / "big.json", epochs=3)
    assert loaded.network.accumulated == 250


def test_weights_past_1e12_save_and_continue_bit_for_bit(tmp_path):
    """Learning rate 3 on squared features takes a regression's weights to ~1e68 in one
    epoch: huge, finite, not diverged, and saved; the file loads and goes on as the run."""
    hash_ = "#seed=0.5&problem=regression&learningRate=3&xSquared=true&ySquared=true"
    original = Session(Config.from_url(hash_)[0])
    original.step_epochs(1)
    assert not original.diverged and np.abs(original.network.params).max() > 1e12
    _save_load_and_train_on(original, tmp_path / "huge.json", epochs=2)


def _drawn_config(draw: random.Random) -> Config:
    """A config from the corners the engine reaches: tiny training sets, batches larger than
    them, learning rates that blow weights up, L1 that kills links."""
    return Config(
        seed=f"0.{draw.randrange(10**5):05d}",
        problem=draw.choice(("classification", "regression")),
        dataset=draw.choice(CLASSIFICATION_DATASETS),
        reg_dataset=draw.choice(REGRESSION_DATASETS),
        perc_train_data=draw.choice((1, 2, 5, 10, 50, 90)),
        batch_size=draw.choice((1, 3, 10, 30, 64, 200, 1000)),
        learning_rate=draw.choice((0.03, 0.3, 1.0, 3.0, 10.0)),
        activation=draw.choice(("tanh", "relu", "sigmoid", "linear")),
        regularization=draw.choice(("none", "L1", "L1", "L2")),
        regularization_rate=draw.choice((0.01, 0.03, 0.3, 1.0)),
        features=draw.choice((("x", "y"), ("x", "y", "xSquared", "ySquared"), ("x", "y", "sinX"))),
        network_shape=draw.choice(((4, 2), (3,), (), (6, 6, 3))),
    )


def test_every_session_save_writes_loads_and_continues_bit_for_bit(tmp_path):
    draw = random.Random(2026)
    seen = {"accumulated past a batch": 0, "weights past 1e12": 0, "dead links": 0}
    diverged = 0
    for run in range(70):
        original = Session(_drawn_config(draw))
        original.step_epochs(draw.randint(1, 4))
        if original.diverged:  # the one session save refuses, with its own line
            with pytest.raises(session_file.SessionFileError, match="the network diverged"):
                session_file.save(original, tmp_path / f"{run}.json")
            diverged += 1
            continue
        network = original.network
        seen["accumulated past a batch"] += network.accumulated >= original.config.batch_size
        seen["weights past 1e12"] += bool(np.abs(network.params).max() > 1e12)
        seen["dead links"] += bool(network.dead_flat.any())
        _save_load_and_train_on(original, tmp_path / f"{run}.json", epochs=2)
    assert all(seen.values()) and diverged < 20, (seen, diverged)  # the sweep reaches every corner


def _chain_through_first_nodes(session: Session, first: float, middle: float, last: float):
    """Make x reach the output through the first node of each layer alone, times
    first × middle × last: a regression with linear nodes then outputs about that × x."""
    session.set_weight(0, 0, 0, first)
    session.set_weight(0, 0, 1, 0.0)
    session.set_bias(0, 0, 0.0)
    for source in range(4):
        session.set_weight(1, 0, source, middle if source == 0 else 0.0)
    session.set_bias(1, 0, 0.0)
    session.set_weight(2, 0, 0, last)


UNUPDATED_LINEAR_REGRESSION = Config(
    seed="0.5", problem="regression", activation="linear", perc_train_data=10, batch_size=500
)  # 120 training points: no epoch fills a batch, so edited weights stay as edited


def test_save_refuses_gradients_that_overflowed_with_one_line(tmp_path):
    """Weights of 1e100 (typed in the edit box) keep the loss finite but make the gradients
    overflow. JSON has no infinity: saving refuses, naming why, instead of crashing."""
    session = Session(UNUPDATED_LINEAR_REGRESSION)
    _chain_through_first_nodes(session, 1e-50, 1e100, 1e100)
    session.step_epochs(1)
    assert not session.diverged and not np.isfinite(session.network.grads).all()
    path = tmp_path / "run.json"
    with pytest.raises(session_file.SessionFileError) as error:
        session_file.save(session, path)
    assert str(error.value) == (
        f"{path}: not saved: the gradients waiting for an update overflowed (infinite or NaN); "
        "reset it first"
    )
    assert not path.exists()


def test_save_refuses_an_infinite_loss_in_the_history_with_one_line(tmp_path):
    """The 1080 test points' squared errors can overflow where the 120 training points' do
    not: the network has not diverged, but the history holds an infinite test loss."""
    session = Session(UNUPDATED_LINEAR_REGRESSION)
    low, high = 1e150, 1e155  # the output weight at which the test loss overflows
    while not (np.isfinite(session.train_loss) and np.isinf(session.test_loss)):
        last = (low * high) ** 0.5
        _chain_through_first_nodes(session, 1.0, 1.0, last)
        low, high = (low, last) if np.isinf(session.test_loss) else (last, high)
    session.step_epochs(1)
    assert not session.diverged and np.isinf(session.history.test[-1])
    with pytest.raises(session_file.SessionFileError, match="the loss history holds an infinite"):
        session_file.save(session, tmp_path / "run.json")


def test_load_refuses_more_points_waiting_than_the_epochs_trained(tmp_path):
    config, _ = Config.from_url("#batchSize=100&percTrainData=10&seed=0.5")
    session = Session(config)
    session.step_epochs(2)
    data = session_file.to_dict(session)
    data["network"]["accumulated"] = 101  # 2 epochs of 50 points: 100 at most
    path = tmp_path / "run.json"
    path.write_text(json.dumps(data))
    with pytest.raises(session_file.SessionFileError) as error:
        session_file.load(path)
    assert str(error.value) == (
        f"{path}: network.accumulated: 101 is not a count from 0 to 100 (every point trained: "
        "2 epochs of 50 training points, which never fill a batch of 100)"
    )


def _saved(tmp_path) -> dict:
    path = tmp_path / "ok.json"
    session = Session(BASE)
    session.step_epochs(2)  # three rows of history
    session_file.save(session, path)
    return json.loads(path.read_text())


def _mutations(data: dict):
    def with_(update):
        copy = json.loads(json.dumps(data))
        update(copy)
        return copy

    yield "version", with_(lambda d: d.update(version=99)), "version 99"
    yield "format", with_(lambda d: d.update(format="other")), "not a tuiplay session"
    yield "weights shape", with_(lambda d: d["network"]["weights"][0].pop()), "shape"
    # Training reaches any finite size short of overflow, so a weight is refused only where
    # the engine would call the network diverged: the sum of the squares overflows.
    yield (
        "weight whose square overflows",
        with_(lambda d: d["network"]["biases"][0].__setitem__(0, 1e300)),
        "network: weights this large .* are a diverged network",
    )
    yield (
        "coordinate past 1e12",
        with_(lambda d: d["data"]["train"][0].__setitem__(0, 1e13)),
        r"data.train: values must be finite and at most 1e\+12",
    )
    # BASE splits the 500 points of circle in half: 250 to train, 250 to test.
    yield (
        "training set cut short",
        with_(lambda d: d["data"].update(train=d["data"]["train"][:10])),
        r"data.train: 10 points; the config implies 250 \(50% of the 500 points of circle\)",
    )
    yield (
        "a test point dropped",
        with_(lambda d: d["data"]["test"].pop()),
        r"data.test: 249 points; the config implies 250 \(the 500 points of circle less 250",
    )
    yield (
        "a split the config does not imply",
        with_(lambda d: d["config"].update(perc_train_data=60)),
        "data.train: 250 points; the config implies 300",
    )
    yield "bad config", with_(lambda d: d["config"].update(activation="swish")), "activation"
    yield "bad rng", with_(lambda d: d["rng"].update(i=999)), "rng"
    yield "negative epoch", with_(lambda d: d.update(epoch=-1)), "epoch"
    yield "no history", with_(lambda d: d.pop("history")), "history"
    yield (
        "dead link out of range",
        with_(lambda d: d["network"]["dead"][0].append([99, 0])),
        "not a link",
    )
    yield "version true", with_(lambda d: d.update(version=True)), "version True"
    yield "dead layer null", with_(lambda d: d["network"]["dead"].__setitem__(0, None)), "dead"
    yield "dead as numbers", with_(lambda d: d["network"].update(dead=[1, 1, 1])), "dead"
    yield (
        "dead link of booleans",
        with_(lambda d: d["network"]["dead"][0].append([True, True])),
        "not a link",
    )
    yield (
        "weight true",
        with_(lambda d: d["network"]["weights"][0][0].__setitem__(0, True)),
        "shape",
    )
    yield "weight text", with_(lambda d: d["network"]["biases"][0].__setitem__(0, "1.5")), "shape"
    yield "label 0.5", with_(lambda d: d["data"]["train"][0].__setitem__(2, 0.5)), "label"
    yield (
        "rng true",
        with_(lambda d: d["rng"]["state"].__setitem__(d["rng"]["state"].index(1), True)),
        "rng",
    )
    yield "epoch true", with_(lambda d: d.update(epoch=True)), "epoch"
    yield "epoch huge", with_(lambda d: d.update(epoch=10**20)), "epoch"
    # 250 training points fill batches of 10, so an epoch leaves 0 to 9 points waiting.
    yield (
        "accumulated a batch the set fills",
        with_(lambda d: d["network"].update(accumulated=10)),
        r"network.accumulated: 10 is not a count from 0 to 9 \(points left by an epoch",
    )
    yield "history epochs back", with_(lambda d: d["history"].update(epochs=[0, 2, 1])), "increase"
    yield "history after epoch", with_(lambda d: d["history"].update(epochs=[0, 1, 9])), "epochs"
    yield "history epoch 1.5", with_(lambda d: d["history"].update(epochs=[0, 1, 1.5])), "epochs"
    yield "negative loss", with_(lambda d: d["history"]["train"].__setitem__(0, -1)), "losses"
    yield "loss as text", with_(lambda d: d["history"]["test"].__setitem__(0, "0.1")), "losses"
    yield "stride 3", with_(lambda d: d["history"].update(stride=3)), "stride"


def test_broken_session_files_are_refused_with_a_reason(tmp_path):
    data = _saved(tmp_path)
    for name, broken, message in _mutations(data):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(broken))
        with pytest.raises(session_file.SessionFileError, match=message):
            session_file.load(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a tuiplay session file"),
        (b"{not json", "not a tuiplay session file"),
        (b'{"format": "tuiplay-session", "version": 1, "epoch": NaN}', "NaN is not allowed"),
        (b"\xff\xfe\x00garbage", "not text"),
        (b"[" * 100_000, "not a tuiplay session file"),
    ],
)
def test_unreadable_files_give_one_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(session_file.SessionFileError, match=message):
        session_file.load(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(session_file.SessionFileError, match="no such file"):
        session_file.load(tmp_path / "nope.json")


def test_rng_state_in_a_file_is_data_not_code(tmp_path):
    data = _saved(tmp_path)
    data["rng"]["state"] = ["__import__('os').system('false')"] * 256
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    with pytest.raises(session_file.SessionFileError, match="rng"):
        session_file.load(path)
    assert SeededRandom("x").random() < 1


# -- damaged files: every field checked, nothing but SessionFileError escapes -------------
HOSTILE_VALUES = [
    None,
    "x",
    -1,
    0,
    1e308,
    -1e308,
    [],
    {},
    True,
    1.5,
    [1, 1, 1],
    [[1, 2]],
    "\x1b[2J",
    10**30,
    [None],
    [[None] * 3],
]


def _json_paths(value, path=()):
    """Every path into a JSON value, taking the first two items of each list."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _json_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:2]):
            yield from _json_paths(item, (*path, index))


def _with_value_at(data, path, value):
    """A copy of `data` with `value` at `path` (only the containers on the path are copied)."""
    copy = dict(data)
    parent = copy
    for key in path[:-1]:
        parent[key] = dict(parent[key]) if isinstance(parent[key], dict) else list(parent[key])
        parent = parent[key]
    parent[path[-1]] = value
    return copy


def _damaged_copies():
    """(path, value, copy) for each hostile value at each path of a saved session's dict."""
    # L1 at batch size 7 kills links and leaves points waiting, so the dead-link pairs and
    # the gradients are there to damage
    original = Session(
        BASE.replace(dataset="spiral", regularization="L1", regularization_rate=0.03, batch_size=7)
    )
    original.step_epochs(3)
    data = session_file.to_dict(original)
    assert data["network"]["accumulated"] > 0  # so grads are a table, and get damaged too
    paths = [path for path in _json_paths(data) if path]
    for deep in [("network", "dead", 1, 0, 0), ("network", "grads", 1), ("history", "test", 0)]:
        assert deep in paths
    for path in paths:
        for value in HOSTILE_VALUES:
            yield path, value, _with_value_at(data, path, value)


def test_every_damaged_field_loads_or_is_refused_by_name_never_crashes():
    escaped = []
    for path, value, damaged in _damaged_copies():
        try:
            session_file.from_dict(damaged)
        except session_file.SessionFileError:
            pass
        except Exception as error:  # anything but the load error is a crash
            escaped.append((path, value, repr(error)))
    assert escaped == []


def test_a_damaged_file_that_loads_trains_draws_and_saves_or_refuses_by_name(tmp_path):
    """What load lets through (a gradient of 1e308, say) goes on to train, to be drawn and
    to be saved: saving may refuse, with its own error, but nothing crashes."""
    escaped, loaded = [], 0
    for path, value, damaged in _damaged_copies():
        try:
            session = session_file.from_dict(damaged)
        except session_file.SessionFileError:
            continue
        loaded += 1
        try:
            session.step_epochs(1)
            session.node_outputs_on_grid(8)
            session_file.save(session, tmp_path / "run.json")
        except session_file.SessionFileError:
            pass
        except Exception as error:
            escaped.append((path, value, repr(error)))
    assert loaded > 100 and escaped == []
