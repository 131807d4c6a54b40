"""Config validation and the Playground URL hash."""

import pytest
from engine_helpers import EXPERIMENT_FILES, load_vector

from tuiplay.engine.config import Config, ConfigError, js_number
from tuiplay.engine.presets import PRESETS

DEFAULT_PAGE = (
    "#activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03"
    "&regularizationRate=0&noise=0&networkShape=4,2&seed=0.12345&showTestData=false"
    "&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false"
    "&ySquared=false&cosX=false&sinX=false&cosY=false&sinY=false&collectStats=false"
    "&problem=classification&initZero=false&hideText=false"
)


def test_defaults_are_the_playgrounds_default_page():
    assert Config(seed="0.12345").to_url_hash() == DEFAULT_PAGE


def test_reading_the_default_page_gives_the_defaults():
    config, warnings = Config.from_url("https://playground.tensorflow.org/" + DEFAULT_PAGE)
    assert config == Config(seed="0.12345") and warnings == []


@pytest.mark.parametrize("path", EXPERIMENT_FILES, ids=[p.stem for p in EXPERIMENT_FILES])
def test_every_conformance_url_round_trips(path):
    config, _ = Config.from_url(load_vector(path)["url"])
    again, warnings = Config.from_url(config.to_url_hash())
    assert again == config and warnings == []


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.03, "0.03"), (0.00001, "0.00001"), (1e-7, "1e-7"), (10.0, "10"), (0, "0"), (1e21, "1e+21")],
)
def test_numbers_are_written_as_javascript_writes_them(value, text):
    assert js_number(value) == text


def test_regularization_none_is_not_written():
    assert "regularization=" not in Config().to_url_hash()
    assert "regularization=L1" in Config(regularization="L1").to_url_hash()


def test_a_boolean_is_false_only_for_the_text_false():
    config, _ = Config.from_url("#showTestData=yes&discretize=false&sinX=1")
    assert config.show_test_data and not config.discretize and "sinX" in config.features


def test_features_are_kept_in_the_playgrounds_order():
    assert Config(features=("sinY", "x", "xSquared")).features == ("x", "xSquared", "sinY")


def test_a_missing_seed_stays_missing_for_the_session_to_draw():
    config, _ = Config.from_url("#activation=relu")
    assert config.seed is None and config.activation == "relu"


def test_a_blank_value_keeps_the_default_as_the_playground_reads_it():
    config, _ = Config.from_url("#xSquared=&initZero= &seed=&learningRate=&activation= &x=false&x=")
    assert config.features == ("x", "y") and not config.init_zero
    assert config.seed is None and config.learning_rate == 0.03 and config.activation == "tanh"


def test_a_blank_network_shape_is_no_hidden_layer():
    assert Config.from_url("#networkShape=")[0].network_shape == ()
    assert Config.from_url("#networkShape= ")[0].network_shape == ()


def test_a_hidden_feature_is_no_input_even_when_switched_on():
    url = "#networkShape=1&xTimesY=true&xSquared=true&xTimesY_hide=true&xSquared_hide=false"
    config, warnings = Config.from_url(url + "&learningRate_hide=true")
    assert config.features == ("x", "y", "xSquared") and warnings == []
    assert config.layer_sizes == [3, 1, 1]


def test_the_hash_is_read_as_it_is_written():
    """No percent-decoding, and a value ends at the next '=', as in the Playground's reader."""
    assert Config.from_url("#seed=0.1%202")[0].seed == "0.1%202"
    assert Config.from_url("#seed=a=b&noise=5")[0].seed == "a"


@pytest.mark.parametrize("url", ["#learningRate=1_0", "#networkShape=1_0"])
def test_numbers_javascript_cannot_read_are_errors(url):
    with pytest.raises(ConfigError, match="not a"):
        Config.from_url(url)


def test_every_allowed_seed_survives_the_url_round_trip():
    allowed = [chr(code) for code in range(33, 127) if chr(code) not in '&=<>"`']
    seeds = ["".join(allowed[start : start + 32]) for start in range(0, len(allowed), 32)]
    for seed in [*seeds, "%41%2"]:
        config = Config(seed=seed)
        assert Config.from_url(config.to_url_hash())[0] == config


@pytest.mark.parametrize("seed", ["a b", "a&b", "x=1", "é", "<s>", "tab\t"])
def test_a_seed_a_url_cannot_carry_unchanged_is_refused(seed):
    with pytest.raises(ConfigError, match=r"seed: .* is not allowed; use at most 64 letters"):
        Config(seed=seed)


def test_unknown_keys_load_with_a_warning_naming_them():
    config, warnings = Config.from_url("#activation=relu&colour=blue&tutorial=x&noise_hide=true")
    assert config.activation == "relu"
    assert warnings == ["url: unknown key 'colour' ignored"]


def test_values_beyond_the_ui_load_with_warnings():
    config, warnings = Config.from_url("#networkShape=3,3,3,3,3,3,3,3,3,3&noise=80")
    assert config.network_shape == (3,) * 10 and config.noise == 80
    assert any("networkShape" in w for w in warnings) and any("noise 80" in w for w in warnings)


UI_LEARNING_RATES = "0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10"


