"""One Playground epoch, fast: the training rule of nn.ts over a Network's flat arrays.

An epoch visits the training points in order; after the k-th point, when k is a multiple of
the batch size, the accumulated gradients update the network. Points left over at the end of
an epoch stay accumulated and join the next epoch's first batch.

Two paths compute exactly that:
- blocks: the points between two updates go through forward and backward as one matrix,
  then `ParameterUpdate` applies the rule to the flat parameter array;
- one point at a time, for batch size 1 (the reference video's setting), where nothing can
  be batched: pointwise.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from tuiplay.engine.activations import Call, activation_calls, slope_calls
from tuiplay.engine.network import Network
from tuiplay.engine.pointwise import PointwisePlan


class ParameterUpdate:
    """nn.ts updateWeights on the flat arrays: gradient step, regularization, dead links.

    `rule(...)` returns the update for one setting as a function with every factor bound,
    so an epoch's blocks pay only for the numpy calls themselves.
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

    def links_died(self) -> None:
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
                self.links_died()

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
        self._block_plans: dict[int, _BlockPlan] = {}
        self._blocks_by_size: dict[int, list] = {}
        self._pointwise: PointwisePlan | None = None

    def run_epoch(
        self,
        batch_size: int,
        learning_rate: float,
        regularization: str,
        regularization_rate: float,
    ) -> None:
        with np.errstate(all="ignore"):
            self.train_epoch(batch_size, learning_rate, regularization, regularization_rate)

    def train_epoch(
        self,
        batch_size: int,
        learning_rate: float,
        regularization: str,
        regularization_rate: float,
        part: int = 0,
        parts: int = 1,
    ) -> None:
        """`run_epoch` for a caller that has already silenced numpy's floating-point warnings
        (np.errstate(all="ignore")): entering that costs as much as a dozen numpy calls.

        With `parts` > 1 it trains only piece `part` (from 0) of the epoch cut in `parts`.
        The cuts fall between updates (between points at batch size 1, between blocks
        otherwise), so an epoch trained piece by piece runs the very same calls in the same
        order and gives the same numbers as one trained whole.
        """
        if batch_size == 1 and self.network.accumulated == 0:
            if self._pointwise is None:
                self._pointwise = PointwisePlan(self.network, self.inputs_with_ones, self.targets)
            count = len(self.targets)
            self._pointwise.run_epoch(
                learning_rate,
                regularization,
                regularization_rate,
                self.update.links_died,
                start=count * part // parts,
                stop=count * (part + 1) // parts,
            )
        else:
            blocks = self._blocks(batch_size)
            piece = blocks[len(blocks) * part // parts : len(blocks) * (part + 1) // parts]
            self._run_blocks(piece, batch_size, learning_rate, regularization, regularization_rate)

    def _run_blocks(
        self,
        blocks: list[tuple[list[Call], int, bool]],
        batch_size: int,
        learning_rate: float,
        regularization: str,
        rate: float,
    ) -> None:
        network, update = self.network, self.update
        full_batch_update = update.rule(learning_rate, regularization, rate, batch_size)
        for calls, count, updates in blocks:
            if updates and not network.accumulated:  # the usual block: a batch, then its update
                for call in calls:
                    call()
                full_batch_update()
                continue
            if network.accumulated:  # points carried over from the last epoch
                carried = network.grads.copy()
                for call in calls:
                    call()
                network.grads += carried
            else:
                for call in calls:
                    call()
            network.accumulated += count
            if updates:
                update(learning_rate, regularization, rate)

    def _blocks(self, batch_size: int) -> list[tuple[list[Call], int, bool]]:
        """The epoch's blocks of points between updates: the calls writing their summed
        gradients, the number of points, whether an update follows."""
        blocks = self._blocks_by_size.get(batch_size)
        if blocks is None:
            blocks = []
            count = len(self.targets)
            for start in range(0, count, batch_size):
                end = min(start + batch_size, count)
                plan = self._block_plans.get(end - start)
                if plan is None:
                    plan = self._block_plans[end - start] = _BlockPlan(self.network, end - start)
                calls = plan.calls(self.inputs_with_ones[start:end], self.targets[start:end])
                blocks.append((calls, end - start, end % batch_size == 0))
            self._blocks_by_size = {batch_size: blocks}
        return blocks


class _BlockPlan:
    """Forward and backward over a block of `rows` points, writing the summed gradients.

    Layer l's outputs sit in a (rows, 1 + n) matrix whose first column is the constant 1 of
    the next layer's bias input; those matrices and the output node's column follow one
    another in one buffer, so one or two calls give every layer's slope f' (as in
    pointwise.py). Everything that can be is contiguous: numpy takes a much slower path for
    a strided two-dimensional operand.
    """

    def __init__(self, network: Network, rows: int) -> None:
        self.network = network
        sizes = network.layer_sizes[1:-1]
        ends = np.cumsum([rows * (1 + n) for n in sizes] + [rows]).tolist()
        outputs = np.ones(ends[-1])  # every hidden layer's [1, outputs] rows, then the output
        slopes = np.empty_like(outputs)
        with_ones = [
            outputs[end - rows * (1 + n) : end].reshape(rows, 1 + n) for end, n in zip(ends, sizes)
        ]
        layer_slopes = [
            slopes[end - rows * (1 + n) : end].reshape(rows, 1 + n)[:, 1:]
            for end, n in zip(ends, sizes)
        ]
        output, output_slope = outputs[-rows:], slopes[-rows:]
        totals = [np.empty((rows, n)) for n in sizes] + [np.empty((rows, 1))]
        output_grads = [np.empty((rows, n)) for n in sizes]
        deltas = [np.empty((rows, n)) for n in sizes] + [np.empty(rows)]
        params, grads = network.layer_params, network.layer_grads

        self.first_total = totals[0]
        self.first_params_t = params[0].T
        self.forward: list[Call] = []
        for layer in range(len(sizes)):
            if layer > 0:
                self.forward.append(
                    partial(with_ones[layer - 1].dot, params[layer].T, totals[layer])
                )
            self.forward += activation_calls(
                network.activation, totals[layer], with_ones[layer][:, 1:]
            )
        if sizes:
            self.forward.append(partial(with_ones[-1].dot, params[-1].T, totals[-1]))
        self.forward += activation_calls(network.output_activation, totals[-1][:, 0], output)

        # The output's error (output - target) is written into its delta buffer, which the
        # first backward step then scales by the output's slope in place.
        self.output, self.output_error = output, deltas[-1]
        if network.activation == network.output_activation:
            self.backward: list[Call] = slope_calls(network.activation, outputs, slopes)
        else:
            self.backward = slope_calls(network.activation, outputs[:-rows], slopes[:-rows])
            self.backward += slope_calls(network.output_activation, output, output_slope)
        self.backward.append(partial(np.multiply, deltas[-1], output_slope, deltas[-1]))
        for layer in range(len(sizes), 0, -1):
            delta = deltas[layer] if layer < len(sizes) else deltas[-1][:, None]
            if layer < len(sizes):
                self.backward.append(
                    partial(np.multiply, output_grads[layer], layer_slopes[layer], delta)
                )
            self.backward += [
                partial(delta.T.dot, with_ones[layer - 1], grads[layer]),
                partial(delta.dot, network.weights[layer], output_grads[layer - 1]),
            ]
        if sizes:
            self.backward.append(partial(np.multiply, output_grads[0], layer_slopes[0], deltas[0]))
        self.first_delta_t = deltas[0].T if sizes else deltas[-1][None, :]
        self.first_grads = grads[0]

    def calls(self, inputs_with_ones: np.ndarray, targets: np.ndarray) -> list[Call]:
        """Calls writing (not adding) these points' summed gradients into the network's grads."""
        return [
            partial(inputs_with_ones.dot, self.first_params_t, self.first_total),
            *self.forward,
            partial(np.subtract, self.output, targets, self.output_error),
            *self.backward,
            partial(self.first_delta_t.dot, inputs_with_ones, self.first_grads),
        ]
