"""The engine against trajectories produced by the original Playground code."""

import numpy as np
import pytest
from engine_helpers import EXPERIMENT_FILES, dead_link_names, load_vector, points

from tuiplay.engine.config import Config
from tuiplay.engine.features import feature_matrix
from tuiplay.engine.network import Network
from tuiplay.engine.trainer import Session
from tuiplay.engine.training import EpochRunner

LOSS_RTOL, LOSS_ATOL = 1e-6, 1e-12
PARAM_RTOL, PARAM_ATOL = 1e-6, 1e-9
IDS = [p.stem for p in EXPERIMENT_FILES]


@pytest.fixture(params=EXPERIMENT_FILES, ids=IDS, scope="module")
def vector(request):
    return load_vector(request.param)


def _session(vector) -> Session:
    config, warnings = Config.from_url(vector["url"])
    assert warnings == []
    return Session(config)


def _assert_params(network, params):
    for ours, theirs in zip(network.weights, params["weights"], strict=True):
        np.testing.assert_allclose(ours, np.array(theirs), rtol=PARAM_RTOL, atol=PARAM_ATOL)
    for ours, theirs in zip(network.biases, params["biases"], strict=True):
        np.testing.assert_allclose(ours, np.array(theirs), rtol=PARAM_RTOL, atol=PARAM_ATOL)


def _assert_loss(ours, theirs, epoch):
    if theirs is None:
        assert np.isnan(ours), f"epoch {epoch}"
    else:
        assert ours == pytest.approx(theirs, rel=LOSS_RTOL, abs=LOSS_ATOL), f"epoch {epoch}"


def test_url_alone_reproduces_the_data(vector):
    session = _session(vector)
    for ours, labels, rows in (
        (session.train_points, session.train_labels, vector["trainData"]),
        (session.test_points, session.test_labels, vector["testData"]),
    ):
        expected_points, expected_labels = points(rows)
        assert np.array_equal(labels, expected_labels)
        np.testing.assert_allclose(ours, expected_points, rtol=0, atol=1e-12)


def test_url_alone_reproduces_the_initial_weights_exactly(vector):
    network = _session(vector).network
    initial = vector["initialParams"]
    for ours, theirs in zip(network.weights, initial["weights"], strict=True):
        assert np.array_equal(ours, np.array(theirs).reshape(ours.shape))
    for ours, theirs in zip(network.biases, initial["biases"], strict=True):
        assert np.array_equal(ours, np.array(theirs))
    assert initial["deadLinks"] == []


def test_url_alone_reproduces_every_epochs_losses_and_final_params(vector):
    session = _session(vector)
    for epoch, train_loss, test_loss in vector["losses"]:
        if epoch > 0:
            assert session.step_epochs(1) == 1
        assert session.epoch == epoch
        _assert_loss(session.train_loss, train_loss, epoch)
        _assert_loss(session.test_loss, test_loss, epoch)
    _assert_params(session.network, vector["finalParams"])
    assert dead_link_names(session.network, session.config.features) == set(
        vector["finalParams"]["deadLinks"]
    )


def test_trainer_alone_on_the_files_data_and_initial_params(vector):
    config, _ = Config.from_url(vector["url"])
    train_points, train_labels = points(vector["trainData"])
    test_points, test_labels = points(vector["testData"])
    network = Network(config.layer_sizes, config.activation, config.output_activation)
    for layer, (weights, biases) in enumerate(
        zip(vector["initialParams"]["weights"], vector["initialParams"]["biases"], strict=True)
    ):
        network.weights[layer][:] = np.array(weights).reshape(network.weights[layer].shape)
        network.biases[layer][:] = biases
    train_inputs = feature_matrix(train_points, config.features)
    test_inputs = feature_matrix(test_points, config.features)
    runner = EpochRunner(network, train_inputs, train_labels)
    for epoch, train_loss, test_loss in vector["losses"]:
        if epoch > 0:
            runner.run_epoch(
                config.batch_size,
                config.learning_rate,
                config.regularization,
                config.regularization_rate,
            )
        _assert_loss(network.mean_loss(train_inputs, train_labels), train_loss, epoch)
        _assert_loss(network.mean_loss(test_inputs, test_labels), test_loss, epoch)
    _assert_params(network, vector["finalParams"])


def test_the_vectors_cover_what_they_claim():
    names = {p.stem for p in EXPERIMENT_FILES}
    assert len(names) == 8
    spiral = load_vector(next(p for p in EXPERIMENT_FILES if p.stem == "spiral_video_l1_b1"))
    assert spiral["finalParams"]["deadLinks"], "the L1 vector must exercise dead links"
