"""A training session: one config, its data and network, the epoch count and the losses.

This is the Playground page without the page: what its buttons and controls do to the data
and the network (PLAYGROUND.md §7), with every random draw taken from one seeded stream in
the Playground's order, so a URL with a seed reproduces that page's run exactly.
"""

from __future__ import annotations

import math
import random
from enum import Enum

import numpy as np

from tuiplay.engine.config import Config
from tuiplay.engine.datasets import DataSplit, draw_thumbnails, generate_split
from tuiplay.engine.features import feature_matrix, feature_values
from tuiplay.engine.history import LossHistory
from tuiplay.engine.network import Network, parameter_count
from tuiplay.engine.rng import SeededRandom, to_fixed
from tuiplay.engine.training import EpochRunner

GRID_EXTENT = 6.0  # the plotted domain is [-6, 6] on both axes

_DATA_FIELDS = ("problem", "noise", "perc_train_data", "seed")
_NETWORK_FIELDS = (
    "activation",
    "regularization",
    "regularization_rate",
    "batch_size",
    "network_shape",
    "features",
    "init_zero",
)


class Change(Enum):
    """What a config change did, following the Playground."""

    LIVE = "live"  # nothing rebuilt (learning rate, display options)
    NETWORK = "network"  # new weights from the continuing stream
    DATA = "data"  # new seed, new data, then new weights


def random_seed() -> str:
    """A fresh seed as the Playground makes one when the URL has none."""
    return to_fixed(random.random(), 5)


def grid_points(size: int) -> np.ndarray:
    """The (size*size, 2) points of the heatmap grid, row by row from the top (y = +6)."""
    steps = np.arange(size) / (size - 1) * (2 * GRID_EXTENT)
    xs = -GRID_EXTENT + steps
    ys = GRID_EXTENT - steps
    grid_x, grid_y = np.meshgrid(xs, ys)
    return np.column_stack([grid_x.ravel(), grid_y.ravel()])


