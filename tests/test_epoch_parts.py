"""Epochs trained in pieces, for an app that must answer keys during long epochs: the same
numbers as whole epochs, and every change waits for the epoch's end, as in the Playground."""

import numpy as np
import pytest

from tuiplay.engine import session_file
from tuiplay.engine.config import Config
from tuiplay.engine.trainer import Session

CONFIGS = [
    # batch 1 with L1 strong enough that links die, the reference video's setting
    Config(seed="0.3", dataset="spiral", batch_size=1, network_shape=(6, 4), activation="relu",
           regularization="L1", regularization_rate=0.03, learning_rate=0.03,
           features=("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")),
    Config(seed="0.4", batch_size=10, network_shape=(4, 2), activation="tanh"),
    # 250 training points in batches of 3: a point is carried into the next epoch
    Config(seed="0.5", dataset="xor", batch_size=3, network_shape=(3,), regularization="L2",
           regularization_rate=0.01),
    Config(seed="0.6", problem="regression", reg_dataset="reg-gauss", batch_size=7,
           network_shape=(5,), activation="sigmoid", learning_rate=0.1),
]  # fmt: skip


def assert_same_state(ours: Session, theirs: Session) -> None:
    assert ours.epoch == theirs.epoch
    assert np.array_equal(ours.network.params, theirs.network.params)
    assert np.array_equal(ours.network.dead_flat, theirs.network.dead_flat)
    assert (ours.train_loss, ours.test_loss) == (theirs.train_loss, theirs.test_loss)
    assert np.array_equal(ours.history.train, theirs.history.train)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"{c.active_dataset}-batch{c.batch_size}")
@pytest.mark.parametrize("parts", [2, 7, 300])
def test_an_epoch_in_pieces_gives_the_numbers_of_a_whole_epoch(config, parts):
    whole, pieces = Session(config), Session(config)
    whole.step_epochs(6)
    for _ in range(6):
        while not pieces.train_part(parts):
            pass
    assert_same_state(pieces, whole)


def test_the_epoch_counts_only_when_its_last_piece_is_trained():
    session = Session(CONFIGS[0])
    assert [session.train_part(3) for _ in range(4)] == [False, False, True, False]
    assert session.epoch == 1 and session.mid_epoch
    session.finish_epoch()
    assert session.epoch == 2 and not session.mid_epoch


def test_a_learning_rate_changed_in_the_middle_of_an_epoch_applies_from_the_next():
    interrupted, reference = Session(CONFIGS[1]), Session(CONFIGS[1])
    interrupted.train_part(4)
    interrupted.apply(interrupted.config.replace(learning_rate=1.0))
    assert interrupted.mid_epoch and interrupted.config.learning_rate == 1.0  # shown at once
    interrupted.step_epochs(2)
    reference.step_epochs(1)
    reference.apply(reference.config.replace(learning_rate=1.0))
    reference.step_epochs(1)
    assert_same_state(interrupted, reference)


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.apply(s.config.replace(activation="relu")),
        lambda s: s.apply(s.config.replace(network_shape=(2,))),
        lambda s: s.apply(s.config.replace(dataset="gauss")),
        lambda s: s.reset(),
    ],
    ids=["activation", "shape", "dataset", "reset"],
)
def test_a_new_network_in_the_middle_of_an_epoch_drops_the_rest_of_it(change):
    interrupted, reference = Session(CONFIGS[1]), Session(CONFIGS[1])
    interrupted.train_part(4)
    change(interrupted)
    change(reference)
    assert not interrupted.mid_epoch
    assert_same_state(interrupted, reference)  # the same new weights and data
    interrupted.step_epochs(2)
    reference.step_epochs(2)
    assert_same_state(interrupted, reference)


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.set_weight(0, 0, 0, 0.5),
        lambda s: s.set_bias(0, 0, 0.5),
        lambda s: s.regenerate(),
    ],
    ids=["weight", "bias", "new data"],
)
def test_a_change_in_the_middle_of_an_epoch_waits_for_its_end(change):
    interrupted, reference = Session(CONFIGS[1]), Session(CONFIGS[1])
    interrupted.train_part(4)
    change(interrupted)
    reference.step_epochs(1)
    change(reference)
    assert_same_state(interrupted, reference)


def test_whole_epochs_after_a_piece_finish_its_epoch_first_and_count_it():
    interrupted, reference = Session(CONFIGS[1]), Session(CONFIGS[1])
    interrupted.train_part(4)
    assert interrupted.step_epochs(2) == 2
    reference.step_epochs(2)
    assert_same_state(interrupted, reference)


def test_the_l1_case_does_kill_links_in_pieces():
    session = Session(CONFIGS[0])
    for _ in range(6):
        while not session.train_part(7):
            pass
    assert session.network.dead_flat.any()


def test_a_session_saved_in_the_middle_of_an_epoch_is_saved_at_its_end(tmp_path):
    session, reference = Session(CONFIGS[0]), Session(CONFIGS[0])
    session.train_part(5)
    session_file.save(session, tmp_path / "run.json")
    reference.step_epochs(1)
    loaded = session_file.load(tmp_path / "run.json")
    assert loaded.epoch == 1
    assert np.array_equal(loaded.network.params, reference.network.params)
