"""One Playground epoch, fast: the training rule of nn.ts over a Network's flat arrays.

An epoch visits the training points in order; after the k-th point, when k is a multiple of
the batch size, the accumulated gradients update the network. Points left over at the end of
an epoch stay accumulated and join the next epoch's first batch.

Two paths compute exactly that:
- blocks: the points between two updates go through forward and backward as one matrix;
- one point at a time, for batch size 1 (the reference video's setting), where nothing can
  be batched: a tight loop over preallocated buffers, about twenty numpy calls per point.
Both share `ParameterUpdate`, the update rule on the flat parameter array.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from tuiplay.engine.activations import ACTIVATE, TIMES_DERIVATIVE
from tuiplay.engine.network import Network


class ParameterUpdate:
    """nn.ts updateWeights on the flat arrays: gradient step, regularization, dead links.

    `rule(...)` returns the update for one setting as a function with every factor bound,
    so the batch-size-1 loop pays only for the numpy calls themselves.
    """

    def __init__(self, network: Network) -> None:
        self.network = network
        size = network.params.size
        self._stepped = np.empty(size)
        self._pull = np.empty(size)
        self._product = np.empty(size)
        self._rules: dict[tuple, tuple[Callable[[], None], np.ndarray, np.ndarray]] = {}

    def __call__(
        self, learning_rate: float, regularization: str, regularization_rate: float
    ) -> None:
        """Apply what has been accumulated, then start accumulating afresh."""
        count = self.network.accumulated
        if count:
            self.rule(learning_rate, regularization, regularization_rate, count)()
            self.network.accumulated = 0

    def rule(
        self, learning_rate: float, regularization: str, regularization_rate: float, count: int
    ) -> Callable[[], None]:
        key = (learning_rate, regularization, regularization_rate, count)
        cached = self._rules.get(key)
        if cached is None:
            step_scale = np.empty(self.network.params.size)
            pull_scale = np.empty(self.network.params.size)
            cached = (
                self._make_rule(regularization, step_scale, pull_scale),
                step_scale,
                pull_scale,
            )
            self._rules[key] = cached
            self._fill_scales(key, step_scale, pull_scale)
        return cached[0]

    def _fill_scales(self, key: tuple, step_scale: np.ndarray, pull_scale: np.ndarray) -> None:
        """Step factor lr/count and pull factor lr*rate per parameter; zero on dead links."""
        learning_rate, _, regularization_rate, count = key
        alive = ~self.network.dead_flat
        np.multiply(alive, learning_rate / count, out=step_scale)
        np.multiply(
            alive & self.network.is_weight, learning_rate * regularization_rate, out=pull_scale
        )

    def _links_died(self) -> None:
        for key, (_, step_scale, pull_scale) in self._rules.items():
            self._fill_scales(key, step_scale, pull_scale)

    def _make_rule(
        self, regularization: str, step_scale: np.ndarray, pull_scale: np.ndarray
    ) -> Callable[[], None]:
        params, grads = self.network.params, self.network.grads
        stepped, pull, product = self._stepped, self._pull, self._product
        multiply, subtract, sign = np.multiply, np.subtract, np.sign

        def plain() -> None:
            multiply(grads, step_scale, grads)
            subtract(params, grads, params)

        def l2() -> None:
            multiply(grads, step_scale, grads)
            multiply(params, pull_scale, pull)
            subtract(params, grads, params)
            subtract(params, pull, params)

        def l1() -> None:
            multiply(grads, step_scale, grads)
            sign(params, pull)  # the regularization derivative, from the weight before the step
            multiply(pull, pull_scale, pull)
            subtract(params, grads, stepped)
            subtract(stepped, pull, params)
            multiply(stepped, params, product)
            if product.min() < 0:  # the pull crossed zero: the link dies (NaN compares false)
                crossed = product < 0
                params[crossed] = 0.0
                self.network.dead_flat |= crossed
                self._links_died()

        return {"L1": l1, "L2": l2}.get(regularization, plain)


class EpochRunner:
    """Trains one Network on one training set, an epoch at a time."""

    def __init__(self, network: Network, inputs: np.ndarray, targets: np.ndarray) -> None:
        self.network = network
        rows = len(inputs)
        self.inputs_with_ones = np.ones((rows, 1 + inputs.shape[1]))
        self.inputs_with_ones[:, 1:] = inputs
        self.targets = np.ascontiguousarray(targets, dtype=np.float64)
        self.update = ParameterUpdate(network)
        layers = len(network.layer_params)
        self._activate = [ACTIVATE[network.activation_of(layer)] for layer in range(layers)]
        self._times_derivative = [
            TIMES_DERIVATIVE[network.activation_of(layer)] for layer in range(layers)
        ]
        self._params_t = [params.T for params in network.layer_params]
        self._blocks: dict[int, _BlockBuffers] = {}
        self._pointwise: _PointBuffers | None = None

    def run_epoch(
        self,
        batch_size: int,
        learning_rate: float,
        regularization: str,
        regularization_rate: float,
    ) -> None:
        with np.errstate(all="ignore"):
            if batch_size == 1 and self.network.accumulated == 0:
                self._run_pointwise(learning_rate, regularization, regularization_rate)
            else:
                self._run_blocks(batch_size, learning_rate, regularization, regularization_rate)

    # -- blocks of points between updates -------------------------------------------------
    def _run_blocks(
        self, batch_size: int, learning_rate: float, regularization: str, rate: float
    ) -> None:
        inputs, targets, update = self.inputs_with_ones, self.targets, self.update
        count = len(inputs)
        start = 0
        while start < count:
            end = min(start - start % batch_size + batch_size, count)
            self._accumulate(inputs[start:end], targets[start:end])
            if end % batch_size == 0:
                update(learning_rate, regularization, rate)
            start = end

    def _block_buffers(self, rows: int) -> _BlockBuffers:
        buffers = self._blocks.get(rows)
        if buffers is None:
            buffers = self._blocks[rows] = _BlockBuffers(self.network.layer_sizes, rows)
        return buffers

    def _accumulate(self, inputs_with_ones: np.ndarray, targets: np.ndarray) -> None:
        network = self.network
        buffers = self._block_buffers(len(inputs_with_ones))
        layer_inputs = [inputs_with_ones, *buffers.outputs_with_ones]
        for layer, params_t in enumerate(self._params_t):
            total_input = buffers.total_inputs[layer]
            np.matmul(layer_inputs[layer], params_t, out=total_input)
            self._activate[layer](total_input, buffers.outputs[layer])

        grads = network.layer_grads
        first = network.accumulated == 0
        output_grad = buffers.output_grads[-1]
        np.subtract(buffers.outputs[-1][:, 0], targets, out=output_grad[:, 0])
        for layer in range(len(grads) - 1, -1, -1):
            delta = self._times_derivative[layer](
                buffers.outputs[layer],
                buffers.output_grads[layer],
                buffers.deltas[layer],
                buffers.scratch[layer],
            )
            if first:
                np.matmul(delta.T, layer_inputs[layer], out=grads[layer])
            else:
                grads[layer] += delta.T @ layer_inputs[layer]
            if layer > 0:
                np.matmul(delta, network.weights[layer], out=buffers.output_grads[layer - 1])
        network.accumulated += len(inputs_with_ones)

    # -- batch size 1 -------------------------------------------------------------------
    def _run_pointwise(self, learning_rate: float, regularization: str, rate: float) -> None:
        network = self.network
        if self._pointwise is None:
            self._pointwise = _PointBuffers(network, self.inputs_with_ones)
        buffers = self._pointwise
        hidden = range(len(network.layer_params) - 1)
        backward = range(len(network.layer_params) - 2, -1, -1)
        activate = self._activate
        times_derivative = self._times_derivative
        params = network.layer_params
        output_params = params[-1][0]
        output_weights = network.weights[-1][0]
        weights_t = [weights.T for weights in network.weights]
        grads = network.layer_grads
        output_grads = grads[-1][0]
        outputs, outputs_with_ones = buffers.outputs, buffers.outputs_with_ones
        total_inputs, output_grad_buffers = buffers.total_inputs, buffers.output_grads
        deltas, delta_columns, scratch = buffers.deltas, buffers.delta_columns, buffers.scratch
        input_rows = buffers.input_rows
        output_rows = buffers.output_rows
        classification = network.output_activation == "tanh"
        dot, multiply, tanh = np.dot, np.multiply, math.tanh
        update = self.update.rule(learning_rate, regularization, rate, 1)

        for x_with_ones, x_row, target in zip(
            self.inputs_with_ones, input_rows, self.targets.tolist()
        ):
            layer_input = x_with_ones
            for layer in hidden:
                dot(params[layer], layer_input, total_inputs[layer])
                activate[layer](total_inputs[layer], outputs[layer])
                layer_input = outputs_with_ones[layer]
            total = float(dot(output_params, layer_input))
            if classification:
                output = tanh(total)
                output_delta = (output - target) * (1 - output * output)
            else:
                output_delta = total - target
            multiply(layer_input, output_delta, output_grads)
            if hidden:
                multiply(output_weights, output_delta, output_grad_buffers[-2])
            for layer in backward:
                times_derivative[layer](
                    outputs[layer], output_grad_buffers[layer], deltas[layer], scratch[layer]
                )
                previous = x_row if layer == 0 else output_rows[layer - 1]
                multiply(delta_columns[layer], previous, grads[layer])
                if layer > 0:
                    dot(weights_t[layer], deltas[layer], output_grad_buffers[layer - 1])
            update()


class _BlockBuffers:
    """Arrays for forward and backward over `rows` points; index l = weight layer l."""

    def __init__(self, layer_sizes: list[int], rows: int) -> None:
        node_layers = layer_sizes[1:]
        self.outputs_with_ones = [np.ones((rows, 1 + size)) for size in node_layers]
        self.outputs = [with_ones[:, 1:] for with_ones in self.outputs_with_ones]
        self.total_inputs = [np.empty((rows, size)) for size in node_layers]
        self.output_grads = [np.empty((rows, size)) for size in node_layers]
        self.deltas = [np.empty((rows, size)) for size in node_layers]
        self.scratch = [np.empty((rows, size)) for size in node_layers]


class _PointBuffers:
    """Arrays for one point at a time, with the row and column views the loop needs."""

    def __init__(self, network: Network, inputs_with_ones: np.ndarray) -> None:
        node_layers = network.layer_sizes[1:]
        self.outputs_with_ones = [np.ones(1 + size) for size in node_layers]
        self.outputs = [with_ones[1:] for with_ones in self.outputs_with_ones]
        self.output_rows = [with_ones[None, :] for with_ones in self.outputs_with_ones]
        self.total_inputs = [np.empty(size) for size in node_layers]
        self.output_grads = [np.empty(size) for size in node_layers]
        self.deltas = [np.empty(size) for size in node_layers]
        self.delta_columns = [delta[:, None] for delta in self.deltas]
        self.scratch = [np.empty(size) for size in node_layers]
        self.input_rows = [inputs_with_ones[i : i + 1] for i in range(len(inputs_with_ones))]
