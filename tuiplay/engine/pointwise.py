"""Batch size 1, the reference video's setting: one update after every point.

Nothing can be batched across points here, so the cost is the number of numpy calls per
point (each costs about a microsecond whatever its size). The epoch is compiled into a plan:
lists of numpy calls with every argument bound (`functools.partial`, over bound `.dot`
methods, which skip numpy's function dispatch), run in order for each point, so Python does
no attribute lookups or indexing in the loop.

Exact rewrites that save calls:
- the learning rate is folded into the output's delta, which scales every gradient through
  the chain rule (so the update needs no separate `lr *` step);
- a layer's gradient is one `dot` of a column and a row;
- the outputs of all hidden layers share one buffer (each layer as [1, outputs], the 1
  being the next layer's bias input), so one or two calls give every layer's slope f'
  (activations.slope_calls) before the backward pass walks the layers.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from tuiplay.engine.activations import Call, activation_calls, slope_calls
from tuiplay.engine.network import Network


class PointwisePlan:
    """Runs epochs at batch size 1 on one network and training set."""

    def __init__(self, network: Network, inputs_with_ones: np.ndarray, targets: np.ndarray):
        self.network = network
        self.targets = targets.tolist()
        self.hidden_layers = len(network.layer_sizes) - 2
        if self.hidden_layers:
            self._build_hidden(inputs_with_ones)
        else:
            self.points = [(None, x, None) for x in inputs_with_ones]

    def _build_hidden(self, inputs_with_ones: np.ndarray) -> None:
        """The calls of the layers around the hidden ones; the first layer's per point."""
        network = self.network
        sizes = network.layer_sizes[1:-1]
        ends = np.cumsum([1 + n for n in sizes])
        with_ones = np.ones(ends[-1])  # every hidden layer's [1, outputs], one after another
        slopes = np.empty_like(with_ones)
        layer_with_ones = [with_ones[end - 1 - n : end] for end, n in zip(ends, sizes)]
        layer_slopes = [slopes[end - n : end] for end, n in zip(ends, sizes)]
        totals = [np.empty(n) for n in sizes]
        output_grads = [np.empty(n) for n in sizes]  # d loss / d output, times lr
        deltas = [np.empty(n) for n in sizes]  # d loss / d total input, times lr

        self.forward: list[Call] = []
        for layer, total in enumerate(totals):
            if layer > 0:
                params = network.layer_params[layer]
                self.forward.append(partial(params.dot, layer_with_ones[layer - 1], total))
            self.forward += activation_calls(network.activation, total, layer_with_ones[layer][1:])

        self.backward: list[Call] = slope_calls(network.activation, with_ones, slopes)
        for layer in range(len(sizes) - 1, -1, -1):
            delta = deltas[layer]
            self.backward.append(
                partial(np.multiply, output_grads[layer], layer_slopes[layer], delta)
            )
            if layer > 0:
                self.backward += [
                    partial(
                        delta[:, None].dot,
                        layer_with_ones[layer - 1][None, :],
                        network.layer_grads[layer],
                    ),
                    partial(delta.dot, network.weights[layer], output_grads[layer - 1]),
                ]

        first_params, first_grads = network.layer_params[0], network.layer_grads[0]
        first_delta_column = deltas[0][:, None].dot
        self.points = [
            (
                partial(first_params.dot, x, totals[0]),
                layer_with_ones[-1],
                partial(first_delta_column, x[None, :], first_grads),
            )
            for x in inputs_with_ones
        ]
        self.last_output_grad = output_grads[-1]

    def run_epoch(
        self, learning_rate: float, regularization: str, regularization_rate: float, on_death: Call
    ) -> None:
        network = self.network
        update = _PointUpdate(
            network, regularization, learning_rate * regularization_rate, on_death
        )
        hidden = self.hidden_layers > 0
        output_params = network.layer_params[-1][0]
        output_grads = network.layer_grads[-1][0]
        output_weights = network.weights[-1][0]
        last_output_grad = self.last_output_grad if hidden else None
        forward = self.forward if hidden else []
        backward = self.backward if hidden else []
        classification = network.output_activation == "tanh"
        output_dot, multiply, tanh = output_params.dot, np.multiply, math.tanh

        for (first_layer, last, first_grads), target in zip(self.points, self.targets):
            if hidden:
                first_layer()
                for call in forward:
                    call()
            total = float(output_dot(last))
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
                first_grads()
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
