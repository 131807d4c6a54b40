"""The Playground's URL hash: `#activation=tanh&batchSize=10&…` to and from a Config.

Reading follows the Playground's: the hash is read as it is (no percent-decoding), a value
ends at the next '=', a missing or blank value keeps the default (a blank networkShape is no
hidden layer), a boolean is false only for the text `false`, a feature with
`<feature>_hide=true` is no input at all, and keys that change no training are accepted and
ignored. tuiplay adds two things the Playground does silently: a warning for an unknown key,
and an error naming the key and value when a known key has a value the Playground could not
use.
"""

from __future__ import annotations

import math
from typing import Any

from tuiplay.engine.config import (
    ALLOWED,
    LARGE_MAX_HIDDEN_LAYERS,
    LARGE_MAX_NEURONS,
    Config,
    ConfigError,
    js_number,
    shown,
)

# The Playground's key order when it writes a URL.
_KEY_ORDER = [
    "activation",
    "regularization",
    "batchSize",
    "dataset",
    "regDataset",
    "learningRate",
    "regularizationRate",
    "noise",
    "networkShape",
    "seed",
    "showTestData",
    "discretize",
    "percTrainData",
    "x",
    "y",
    "xTimesY",
    "xSquared",
    "ySquared",
    "cosX",
    "sinX",
    "cosY",
    "sinY",
    "collectStats",
    "problem",
    "initZero",
    "hideText",
]
_FEATURE_KEYS = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
_IGNORED_KEYS = ("cosX", "cosY", "collectStats", "hideText", "tutorial")
MAX_URL_LENGTH = 10_000


def to_url_hash(config: Config) -> str:
    """The Playground's `#key=value&…`, keys in its order, numbers as JavaScript prints them."""
    values: dict[str, Any] = {
        "activation": config.activation,
        "regularization": None if config.regularization == "none" else config.regularization,
        "batchSize": config.batch_size,
        "dataset": config.dataset,
        "regDataset": config.reg_dataset,
        "learningRate": config.learning_rate,
        "regularizationRate": config.regularization_rate,
        "noise": config.noise,
        "networkShape": ",".join(str(n) for n in config.network_shape),
        "seed": config.seed,
        "showTestData": config.show_test_data,
        "discretize": config.discretize,
        "percTrainData": config.perc_train_data,
        "cosX": False,
        "cosY": False,
        "collectStats": False,
        "problem": config.problem,
        "initZero": config.init_zero,
        "hideText": False,
        **{key: key in config.features for key in _FEATURE_KEYS},
    }
    parts = [f"{key}={_text(values[key])}" for key in _KEY_ORDER if values[key] is not None]
    return "#" + "&".join(parts)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    return str(value)


def _pairs(text: str) -> list[tuple[str, str]]:
    if len(text) > MAX_URL_LENGTH:
        raise ConfigError(f"url: {len(text)} characters is too long; allowed: {MAX_URL_LENGTH}")
    _, hash_mark, fragment = text.strip().partition("#")
    if not hash_mark:
        fragment = text.strip()
        if "://" in fragment or ("=" not in fragment and fragment):
            raise ConfigError(
                f"url: {shown(text)} has no '#key=value&…' part; paste the whole Playground "
                "address or just its hash"
            )
    pairs = []
    for item in fragment.split("&"):
        if not item:
            continue
        key, equals, value = item.partition("=")
        if not equals:
            raise ConfigError(f"url: {shown(item)} is not key=value")
        pairs.append((key, value.partition("=")[0]))
    return pairs


def _js_number(text: str) -> float:
    """float(text), but ValueError for 1_0, which Python reads as 10 and JavaScript as NaN."""
    if "_" in text:
        raise ValueError(text)
    return float(text)


def _number(key: str, value: str) -> float:
    try:
        number = _js_number(value)
    except ValueError:
        raise ConfigError(f"url: {key}={shown(value)} is not a number; {_allowed(key)}") from None
    if not math.isfinite(number):
        raise ConfigError(f"url: {key}={shown(value)} is not a finite number; {_allowed(key)}")
    return int(number) if number.is_integer() else number


