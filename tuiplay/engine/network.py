"""The network: parameters per layer and the forward pass over many points (nn.ts).

All parameters live in one flat float64 array. Each layer l sees it as a matrix
`layer_params[l]` of shape (n_out, 1 + n_in) whose column 0 is the bias and whose other
columns are the incoming weights (`weights[l]`, `biases[l]` are views of it). Gradients use
the same layout (training.py), so one update touches the whole network in a handful of numpy
calls, and a layer's forward pass is one matrix product against inputs with a column of ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from tuiplay.engine.activations import Call, activation_calls
from tuiplay.engine.rng import SeededRandom


def parameter_count(layer_sizes: Sequence[int]) -> int:
    """Weights and biases of a network of these layer sizes."""
    return sum(n_out * (1 + n_in) for n_in, n_out in itertools.pairwise(layer_sizes))


def _layer_slices(layer_sizes: Sequence[int]) -> list[tuple[int, int, tuple[int, int]]]:
    slices = []
    start = 0
    for n_in, n_out in itertools.pairwise(layer_sizes):
        size = n_out * (1 + n_in)
        slices.append((start, start + size, (n_out, 1 + n_in)))
        start += size
    return slices


def _room_before_grads(layer_sizes: Sequence[int]) -> int:
    """Entries the batch-size-1 trainer needs in front of the gradients.

    It writes the last hidden layer's incoming gradient (1 + n entries for n neurons) just
    before the output layer's gradient, over the end of that hidden layer's own gradient
    (n * (1 + inputs) entries). Only a lone hidden layer with no inputs has a gradient
    that short: one entry short, which falls in front of the array.
    """
    if len(layer_sizes) < 3:
        return 0
    previous, last = layer_sizes[-3], layer_sizes[-2]
    return max(0, (1 + last) - last * (1 + previous))


class Network:
    """A fully connected network with the Playground's parameters, in one flat array."""

    def __init__(self, layer_sizes: Sequence[int], activation: str, output_activation: str):
        self.layer_sizes = list(layer_sizes)
        self.activation = activation
        self.output_activation = output_activation
        slices = _layer_slices(self.layer_sizes)
        total = slices[-1][1]
        # Room after the parameters, where the batch-size-1 trainer keeps the hidden layers'
        # outputs next to the output layer's parameters (see pointwise.py).
        params_and_room = np.zeros(total + sum(1 + n for n in self.layer_sizes[1:-1]))
        self.params = params_and_room[:total]
        self.params_and_room = params_and_room
        # Room before the gradients, for the same trainer's scratch (_room_before_grads).
        room = _room_before_grads(self.layer_sizes)
        self.grads_and_room = np.zeros(room + total)
        self.grads = self.grads_and_room[room:]
        self.dead_flat = np.zeros(total, dtype=bool)
        self.accumulated = 0  # points whose gradients sit in `grads`, waiting for an update
        self.layer_params = [self.params[a:b].reshape(shape) for a, b, shape in slices]
        self.layer_grads = [self.grads[a:b].reshape(shape) for a, b, shape in slices]
        self.weights = [p[:, 1:] for p in self.layer_params]
        self.biases = [p[:, 0] for p in self.layer_params]
        self.dead = [self.dead_flat[a:b].reshape(shape)[:, 1:] for a, b, shape in slices]
        is_weight = np.ones(total, dtype=bool)
        for a, b, shape in slices:
            is_weight[a:b].reshape(shape)[:, 0] = False
        self.is_weight = is_weight
        self._forward_plans: dict[int, _ForwardPlan] = {}

    # -- construction -------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        layer_sizes: Sequence[int],
        activation: str,
        output_activation: str,
        rng: SeededRandom,
        init_zero: bool = False,
    ) -> Network:
        """Draw the initial parameters in the Playground's order: node by node, link by source."""
        network = cls(layer_sizes, activation, output_activation)
        for weights, biases in zip(network.weights, network.biases):
            biases[:] = 0.1
            for node in range(weights.shape[0]):
                for source in range(weights.shape[1]):
                    weights[node, source] = rng.random() - 0.5
        if init_zero:
            network.params[:] = 0.0
        return network

    def activation_of(self, layer: int) -> str:
        """Activation of the nodes of weight layer `layer` (0 = first hidden layer)."""
        return self.output_activation if layer == len(self.weights) - 1 else self.activation

    # -- forward ------------------------------------------------------------------------
    def _forward_plan(self, rows: int) -> _ForwardPlan:
        plan = self._forward_plans.get(rows)
        if plan is None:
            if len(self._forward_plans) > 8:
                self._forward_plans.clear()
            plan = self._forward_plans[rows] = _ForwardPlan(self, rows)
        return plan

    def _forward(self, inputs: np.ndarray) -> list[np.ndarray]:
        return self._forward_plan(len(inputs)).run(inputs)

    def forward_all(self, inputs: np.ndarray) -> list[np.ndarray]:
        """Every node's output for each input row: a list of (N, n_l) arrays, inputs first."""
        with np.errstate(all="ignore"):
            return [layer.copy() for layer in self._forward(inputs)]

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """The output node's value for each input row, shape (N,)."""
        with np.errstate(all="ignore"):
            return self._forward(inputs)[-1][:, 0].copy()

    def mean_loss(self, inputs: np.ndarray, targets: np.ndarray) -> float:
        """Mean of 0.5 (output - target)² over the points; NaN for no points."""
        if len(inputs) == 0:
            return float("nan")
        with np.errstate(all="ignore"):
            error = self._forward(inputs)[-1][:, 0] - targets
            return float(0.5 * np.dot(error, error) / len(targets))

    def loss_function(self, inputs: np.ndarray, targets: np.ndarray) -> Callable[[], float]:
        """`mean_loss` of these points as a function of no arguments, for every epoch.

        It holds its own forward plan with the points already in place, so each call runs
        only the forward pass. Call it under np.errstate(all="ignore").
        """
        count = len(targets)
        if count == 0:
            return lambda: float("nan")
        plan = _ForwardPlan(self, count)
        plan.outputs[0][:] = inputs
        calls, output = plan.calls, plan.outputs[-1][:, 0]
        targets = np.array(targets, dtype=np.float64)
        error = np.empty(count)

        def loss() -> float:
            for call in calls:
                call()
            np.subtract(output, targets, error)
            return 0.5 * float(error.dot(error)) / count  # as mean_loss, in the same order

        return loss


class _ForwardPlan:
    """The forward pass over `rows` points as prebound numpy calls into fixed buffers."""

    def __init__(self, network: Network, rows: int) -> None:
        sizes = network.layer_sizes
        # Each layer's outputs follow a column of ones, the next layer's bias input; the
        # output layer feeds nothing, so its outputs get a contiguous array of their own.
        self.with_ones = [np.ones((rows, 1 + size)) for size in sizes[:-1]]
        self.outputs = [with_ones[:, 1:] for with_ones in self.with_ones]
        self.outputs.append(np.empty((rows, sizes[-1])))
        self.calls: list[Call] = []
        for layer, params in enumerate(network.layer_params):
            total = np.empty((rows, sizes[layer + 1]))
            self.calls.append(partial(self.with_ones[layer].dot, params.T, total))
            self.calls += activation_calls(
                network.activation_of(layer), total, self.outputs[layer + 1]
            )

    def run(self, inputs: np.ndarray) -> list[np.ndarray]:
        """Every node layer's outputs (views into the plan's buffers), inputs first."""
        self.outputs[0][:] = inputs
        for call in self.calls:
            call()
        return self.outputs
