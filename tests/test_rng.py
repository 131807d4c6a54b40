import json

import pytest
from engine_helpers import CONFORMANCE

from tuiplay.engine.rng import SeededRandom, to_fixed

VECTORS = json.loads((CONFORMANCE / "seedrandom.json").read_text())


@pytest.mark.parametrize("seed", list(VECTORS))
def test_stream_matches_seedrandom_for_seed(seed):
    stream = SeededRandom(seed)
    assert [stream.random() for _ in VECTORS[seed]] == VECTORS[seed]


def test_state_round_trip_continues_the_same_stream():
    stream = SeededRandom("0.5")
    stream.random()
    copy = SeededRandom.from_state(*stream.state())
    assert [copy.random() for _ in range(5)] == [stream.random() for _ in range(5)]


def test_to_fixed_rounds_ties_away_from_zero_like_javascript():
    assert to_fixed(0.015625, 5) == "0.01563"  # exactly halfway: JavaScript picks the larger
    assert to_fixed(0.123454, 5) == "0.12345"
    assert to_fixed(0.0, 5) == "0.00000"


def test_new_seed_is_five_decimals_from_the_stream():
    stream = SeededRandom("0.12345")
    expected = to_fixed(SeededRandom("0.12345").random(), 5)
    assert stream.new_seed() == expected
    assert len(expected) == 7