def _whole_number(key: str, value: str) -> int:
    number = _number(key, value)
    if not isinstance(number, int):
        raise ConfigError(f"url: {key}={shown(value)} is not a whole number; {_allowed(key)}")
    return number


def _allowed(key: str) -> str:
    return f"allowed: {ALLOWED[_READERS[key][0]]}"


# From a URL a network beyond the UI's limits turns the large-network option on by itself.
_NETWORK_SHAPE_ALLOWED = (
    f"allowed: comma-separated whole numbers, 1 to {LARGE_MAX_NEURONS} neurons per layer, "
    f"up to {LARGE_MAX_HIDDEN_LAYERS} layers"
)


def _network_shape(value: str) -> tuple[int, ...]:
    if value.strip() == "":
        return ()
    try:
        counts = [_js_number(part) for part in value.split(",")]  # 4.0 is 4, as in JavaScript
    except ValueError:
        counts = []
    if not counts or not all(math.isfinite(count) and count.is_integer() for count in counts):
        raise ConfigError(
            f"url: networkShape={shown(value)} is not a list of neuron counts; "
            f"{_NETWORK_SHAPE_ALLOWED}"
        )
    return tuple(int(count) for count in counts)


_READERS = {
    "activation": ("activation", str),
    "regularization": ("regularization", str),
    "batchSize": ("batch_size", _whole_number),
    "dataset": ("dataset", str),
    "regDataset": ("reg_dataset", str),
    "learningRate": ("learning_rate", _number),
    "regularizationRate": ("regularization_rate", _number),
    "noise": ("noise", _number),
    "networkShape": ("network_shape", None),
    "seed": ("seed", str),
    "showTestData": ("show_test_data", bool),
    "discretize": ("discretize", bool),
    "percTrainData": ("perc_train_data", _number),
    "problem": ("problem", str),
    "initZero": ("init_zero", bool),
}

# Each field's key, to name it in messages as the URL gave it.
URL_KEYS = {field_name: key for key, (field_name, _) in _READERS.items()}


def from_url(text: str, base: Config) -> tuple[Config, list[str]]:
    """Read a Playground URL (whole, or just the hash) over `base`: (config, warnings)."""
    changes: dict[str, Any] = {}
    features = set(base.features)
    hidden_features: set[str] = set()
    warnings: list[str] = []
    for key, value in dict(_pairs(text)).items():  # a repeated key: the last value counts
        if key == "networkShape":
            changes["network_shape"] = _network_shape(value)
        elif value.strip() == "" and (key in _FEATURE_KEYS or key in _READERS):
            continue  # the Playground keeps the default
        elif key in _FEATURE_KEYS:
            (features.add if value != "false" else features.discard)(key)
        elif key in _READERS:
            field_name, read = _READERS[key]
            if read is bool:
                changes[field_name] = value != "false"
            elif read is str:
                changes[field_name] = value
            else:
                changes[field_name] = read(key, value)
        elif key.endswith("_hide"):
            if key.removesuffix("_hide") in _FEATURE_KEYS and value == "true":
                hidden_features.add(key.removesuffix("_hide"))
        elif key not in _IGNORED_KEYS:
            warnings.append(f"url: unknown key {shown(key)} ignored")
    # The Playground deletes a hidden feature from its inputs, whatever its own key says.
    changes["features"] = tuple(features - hidden_features)
    try:
        config = base.replace(**changes)
    except ConfigError as error:
        if not str(error).startswith("network_shape:"):
            raise ConfigError(f"url: {_with_url_key(str(error))}") from None
        try:
            config = base.replace(**changes, large_network=True)
        except ConfigError as large_error:
            raise ConfigError(f"url: {_with_url_key(str(large_error))}") from None
    warnings.extend(f"url: {note}" for note in config.beyond_ui_limits(URL_KEYS))
    return config, warnings


def _with_url_key(message: str) -> str:
    """A Config error message, naming the URL key instead of the Python field."""
    for key, (field_name, _) in _READERS.items():
        if message.startswith(f"{field_name}:"):
            return key + message[len(field_name) :]
    return message