class Session:
    def __init__(self, config: Config) -> None:
        if config.seed is None:
            config = config.replace(seed=random_seed())
        self.config = config
        self._reseed_and_generate()
        self._build_network()

    # -- state ------------------------------------------------------------------------
    def _reseed_and_generate(self) -> None:
        """The Playground's generateData: seed the stream with config.seed, draw the data."""
        config = self.config
        self._rng = SeededRandom(config.seed)
        split = generate_split(
            config.active_dataset, config.noise, config.perc_train_data, self._rng
        )
        self._load_data(split)

    def _load_data(self, split: DataSplit) -> None:
        self.train_points = split.train_points
        self.train_labels = split.train_labels
        self.test_points = split.test_points
        self.test_labels = split.test_labels

    def _build_network(self) -> None:
        config = self.config
        network = Network.build(
            config.layer_sizes,
            config.activation,
            config.output_activation,
            self._rng,
            init_zero=config.init_zero,
        )
        self._start_network(network)

    def _start_network(self, network: Network) -> None:
        self._adopt_network(network, epoch=0, history=LossHistory())
        with np.errstate(all="ignore"):
            self._measure()

    def _adopt_network(self, network: Network, epoch: int, history: LossHistory) -> None:
        self.network = network
        self.epoch = epoch
        self._part = 0  # pieces of the current epoch trained by train_part, 0: at a boundary
        self._parts = 1  # the pieces the current epoch is cut in
        self._epoch_config = self.config  # the settings the current epoch trains with
        self.diverged = False
        self.history = history
        self._prepare_training()

    def _prepare_training(self) -> None:
        features = self.config.features
        self._train_inputs = feature_matrix(self.train_points, features)
        self._test_inputs = feature_matrix(self.test_points, features)
        self._runner = EpochRunner(self.network, self._train_inputs, self.train_labels)
        network = self.network
        self._train_loss = network.loss_function(self._train_inputs, self.train_labels)
        self._test_loss = network.loss_function(self._test_inputs, self.test_labels)
        self._grid_inputs: dict[int, np.ndarray] = {}

    def _measure(self) -> None:
        """Losses of the current network; the history gets this epoch.

        Call under np.errstate(all="ignore"), as step_epochs does once for all its epochs.
        """
        self._compute_losses()
        self.history.record(self.epoch, self.train_loss, self.test_loss)
        self.diverged = self._is_diverged()

    def _is_diverged(self) -> bool:
        finite_loss = math.isfinite(self.train_loss) or len(self.train_labels) == 0
        # A relu layer can hide NaN weights from the loss, so look at the weights too
        # (one dot product is inf or NaN exactly when some weight is, or absurdly large).
        params = self.network.params
        return not (finite_loss and math.isfinite(float(np.dot(params, params))))

    def _evaluate_sets(self) -> None:
        with np.errstate(all="ignore"):
            self._compute_losses()

    def _compute_losses(self) -> None:
        self.train_loss = self._train_loss()
        self.test_loss = self._test_loss()
        self._accuracies: tuple[float | None, float | None] | None = None

    def _accuracy_of(self, inputs: np.ndarray, labels: np.ndarray) -> float | None:
        if len(labels) == 0 or self.config.problem != "classification":
            return None
        predicted_positive = self.network.predict(inputs) >= 0  # the Playground's threshold
        return float(np.count_nonzero(predicted_positive == (labels > 0)) / len(labels))

    def _both_accuracies(self) -> tuple[float | None, float | None]:
        """Computed when first asked for after an epoch, not every epoch (training is hot)."""
        if self._accuracies is None:
            self._accuracies = (
                self._accuracy_of(self._train_inputs, self.train_labels),
                self._accuracy_of(self._test_inputs, self.test_labels),
            )
        return self._accuracies

    @property
    def train_accuracy(self) -> float | None:
        return self._both_accuracies()[0]

    @property
    def test_accuracy(self) -> float | None:
        return self._both_accuracies()[1]

    @property
    def accuracy(self) -> float | None:
        """Classification accuracy on the test set (the training set if there is no test set)."""
        test = self.test_accuracy
        return test if test is not None else self.train_accuracy

    # -- training ---------------------------------------------------------------------
    def step_epochs(self, count: int) -> int:
        """Train up to `count` epochs; stops early if the network diverges. Returns epochs run.
        An epoch begun by train_part is finished first and counts as one."""
        done = 0
        if self._part and count > 0:
            self.finish_epoch()
            done = 1
        config = self.config
        with np.errstate(all="ignore"):  # once for all the epochs
            while done < count and not self.diverged:
                self._runner.train_epoch(
                    config.batch_size,
                    config.learning_rate,
                    config.regularization,
                    config.regularization_rate,
                )
                self.epoch += 1
                done += 1
                self._measure()
        return done

    def train_part(self, parts: int) -> bool:
        """Train the next piece of the current epoch cut in `parts` (the number the epoch
        began with holds to its end); True when that piece ended the epoch.

        For a caller that must answer keys during epochs that take long (large networks):
        the pieces are cut between updates, so the numbers are those of step_epochs. The
        Playground applies changes between epochs, so the whole epoch trains with the
        settings it began with: a learning rate changed in the middle applies from the next
        epoch; a change that builds a new network drops the rest of the epoch (training
        draws nothing from the random stream, so the new weights are the same); an edit, new
        data or saving finish the epoch first.
        """
        if self._part == 0:
            self._parts = max(parts, 1)
            self._epoch_config = self.config
        config = self._epoch_config
        with np.errstate(all="ignore"):
            self._runner.train_epoch(
                config.batch_size,
                config.learning_rate,
                config.regularization,
                config.regularization_rate,
                part=self._part,
                parts=self._parts,
            )
            self._part += 1
            if self._part < self._parts:
                return False
            self._part = 0
            self.epoch += 1
            self._measure()
        return True

    @property
    def mid_epoch(self) -> bool:
        """An epoch begun by train_part is not finished: the weights are between epochs'."""
        return self._part > 0

    def finish_epoch(self) -> None:
        """Train the rest of an epoch begun by train_part, if any."""
        while self._part:
            self.train_part(self._parts)

    # -- the Playground's buttons and controls -------------------------------------------
    def reset(self) -> None:
        """New weights drawn from the continuing stream; epoch 0 and a new loss history."""
        self._build_network()

    def regenerate(self) -> None:
        """New seed from the stream, new data; the network and its epoch count stay."""
        self.finish_epoch()
        self.config = self.config.replace(seed=self._rng.new_seed())
        self._reseed_and_generate()
        self._prepare_training()
        self._evaluate_sets()

    def apply(self, config: Config) -> Change:
        """Switch to `config`, rebuilding what the Playground rebuilds for that change.
        In the middle of an epoch begun by train_part, see there."""
        old = self.config
        if config.seed is None:
            config = config.replace(seed=old.seed)
        data_changed, network_changed = self._what_changes(config)
        if data_changed:
            if config.seed == old.seed:
                config = config.replace(seed=self._rng.new_seed())
            self.config = config
            self._reseed_and_generate()
            if config.problem != old.problem:
                draw_thumbnails(config.problem, self._rng)
            self._build_network()
            return Change.DATA
        self.config = config
        if network_changed:
            self._build_network()
            return Change.NETWORK
        return Change.LIVE

    def weights_drawn_by(self, config: Config) -> int:
        """How many parameters apply(config) draws from the stream: a new network's (new
        data bring one too), or 0 if the network stays."""
        return parameter_count(config.layer_sizes) if any(self._what_changes(config)) else 0

    def _what_changes(self, config: Config) -> tuple[bool, bool]:
        """(the data change, the network changes) if the session switched to `config`."""
        old = self.config
        if config.seed is None:
            config = config.replace(seed=old.seed)
        data_changed = config.active_dataset != old.active_dataset or any(
            getattr(config, name) != getattr(old, name) for name in _DATA_FIELDS
        )
        network_changed = any(
            getattr(config, name) != getattr(old, name) for name in _NETWORK_FIELDS
        )
        return data_changed, network_changed

    # -- editing, as clicking a weight in the Playground does -----------------------------
    def set_weight(self, layer: int, node: int, source: int, value: float) -> None:
        self.finish_epoch()
        self.network.weights[layer][node, source] = value
        self._after_edit()

    def set_bias(self, layer: int, node: int, value: float) -> None:
        self.finish_epoch()
        self.network.biases[layer][node] = value
        self._after_edit()

    def _after_edit(self) -> None:
        self._evaluate_sets()
        self.diverged = self._is_diverged()

    # -- the picture --------------------------------------------------------------------
    def _grid_features(self, size: int) -> np.ndarray:
        inputs = self._grid_inputs.get(size)
        if inputs is None:
            inputs = feature_matrix(grid_points(size), self.config.features)
            self._grid_inputs = {size: inputs}
        return inputs

    def node_outputs_on_grid(self, size: int = 100) -> list[np.ndarray]:
        """Every node's output over the size×size grid, per layer: (n_nodes, size, size).

        Layer 0 is the enabled features, the last is the output node. Row 0 is y = +6 and
        column 0 is x = -6, as the heatmap shows them.
        """
        outputs = self.network.forward_all(self._grid_features(size))
        return [layer.T.reshape(-1, size, size) for layer in outputs]

    def feature_grid(self, name: str, size: int = 100) -> np.ndarray:
        """Any feature's value over the grid, enabled or not (for the feature thumbnails)."""
        return feature_values(name, grid_points(size)).reshape(size, size)

    # -- persistence (session_file.py) --------------------------------------------------
    @property
    def rng(self) -> SeededRandom:
        return self._rng

    @classmethod
    def restored(
        cls,
        config: Config,
        rng: SeededRandom,
        split: DataSplit,
        network: Network,
        epoch: int,
        history: LossHistory,
    ) -> Session:
        """A session put back as it was saved (session_file.load), without drawing new data
        or weights first (on the largest networks that took a noticeable fraction of a second)."""
        session = cls.__new__(cls)
        session.config = config
        session._rng = rng
        session._load_data(split)
        session._adopt_network(network, epoch, history)
        session._evaluate_sets()  # the losses; the history has them already
        return session