def test_a_note_names_the_flag_and_says_what_the_ui_offers():
    config = Config(
        learning_rate=0.05, regularization_rate=0.5, noise=7, perc_train_data=95, batch_size=50
    )
    assert config.beyond_ui_limits() == [
        f"--learning-rate 0.05 is not on the UI's list: {UI_LEARNING_RATES}",
        "--reg-rate 0.5 is not on the UI's list: 0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10",
        "--noise 7 is not one of the UI's steps: 0 to 50 in steps of 5",
        "--train-percent 95 is outside the UI's range: 10 to 90 in steps of 10",
        "--batch-size 50 is outside the UI's range: 1 to 30",
    ]


def test_a_value_between_the_sliders_steps_is_told_apart_from_one_beyond_its_range():
    notes = Config(noise=80, perc_train_data=55).beyond_ui_limits()
    assert notes == [
        "--noise 80 is outside the UI's range: 0 to 50 in steps of 5",
        "--train-percent 55 is not one of the UI's steps: 10 to 90 in steps of 10",
    ]


def test_a_urls_notes_name_its_keys():
    _, warnings = Config.from_url("#learningRate=0.05&noise=7&percTrainData=95&batchSize=50")
    assert warnings == [
        f"url: learningRate 0.05 is not on the UI's list: {UI_LEARNING_RATES}",
        "url: noise 7 is not one of the UI's steps: 0 to 50 in steps of 5",
        "url: percTrainData 95 is outside the UI's range: 10 to 90 in steps of 10",
        "url: batchSize 50 is outside the UI's range: 1 to 30",
    ]


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("#activation=foo", "activation: 'foo'"),
        ("#networkShape=4,x", "networkShape"),
        ("#batchSize=0", "batchSize: 0"),
        ("#noise=-5", "noise: -5"),
        ("#learningRate=fast", "learningRate"),
        ("#dataset=moons", "dataset: 'moons'"),
        ("#problem=ranking", "problem"),
        ("#percTrainData=0", "percTrainData"),
        ("#regularization=L3", "regularization"),
        ("#networkShape=4,0", "networkShape"),
        ("#regularizationRate=-1", "regularizationRate"),
        ("#batchSize=2.5", "batchSize"),
        ("#noise=NaN", "noise"),
        ("https://example.com/", "no '#key=value"),
        ("#" + "a=b&" * 3000, "too long"),
        ("#seed=" + "9" * 100, "seed"),
        ("#activation", "not key=value"),
    ],
)
def test_bad_url_values_are_errors_naming_key_and_value(url, named):
    with pytest.raises(ConfigError, match=named.replace("(", r"\(")) as error:
        Config.from_url(url)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "#networkShape=4,x",
            "networkShape='4,x' is not a list of neuron counts; allowed: comma-separated whole "
            "numbers, 1 to 64 neurons per layer, up to 16 layers",
        ),
        (
            "#networkShape=99",
            "networkShape: '99' has a layer of 99 neurons; allowed: 1 to 64 per layer",
        ),
        (
            "#learningRate=Infinity",
            "learningRate='Infinity' is not a finite number; allowed: a number from 0 to 1e6",
        ),
        (
            "#batchSize=2.5",
            "batchSize='2.5' is not a whole number; allowed: a whole number from 1 to 10000",
        ),
        ("#noise=abc", "noise='abc' is not a number; allowed: 0 to 100 (percent)"),
    ],
)
def test_a_bad_url_value_is_named_whole_with_what_is_allowed(url, message):
    with pytest.raises(ConfigError) as error:
        Config.from_url(url)
    assert str(error.value) == f"url: {message}"


def test_a_huge_neuron_count_is_not_printed_whole():
    with pytest.raises(ConfigError) as error:
        Config.from_url("#networkShape=" + "9" * 300)
    assert len(str(error.value)) < 200


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"learning_rate": -1}, "learning_rate"),
        ({"network_shape": (9,)}, "1 to 8"),
        ({"network_shape": (2,) * 7}, "0 to 6"),
        ({"features": ("z",)}, "features"),
        ({"batch_size": "10"}, "batch_size"),
        ({"show_test_data": "yes"}, "show_test_data"),
    ],
)
def test_invalid_fields_raise_naming_field_value_and_what_is_allowed(change, named):
    with pytest.raises(ConfigError, match=named):
        Config(**change)


def test_larger_networks_need_the_explicit_option():
    with pytest.raises(ConfigError, match="large-network"):
        Config(network_shape=(16,))
    assert Config(network_shape=(16,), large_network=True).network_shape == (16,)


def test_presets_match_the_reference_video():
    circle = PRESETS["video-circle"].config
    assert (circle.dataset, circle.activation, circle.learning_rate, circle.batch_size) == (
        "circle",
        "relu",
        0.03,
        1,
    )
    assert (circle.regularization, circle.regularization_rate) == ("L1", 0.001)
    assert circle.features == ("x", "y") and circle.network_shape == (1,)
    spiral = PRESETS["video-spiral"].config
    assert spiral.dataset == "spiral" and spiral.learning_rate == 0.01
    assert len(spiral.features) == 7 and spiral.network_shape == (1,)
    assert PRESETS["default"].config == Config()
