"""Batch size 1, the reference video's setting: one update after every point.

Nothing can be batched across points here, so the cost is the number of numpy calls per
point (each costs about a microsecond whatever its size). The epoch is compiled into a plan:
lists of numpy calls with every argument bound (`functools.partial`), run in order for each
point, so Python does no attribute lookups or indexing in the loop. Two exact rewrites save
calls: the learning rate is folded into the output's delta, which scales every gradient
through the chain rule (so the update needs no separate `lr *` step), and a layer's
gradient is one `dot` of a column and a row.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from tuiplay.engine.activations import Call, activation_calls, derivative_calls
from tuiplay.engine.network import Network


class PointwisePlan:
    """Runs epochs at batch size 1 on one network and training set."""

    def __init__(self, network: Network, inputs_with_ones: np.ndarray, targets: np.ndarray):
        self.network = network
        self.inputs = inputs_with_ones
        self.input_rows = [inputs_with_ones[i : i + 1] for i in range(len(inputs_with_ones))]
        self.targets = targets.tolist()
        self._build_layers()

    def _build_layers(self) -> None:
        network = self.network
        sizes = network.layer_sizes
        hidden_layers = len(sizes) - 2
        self.with_ones = [np.ones(1 + n) for n in sizes[1:-1]]  # hidden outputs, bias input first
        self.output_grads = [np.empty(n) for n in sizes[1:-1]]
        self.deltas = [np.empty(n) for n in sizes[1:-1]]
        self.forward: list[Call] = []
        for layer in range(hidden_layers):
            total = np.empty(sizes[layer + 1])
            if layer == 0:
                self.first_total = total
            else:
                self.forward.append(
                    partial(np.dot, network.layer_params[layer], self.with_ones[layer - 1], total)
                )
            self.forward += activation_calls(network.activation, total, self.with_ones[layer][1:])
        self.backward: list[Call] = []
        for layer in range(hidden_layers - 1, -1, -1):
            self.backward += derivative_calls(
                network.activation,
                self.with_ones[layer][1:],
                self.output_grads[layer],
                self.deltas[layer],
            )
            if layer > 0:
                self.backward += [
                    partial(
                        np.dot,
                        self.deltas[layer][:, None],
                        self.with_ones[layer - 1][None, :],
                        network.layer_grads[layer],
                    ),
                    partial(
                        np.dot,
                        self.deltas[layer],
                        network.weights[layer],
                        self.output_grads[layer - 1],
                    ),
                ]
        self.hidden_layers = hidden_layers

    def run_epoch(
        self, learning_rate: float, regularization: str, regularization_rate: float, on_death: Call
    ) -> None:
        network = self.network
        update = _PointUpdate(
            network, regularization, learning_rate * regularization_rate, on_death
        )
        hidden = self.hidden_layers
        first_params = network.layer_params[0]
        first_grads = network.layer_grads[0]
        output_params = network.layer_params[-1][0]
        output_grads = network.layer_grads[-1][0]
        output_weights = network.weights[-1][0]
        last_with_ones = self.with_ones[-1] if hidden else None
        last_output_grad = self.output_grads[-1] if hidden else None
        first_delta_column = self.deltas[0][:, None] if hidden else None
        first_total = self.first_total if hidden else None
        forward, backward = self.forward, self.backward
        classification = network.output_activation == "tanh"
        dot, multiply, tanh = np.dot, np.multiply, math.tanh

        for x, x_row, target in zip(self.inputs, self.input_rows, self.targets):
            if hidden:
                dot(first_params, x, first_total)
                for call in forward:
                    call()
                last = last_with_ones
            else:
                last = x
            total = float(dot(output_params, last))
            if classification:
                output = tanh(total)
                delta = learning_rate * ((output - target) * (1 - output * output))
            else:
                delta = learning_rate * (total - target)
            multiply(last, delta, output_grads)
            if hidden:
                multiply(output_weights, delta, last_output_grad)
                for call in backward:
                    call()
                dot(first_delta_column, x_row, first_grads)
            update()


class _PointUpdate:
    """nn.ts updateWeights for one point, gradients already scaled by the learning rate."""

    def __init__(self, network: Network, regularization: str, pull: float, on_death: Call):
        self.network = network
        self.on_death = on_death
        size = network.params.size
        params, grads = network.params, network.grads
        self.alive = (~network.dead_flat).astype(np.float64)
        self.pull_scale = self.alive * network.is_weight * pull
        self.stepped, self.pull, self.product = np.empty(size), np.empty(size), np.empty(size)
        self.negative = np.empty(size, dtype=bool)
        self.calls: list[Call] = []
        self.masking = bool(network.dead_flat.any())
        if self.masking:
            self.calls.append(self._mask_call())
        if regularization == "L1":
            self.calls += self._l1_calls(params, grads)
        elif regularization == "L2":
            self.calls += [
                partial(np.multiply, params, self.pull_scale, self.pull),
                partial(np.subtract, params, grads, params),
                partial(np.subtract, params, self.pull, params),
            ]
        else:
            self.calls.append(partial(np.subtract, params, grads, params))
        self.check_deaths = regularization == "L1"

    def _l1_calls(self, params: np.ndarray, grads: np.ndarray) -> list[Call]:
        alive_weights = self.pull_scale != 0
        if (params[alive_weights] == 0).any():
            # sign(0) is 0: an exact zero must not be pulled, which copysign would do.
            pull_calls = [
                partial(np.sign, params, self.pull),
                partial(np.multiply, self.pull, self.pull_scale, self.pull),
            ]
        else:
            pull_calls = [partial(np.copysign, self.pull_scale, params, self.pull)]
        return [
            *pull_calls,  # the pull uses the weight before this step
            partial(np.subtract, params, grads, self.stepped),
            partial(np.subtract, self.stepped, self.pull, params),
            partial(np.multiply, self.stepped, params, self.product),
            partial(np.signbit, self.product, self.negative),
        ]

    def __call__(self) -> None:
        for call in self.calls:
            call()
        # A weight the pull carried across zero dies. signbit also flags -0.0, so confirm.
        if self.check_deaths and b"\x01" in self.negative.tobytes():
            self._kill_crossed()

    def _kill_crossed(self) -> None:
        crossed = self.product < 0
        if not crossed.any():
            return
        network = self.network
        network.params[crossed] = 0.0
        network.dead_flat |= crossed
        self.alive[crossed] = 0.0
        self.pull_scale[crossed] = 0.0
        if not self.masking:
            self.calls.insert(0, self._mask_call())
            self.masking = True
        self.on_death()

    def _mask_call(self) -> Call:
        """Dead links take no gradient step."""
        grads = self.network.grads
        return partial(np.multiply, grads, self.alive, grads)
