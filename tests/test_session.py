"""Session: what each Playground control rebuilds, the history bound, save and load."""

import json
import os
import stat

import numpy as np
import pytest

from tuiplay.engine import session_file
from tuiplay.engine.config import Config
from tuiplay.engine.datasets import CLASSIFICATION_DATASETS, GENERATORS, generate_split
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


@pytest.mark.parametrize(
    ("name", "reason"),
    [("a" * 300 + ".json", "File name too long"), ("missing/run.json", "No such file")],
)
def test_a_place_that_cannot_be_written_is_one_error_naming_it(tmp_path, name, reason):
    with pytest.raises(session_file.SessionFileError, match=reason) as error:
        session_file.save(Session(BASE), tmp_path / name)
    assert str(error.value).startswith(str(tmp_path))


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
    yield "huge weight", with_(lambda d: d["network"]["biases"][0].__setitem__(0, 1e300)), "finite"
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
    yield "accumulated a batch", with_(lambda d: d["network"].update(accumulated=10)), "accumulated"
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


def test_every_damaged_field_loads_or_is_refused_by_name_never_crashes():
    # spiral: the dataset quickest to draw, as each load draws one before it restores the file's
    original = Session(
        BASE.replace(dataset="spiral", regularization="L1", regularization_rate=0.03, batch_size=7)
    )
    original.step_epochs(3)
    data = session_file.to_dict(original)
    assert data["network"]["accumulated"] > 0  # so grads are a table, and get damaged too
    paths = [path for path in _json_paths(data) if path]
    for deep in [("network", "dead", 1, 0, 0), ("network", "grads", 1), ("history", "test", 0)]:
        assert deep in paths  # L1 has killed links, so the dead-link pairs are damaged too
    escaped = []
    for path in paths:
        for value in HOSTILE_VALUES:
            try:
                session_file.from_dict(_with_value_at(data, path, value))
            except session_file.SessionFileError:
                pass
            except Exception as error:  # anything but the load error is a crash
                escaped.append((path, value, repr(error)))
    assert escaped == []
