"""The hyperparameters a user can step through, as data.

One table serves the controls panel (its rows), the key bindings (one step up or down) and
the command palette (one entry per value). Stepping a setting returns the config fields to
change; the app validates them with `Config.replace` and hands the result to the session.
Layers and neurons are not here: they depend on the network cursor, so the app owns them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tuiplay.engine.config import (
    ACTIVATIONS,
    BATCH_SIZES,
    CLASSIFICATION_DATASETS,
    LEARNING_RATES,
    NOISE_VALUES,
    PROBLEMS,
    REGRESSION_DATASETS,
    REGULARIZATION_RATES,
    REGULARIZATIONS,
    TRAIN_PERCENTS,
    Config,
)


def format_number(value: float) -> str:
    """A rate the way the Playground's menus print it: 0.00001, 0.03, 1, 10."""
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return text or "0"


@dataclass(frozen=True)
class Setting:
    """One hyperparameter: where it lives in the config and which values the UI offers."""

    name: str  # the action suffix and palette id, e.g. "learning_rate"
    label: str  # what the controls panel prints
    field: str  # the Config field it changes
    keys: str  # the keys that step it, shown in the help screen
    choices: Callable[[Config], Sequence[Any]]
    wraps: bool  # cycle past the ends (categories) or stop there (numbers)
    text: Callable[[Any], str] = str
    title: str = ""  # the full name, where the controls panel abbreviates it

    @property
    def noun(self) -> str:
        """The setting's name in help lines and palette entries."""
        return self.title or self.label

    def current(self, config: Config) -> Any:
        return getattr(config, self.field)

    def value_text(self, config: Config) -> str:
        return self.text(self.current(config))

    def changes(self, config: Config, value: Any) -> dict[str, Any]:
        """The Config fields to replace to set this setting to `value`."""
        return {self.field: value}

    def stepped(self, config: Config, direction: int) -> Any | None:
        """The value one step up (+1) or down (-1), or None when already at the end."""
        choices = list(self.choices(config))
        value = self.current(config)
        if value in choices:
            index = choices.index(value) + direction
        elif direction > 0:  # a value from a URL between two menu entries
            index = next((i for i, c in enumerate(choices) if c > value), len(choices))
        else:
            index = max((i for i, c in enumerate(choices) if c < value), default=-1)
        if self.wraps:
            return choices[index % len(choices)]
        if 0 <= index < len(choices):
            return choices[index]
        return None


def _datasets(config: Config) -> Sequence[str]:
    if config.problem == "regression":
        return REGRESSION_DATASETS
    return CLASSIFICATION_DATASETS


class _DatasetSetting(Setting):
    """The dataset menu follows the problem type, as in the Playground."""

    def current(self, config: Config) -> Any:
        return config.active_dataset

    def changes(self, config: Config, value: Any) -> dict[str, Any]:
        field = "reg_dataset" if config.problem == "regression" else "dataset"
        return {field: value}


DATASET = _DatasetSetting("dataset", "dataset", "dataset", "d D", _datasets, wraps=True)
PROBLEM = Setting(
    "problem",
    "problem",
    "problem",
    "c",
    lambda _: PROBLEMS,
    wraps=True,
    text={"classification": "classify", "regression": "regress"}.get,
    title="problem type",
)
NOISE = Setting(
    "noise", "noise", "noise", "n N", lambda _: NOISE_VALUES, wraps=False, text=format_number
)
TRAIN_RATIO = Setting(
    "train_ratio",
    "train %",
    "perc_train_data",
    "o O",
    lambda _: TRAIN_PERCENTS,
    wraps=False,
    text=format_number,
    title="percentage of training data",
)
BATCH_SIZE = Setting(
    "batch_size", "batch size", "batch_size", "b B", lambda _: BATCH_SIZES, wraps=False
)
LEARNING_RATE = Setting(
    "learning_rate",
    "learn rate",
    "learning_rate",
    "l L",
    lambda _: LEARNING_RATES,
    wraps=False,
    text=format_number,
    title="learning rate",
)
ACTIVATION = Setting(
    "activation", "activation", "activation", "a A", lambda _: ACTIVATIONS, wraps=True
)
REGULARIZATION = Setting(
    "regularization",
    "regularize",
    "regularization",
    "p P",
    lambda _: REGULARIZATIONS,
    wraps=True,
    title="regularization",
)
REGULARIZATION_RATE = Setting(
    "regularization_rate",
    "reg. rate",
    "regularization_rate",
    "] [",
    lambda _: REGULARIZATION_RATES,
    wraps=False,
    text=format_number,
    title="regularization rate",
)

SETTINGS: tuple[Setting, ...] = (
    DATASET,
    PROBLEM,
    NOISE,
    TRAIN_RATIO,
    BATCH_SIZE,
    LEARNING_RATE,
    ACTIVATION,
    REGULARIZATION,
    REGULARIZATION_RATE,
)
SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}
