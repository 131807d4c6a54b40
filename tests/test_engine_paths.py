"""The trainer's shortcuts give exactly the numbers of the plain rules they replace.

Batch size 1 checks L1 crossings once per chunk of points and shares one pull across a
chunk (pointwise.py); these must give bit for bit what a check and a pull after every
point give. The per-epoch losses come from forward plans that keep their points in place.
"""

import numpy as np
import pytest
from reference_nn import ReferenceNetwork

from tuiplay.engine.config import Config
from tuiplay.engine.features import FEATURES
from tuiplay.engine.network import Network
from tuiplay.engine.pointwise import PointwisePlan, _PointUpdate
from tuiplay.engine.trainer import Session
from tuiplay.engine.training import EpochRunner

L1_CASES = [
    # activation, L1 rate, hidden layers, features
    ("relu", 0.3, (4,), ("x", "y")),
    ("relu", 0.001, (8, 8), FEATURES),
    ("tanh", 0.1, (5, 3), ("x", "y", "sinX")),
    ("sigmoid", 0.03, (2, 6), ("x", "y", "xTimesY")),
    ("linear", 0.3, (3,), ("x", "y")),
]


def _plan_pair(activation, rate, hidden, features):
    config = Config(
        seed="0.42",
        dataset="spiral",
        activation=activation,
        regularization="L1",
        regularization_rate=rate,
        batch_size=1,
        network_shape=hidden,
        features=features,
        learning_rate=0.03,
    )
    plans = []
    for chunk_points, share_pull in ((1, False), (32, True)):
        session = Session(config)
        runner = EpochRunner(session.network, session._train_inputs, session.train_labels)
        plan = PointwisePlan(
            session.network, runner.inputs_with_ones, runner.targets, chunk_points, share_pull
        )
        plans.append(plan)
    return plans


@pytest.mark.parametrize(("activation", "rate", "hidden", "features"), L1_CASES)
def test_chunked_l1_checks_give_the_per_point_results_bit_for_bit(
    activation, rate, hidden, features
):
    per_point, chunked = _plan_pair(activation, rate, hidden, features)
    for _ in range(12):
        for plan in (per_point, chunked):
            plan.run_epoch(0.03, "L1", rate, lambda: None)
        assert np.array_equal(per_point.network.params, chunked.network.params)
        assert np.array_equal(per_point.network.dead_flat, chunked.network.dead_flat)
    assert chunked.network.dead_flat.any(), "the case must kill links"


def _one_link(weight: float) -> Network:
    network = Network([1, 1], "linear", "linear")
    network.weights[0][0, 0] = weight
    network.biases[0][0] = 0.1
    return network


def _l1_update(network: Network, on_death=lambda: None) -> _PointUpdate:
    """The batch-size-1 L1 update with a pull of 0.01 and chunks of 8 points."""
    update = _PointUpdate(network, "L1", 0.01, on_death, 8)
    update.start_epoch(share_pull=True)
    return update


def _run_points(update: _PointUpdate, gradients: list[float]) -> int | None:
    """Drive a chunk by hand: each point's weight gradient, then the chunk's check."""
    network = update.network
    for step, gradient in zip(update.start_chunk(), gradients):
        network.grads[:] = [0.0, gradient]  # bias, weight
        for call in step:
            call()
    return update.first_point_to_redo(len(gradients))


def test_a_crossing_mid_chunk_rewinds_to_the_point_where_the_link_died():
    network = _one_link(0.035)
    deaths = []
    update = _l1_update(network, lambda: deaths.append(1))
    # The pull of 0.01 a point takes 0.035 to 0.005 after three points; the fourth crosses.
    redo = _run_points(update, [0.0] * 8)
    assert redo == 4  # points 0..3 stand, the rest is redone
    assert network.weights[0][0, 0] == 0.0 and network.dead[0][0, 0]
    assert network.biases[0][0] == 0.1
    assert deaths == [1]


