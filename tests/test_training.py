"""The fast trainer against a literal port of nn.ts, and the training rules one by one."""

import numpy as np
import pytest
from reference_nn import ReferenceNetwork

from tuiplay.engine.config import Config
from tuiplay.engine.network import Network
from tuiplay.engine.trainer import Session
from tuiplay.engine.training import EpochRunner, ParameterUpdate


def _reference_of(network: Network) -> ReferenceNetwork:
    return ReferenceNetwork.copy_of(network)


def _assert_same(network: Network, reference: ReferenceNetwork) -> None:
    for ours, theirs in zip(network.weights, reference.weights(), strict=True):
        np.testing.assert_allclose(ours, np.array(theirs), rtol=1e-9, atol=1e-12)
    for ours, theirs in zip(network.biases, reference.biases(), strict=True):
        np.testing.assert_allclose(ours, np.array(theirs), rtol=1e-9, atol=1e-12)
    for ours, theirs in zip(network.dead, reference.dead(), strict=True):
        assert np.array_equal(ours, np.array(theirs, dtype=bool).reshape(ours.shape))


CASES = [
    # activation, regularization, rate, batch size, problem, hidden
    ("tanh", "none", 0.0, 10, "classification", (4, 2)),
    ("relu", "L1", 0.01, 1, "classification", (5, 3)),
    ("relu", "L1", 0.03, 7, "classification", (3,)),
    ("sigmoid", "L2", 0.01, 3, "classification", (2, 2)),
    ("linear", "L2", 0.1, 1, "regression", (3,)),
    ("tanh", "none", 0.0, 1, "regression", ()),
    ("tanh", "L1", 0.003, 16, "regression", (6,)),
]


@pytest.mark.parametrize(
    ("activation", "regularization", "rate", "batch", "problem", "hidden"), CASES
)
def test_fast_trainer_matches_the_literal_nn_ts_port(
    activation, regularization, rate, batch, problem, hidden
):
    learning_rate = 0.1 if problem == "classification" else 0.001
    config = Config(
        seed="0.777",
        activation=activation,
        regularization=regularization,
        regularization_rate=rate,
        batch_size=batch,
        problem=problem,
        network_shape=hidden,
        learning_rate=learning_rate,
        perc_train_data=10,  # few points keep the reference quick
        features=("x", "y", "sinX", "xTimesY"),
    )
    session = Session(config)
    reference = _reference_of(session.network)
    inputs = session._train_inputs.tolist()
    targets = session.train_labels.tolist()
    for _ in range(4):
        session.step_epochs(1)
        reference.train_epoch(inputs, targets, batch, learning_rate, regularization, rate)
        _assert_same(session.network, reference)
        expected_loss = reference.mean_loss(inputs, targets)
        assert session.train_loss == pytest.approx(expected_loss, rel=1e-9)
    assert not session.diverged


def test_l1_with_a_strong_pull_kills_links_like_the_reference():
    config = Config(
        seed="0.3",
        activation="relu",
        regularization="L1",
        regularization_rate=0.3,
        batch_size=1,
        network_shape=(4,),
        perc_train_data=10,
    )
    session = Session(config)
    reference = _reference_of(session.network)
    for _ in range(3):
        session.step_epochs(1)
        reference.train_epoch(
            session._train_inputs.tolist(), session.train_labels.tolist(), 1, 0.03, "L1", 0.3
        )
    assert session.network.dead_flat.any()
    _assert_same(session.network, reference)


def _one_link_network(weight: float) -> Network:
    network = Network([1, 1], "linear", "linear")
    network.weights[0][0, 0] = weight
    network.biases[0][0] = 0.1
    return network


def test_l1_kills_a_weight_that_crosses_zero():
    network = _one_link_network(0.001)
    network.grads[:] = 0.0
    network.accumulated = 1
    ParameterUpdate(network)(learning_rate=0.1, regularization="L1", regularization_rate=0.1)
    # the pull of lr * rate = 0.01 would take 0.001 past zero: the link dies at exactly 0
    assert network.weights[0][0, 0] == 0.0
    assert network.dead[0][0, 0]


def test_a_dead_link_stays_at_zero_whatever_its_gradient():
    network = _one_link_network(0.001)
    update = ParameterUpdate(network)
    network.accumulated = 1
    update(0.1, "L1", 0.1)
    network.grads[:] = 5.0
    network.accumulated = 1
    update(0.1, "L1", 0.1)
    assert network.weights[0][0, 0] == 0.0
    assert network.biases[0][0] == pytest.approx(0.1 - 0.1 * 5.0)  # the bias still learns


def test_l1_pull_that_does_not_cross_zero_only_shrinks_the_weight():
    network = _one_link_network(0.5)
    network.accumulated = 1
    ParameterUpdate(network)(0.1, "L1", 0.1)
    assert network.weights[0][0, 0] == pytest.approx(0.5 - 0.01)
    assert not network.dead[0][0, 0]


def test_l2_shrinks_weights_but_never_biases():
    network = _one_link_network(0.5)
    network.accumulated = 1
    ParameterUpdate(network)(0.1, "L2", 1.0)
    assert network.weights[0][0, 0] == pytest.approx(0.5 - 0.1 * 1.0 * 0.5)
    assert network.biases[0][0] == 0.1


def test_leftover_points_join_the_next_epochs_first_batch():
    config = Config(seed="0.5", batch_size=8, perc_train_data=10, network_shape=(3,))
    session = Session(config)
    count = len(session.train_labels)
    assert count % 8, "the case needs leftover points"
    reference = _reference_of(session.network)
    session.step_epochs(1)
    assert session.network.accumulated == count % 8  # carried, not applied or dropped
    reference.train_epoch(
        session._train_inputs.tolist(), session.train_labels.tolist(), 8, 0.03, "none", 0
    )
    for _ in range(2):
        session.step_epochs(1)
        reference.train_epoch(
            session._train_inputs.tolist(), session.train_labels.tolist(), 8, 0.03, "none", 0
        )
    _assert_same(session.network, reference)


def test_batch_one_loop_and_block_path_agree():
    config = Config(
        seed="0.2",
        activation="relu",
        regularization="L1",
        regularization_rate=0.001,
        batch_size=1,
        network_shape=(8, 8),
        features=("x", "y", "xSquared"),
    )
    a, b = Session(config), Session(config)
    runner = EpochRunner(b.network, b._train_inputs, b.train_labels)
    for _ in range(3):
        a.step_epochs(1)
        b.network.accumulated = 0
        runner._run_blocks(
            runner._blocks(1), 1, 0.03, "L1", 0.001
        )  # the general path, one point per block
    np.testing.assert_allclose(a.network.params, b.network.params, rtol=1e-12, atol=1e-15)
    assert np.array_equal(a.network.dead_flat, b.network.dead_flat)


def test_init_zero_starts_every_parameter_at_zero():
    session = Session(Config(seed="0.1", init_zero=True))
    assert not session.network.params.any()
