"""Every Playground hyperparameter in one validated, immutable Config (PLAYGROUND.md §1).

A Config is the whole description of an experiment: with its seed it fixes the data and the
initial weights. It reads and writes the Playground's URL hash, so a page's link and a
tuiplay run describe the same experiment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

from tuiplay.engine.activations import ACTIVATIONS
from tuiplay.engine.datasets import CLASSIFICATION_DATASETS, REGRESSION_DATASETS
from tuiplay.engine.features import FEATURES, canonical_order

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATIONS = ("none", "L1", "L2")
PROBLEMS = ("classification", "regression")
NOISE_VALUES = tuple(range(0, 51, 5))
TRAIN_PERCENTS = tuple(range(10, 91, 10))
BATCH_SIZES = tuple(range(1, 31))
MAX_HIDDEN_LAYERS = 6
MAX_NEURONS = 8
NEW_LAYER_NEURONS = 2
# Limits with `large_network`, so that a typo cannot ask for a network that never finishes.
LARGE_MAX_HIDDEN_LAYERS = 16
LARGE_MAX_NEURONS = 64
MAX_SEED_LENGTH = 64
MAX_RATE = 1e6
MAX_BATCH_SIZE = 10_000

# The command line's flag for each field, to name it in messages (url.py names its keys).
FLAGS = {
    "learning_rate": "--learning-rate",
    "activation": "--activation",
    "regularization": "--regularization",
    "regularization_rate": "--reg-rate",
    "problem": "--problem",
    "dataset": "--dataset",
    "reg_dataset": "--dataset",
    "perc_train_data": "--train-percent",
    "noise": "--noise",
    "batch_size": "--batch-size",
    "network_shape": "--hidden",
    "features": "--features",
    "seed": "--seed",
}

# What a numeric setting allows, in the words of error messages (here and in url.py).
ALLOWED = {
    "learning_rate": "a number from 0 to 1e6",  # MAX_RATE
    "regularization_rate": "a number from 0 to 1e6",
    "perc_train_data": "1 to 100 (percent)",
    "noise": "0 to 100 (percent)",
    "batch_size": f"a whole number from 1 to {MAX_BATCH_SIZE}",
}


def shown(value: object, limit: int = 40) -> str:
    """A value for an error message: its repr (which escapes control characters), cut short
    inside its closing quote or bracket ('aaaa…')."""
    return cut_short(repr(value), limit)


def cut_short(text: str, limit: int = 40) -> str:
    """`text` in at most `limit` characters, cut with '…' before a closing quote or bracket,
    which it keeps."""
    if len(text) <= limit:
        return text
    closing = text[-1] if text[-1] in "'\")]}" else ""
    return text[: limit - 1 - len(closing)] + "…" + closing


# A seed travels in the Playground's URL as it is: '&' and '=' would split it, and a browser
# percent-encodes spaces, quotes, '<', '>', '`' and non-ASCII letters, which the Playground
# then reads as a different seed.
URL_UNSAFE_SEED_CHARACTERS = '&=<>"`'


def _is_url_safe_seed(seed: object) -> bool:
    return (
        isinstance(seed, str)
        and len(seed) <= MAX_SEED_LENGTH
        and all("!" <= char <= "~" and char not in URL_UNSAFE_SEED_CHARACTERS for char in seed)
    )


class ConfigError(ValueError):
    """A setting with a value that is not allowed; the message names both and what is."""


def _check_choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        choices = ", ".join(allowed)
        raise ConfigError(f"{name}: {shown(value)} is not allowed; choose one of {choices}")


def _check_number(name: str, value: object, low: float, high: float, allowed: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{name}: {shown(value)} is not a number; allowed: {allowed}")
    if not math.isfinite(value) or not low <= value <= high:
        raise ConfigError(f"{name}: {shown(value)} is out of range; allowed: {allowed}")


def _check_integer(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name}: {shown(value)} is not a whole number; allowed: {low} to {high}")
    if not low <= value <= high:
        raise ConfigError(f"{name}: {shown(value)} is out of range; allowed: {low} to {high}")


@dataclass(frozen=True)
class Config:
    """One experiment. Field names are Python's; `to_url_hash` speaks the Playground's keys."""

    learning_rate: float = 0.03
    activation: str = "tanh"
    regularization: str = "none"
    regularization_rate: float = 0.0
    problem: str = "classification"
    dataset: str = "circle"
    reg_dataset: str = "reg-plane"
    perc_train_data: float = 50
    noise: float = 0
    batch_size: int = 10
    network_shape: tuple[int, ...] = (4, 2)
    features: tuple[str, ...] = ("x", "y")
    seed: str | None = None
    show_test_data: bool = False
    discretize: bool = False
    init_zero: bool = False
    large_network: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "network_shape", tuple(self.network_shape))
        for name in self.features:
            _check_choice("features", name, FEATURES)
        object.__setattr__(self, "features", canonical_order(self.features))
        self._validate()

    def _validate(self) -> None:
        _check_number("learning_rate", self.learning_rate, 0, MAX_RATE, ALLOWED["learning_rate"])
        _check_choice("activation", self.activation, ACTIVATIONS)
        _check_choice("regularization", self.regularization, REGULARIZATIONS)
        _check_number(
            "regularization_rate",
            self.regularization_rate,
            0,
            MAX_RATE,
            ALLOWED["regularization_rate"],
        )
        _check_choice("problem", self.problem, PROBLEMS)
        _check_choice("dataset", self.dataset, CLASSIFICATION_DATASETS)
        _check_choice("reg_dataset", self.reg_dataset, REGRESSION_DATASETS)
        _check_number("perc_train_data", self.perc_train_data, 1, 100, ALLOWED["perc_train_data"])
        _check_number("noise", self.noise, 0, 100, ALLOWED["noise"])
        _check_integer("batch_size", self.batch_size, 1, MAX_BATCH_SIZE)
        self._validate_network_shape()
        if self.seed is not None and not _is_url_safe_seed(self.seed):
            raise ConfigError(
                f"seed: {shown(self.seed)} is not allowed; use at most {MAX_SEED_LENGTH} "
                f"letters, digits and punctuation other than {' '.join(URL_UNSAFE_SEED_CHARACTERS)}"
            )
        for name in ("show_test_data", "discretize", "init_zero", "large_network"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name}: {shown(getattr(self, name))} is not true or false")

    def _validate_network_shape(self) -> None:
        max_layers, max_neurons = (
            (LARGE_MAX_HIDDEN_LAYERS, LARGE_MAX_NEURONS)
            if self.large_network
            else (MAX_HIDDEN_LAYERS, MAX_NEURONS)
        )
        hint = "" if self.large_network else " (larger with the large-network option)"
        shape = ",".join(str(n) for n in self.network_shape)
        if len(self.network_shape) > max_layers:
            raise ConfigError(
                f"network_shape: {shown(shape)} has {len(self.network_shape)} hidden layers; "
                f"allowed: 0 to {max_layers}{hint}"
            )
        for neurons in self.network_shape:
            if isinstance(neurons, bool) or not isinstance(neurons, int):
                raise ConfigError(f"network_shape: {shown(shape)} must be whole numbers")
            if not 1 <= neurons <= max_neurons:
                raise ConfigError(
                    f"network_shape: {shown(shape)} has a layer of {shown(neurons)} neurons; "
                    f"allowed: 1 to {max_neurons} per layer{hint}"
                )

    # -- derived ------------------------------------------------------------------------
    @property
    def active_dataset(self) -> str:
        return self.reg_dataset if self.problem == "regression" else self.dataset

    @property
    def layer_sizes(self) -> list[int]:
        return [len(self.features), *self.network_shape, 1]

    @property
    def output_activation(self) -> str:
        return "linear" if self.problem == "regression" else "tanh"

    def replace(self, **changes: Any) -> Config:
        """A validated copy with some fields changed."""
        return replace(self, **changes)

    def beyond_ui_limits(self, names: Mapping[str, str] = FLAGS) -> list[str]:
        """Values the Playground's controls never offer (fine from a URL, worth a note),
        each named as `names` names its field: the command line's flags, or url.py's keys."""
        notes = [
            _listed_note(names["learning_rate"], self.learning_rate, LEARNING_RATES),
            _listed_note(
                names["regularization_rate"], self.regularization_rate, REGULARIZATION_RATES
            ),
            _stepped_note(names["noise"], self.noise, NOISE_VALUES),
            _stepped_note(names["perc_train_data"], self.perc_train_data, TRAIN_PERCENTS),
            _stepped_note(names["batch_size"], self.batch_size, BATCH_SIZES),
        ]
        if len(self.network_shape) > MAX_HIDDEN_LAYERS or any(
            n > MAX_NEURONS for n in self.network_shape
        ):
            notes.append(
                f"{names['network_shape']} {','.join(map(str, self.network_shape))} is beyond "
                f"the UI's {MAX_HIDDEN_LAYERS} layers of {MAX_NEURONS} neurons"
            )
        return [note for note in notes if note is not None]

    # -- the Playground URL hash (url.py) ------------------------------------------------
    def to_url_hash(self) -> str:
        """The Playground's `#key=value&…` for this config."""
        from tuiplay.engine.url import to_url_hash  # url.py builds on Config

        return to_url_hash(self)

    @classmethod
    def from_url(cls, text: str, base: Config | None = None) -> tuple[Config, list[str]]:
        """Read a Playground URL (or just its hash) over `base`; returns (config, warnings)."""
        from tuiplay.engine.url import from_url

        return from_url(text, base or cls())

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["network_shape"] = list(self.network_shape)
        data["features"] = list(self.features)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"config: unknown field {shown(unknown[0])}")
        values = dict(data)
        if "network_shape" in values:
            values["network_shape"] = _as_tuple("network_shape", values["network_shape"])
        if "features" in values:
            values["features"] = _as_tuple("features", values["features"])
        return cls(**values)