def test_a_sign_change_mid_chunk_redoes_the_points_after_it_with_a_pull_per_point():
    network = _one_link(0.5)
    update = _l1_update(network)
    redo = _run_points(update, [0.0, 0.0, 1.0, 0.0, 0.0])  # the third point flips the weight
    assert redo == 3
    assert network.weights[0][0, 0] == pytest.approx(0.5 - 3 * 0.01 - 1.0)
    assert not update.shared_pull
    assert not update.signs_held()


def test_a_chunk_without_crossing_or_sign_change_stands():
    network = _one_link(0.5)
    update = _l1_update(network)
    assert _run_points(update, [0.01] * 8) is None
    assert network.weights[0][0, 0] == pytest.approx(0.5 - 8 * 0.02)
    assert update.shared_pull and update.signs_held()


def test_an_exactly_zero_weight_gets_a_pull_per_point():
    update = _l1_update(_one_link(0.0))
    assert not update.shared_pull  # sign(0) = 0 pulls it by 0, a shared copysign would not


def test_a_negative_zero_parameter_gets_a_pull_per_point():
    network = _one_link(0.2)
    network.biases[0][0] = -0.0  # only an edit makes one
    update = _l1_update(network)
    assert not update.shared_pull


def test_loss_functions_give_mean_loss_bit_for_bit():
    session = Session(Config(seed="0.3", network_shape=(5, 3), activation="sigmoid"))
    session.step_epochs(3)
    network = session.network
    for inputs, targets in (
        (session._train_inputs, session.train_labels),
        (session._test_inputs, session.test_labels),
    ):
        loss = network.loss_function(inputs, targets)
        assert loss() == network.mean_loss(inputs, targets)
    empty = network.loss_function(session._train_inputs[:0], session.train_labels[:0])
    assert np.isnan(empty())


@pytest.mark.parametrize("hidden", [(1,), (1, 1), (2, 1, 3)])
def test_batch_one_with_single_neuron_layers_matches_the_nn_ts_port(hidden):
    # The output layer's product with delta borrows the end of the last hidden layer's
    # gradient as scratch: smallest when that layer has one neuron.
    config = Config(
        seed="0.9", batch_size=1, network_shape=hidden, activation="tanh", perc_train_data=20
    )
    session = Session(config)
    network = session.network
    reference = ReferenceNetwork.copy_of(network)
    inputs, targets = session._train_inputs.tolist(), session.train_labels.tolist()
    for _ in range(3):
        session.step_epochs(1)
        reference.train_epoch(inputs, targets, 1, config.learning_rate, "none", 0.0)
    for ours, theirs in zip(network.weights, reference.weights(), strict=True):
        np.testing.assert_allclose(ours, np.array(theirs), rtol=1e-9, atol=1e-12)
    for ours, theirs in zip(network.biases, reference.biases(), strict=True):
        np.testing.assert_allclose(ours, np.array(theirs), rtol=1e-9, atol=1e-12)


def test_an_update_kept_across_epochs_follows_a_new_learning_rate():
    # PointwisePlan keeps its update rule between epochs; a fresh plan each epoch is the
    # plain version of the same thing.
    config = Config(seed="0.8", activation="relu", regularization="L1", batch_size=1)
    kept_session, fresh_session = Session(config), Session(config)
    runner = EpochRunner(
        kept_session.network, kept_session._train_inputs, kept_session.train_labels
    )
    kept = PointwisePlan(kept_session.network, runner.inputs_with_ones, runner.targets)
    for rate in [0.03, 0.03, 0.1, 0.1, 0.01]:
        kept.run_epoch(rate, "L1", 0.3, lambda: None)
        fresh = PointwisePlan(fresh_session.network, runner.inputs_with_ones, runner.targets)
        fresh.run_epoch(rate, "L1", 0.3, lambda: None)
    assert np.array_equal(kept_session.network.params, fresh_session.network.params)
    assert np.array_equal(kept_session.network.dead_flat, fresh_session.network.dead_flat)
    assert kept_session.network.dead_flat.any(), "the case must kill links"