def _listed_note(name: str, value: float, offered: tuple[float, ...]) -> str | None:
    """A note for a value that a menu of the UI does not offer, naming what it does."""
    if value in offered:
        return None
    return (
        f"{name} {js_number(value)} is not on the UI's list: "
        f"{', '.join(js_number(choice) for choice in offered)}"
    )


def _stepped_note(name: str, value: float, offered: tuple[int, ...]) -> str | None:
    """A note for a value that a slider of the UI (evenly spaced `offered` values) cannot
    reach: outside its range, or within it but between two of its steps."""
    if value in offered:
        return None
    low, high, step = offered[0], offered[-1], offered[1] - offered[0]
    allowed = f"{low} to {high}" + (f" in steps of {step}" if step != 1 else "")
    if low <= value <= high:
        return f"{name} {js_number(value)} is not one of the UI's steps: {allowed}"
    return f"{name} {js_number(value)} is outside the UI's range: {allowed}"


def _as_tuple(name: str, value: Any) -> tuple:
    if not isinstance(value, list):
        raise ConfigError(f"{name}: {shown(value)} is not a list")
    return tuple(value)


def js_number(value: float) -> str:
    """A number as JavaScript's Number.prototype.toString writes it (0.00001, 1e-7, 30)."""
    value = float(value)
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    # Python's repr and JavaScript both give the shortest digits that round-trip.
    _, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = k + exponent  # value = 0.digits × 10**n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        fraction = "." + digits[1:] if k > 1 else ""
        text = f"{digits[0]}{fraction}e{'+' if e > 0 else '-'}{abs(e)}"
    return ("-" if value < 0 else "") + text
