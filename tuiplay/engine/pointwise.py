"""Batch size 1, the reference video's setting: one update after every point.

Nothing can be batched across points here, so the cost is the number of numpy calls per
point (each costs about a microsecond whatever its size). The epoch is compiled into a plan:
lists of numpy calls with every argument bound (`functools.partial`, over bound `.dot`
methods, which skip numpy's function dispatch), run in order for each point, so Python does
no attribute lookups or indexing in the loop.

Rewrites that save calls:
- the learning rate is folded into the output's delta, which scales every gradient through
  the chain rule (so the update needs no separate `lr *` step);
- a layer's gradient is one `dot` of a column and a row;
- a layer's incoming gradient is delta times the next layer's whole [bias, weights] matrix
  (contiguous, so numpy copies nothing), whose bias column gives a number nobody reads;
- the outputs of all hidden layers share one buffer (each layer as [1, outputs], the 1
  being the next layer's bias input), so one or two calls give every layer's slope f'
  (activations.slope_calls) before the backward pass walks the layers;
- that buffer sits right after the output layer's parameters, so one multiply by the
  output's delta gives both the output layer's gradient and the last hidden layer's
  incoming gradient (see _build_hidden);
- with L1, links that die are looked for once per chunk of points, and the pull is shared
  by a chunk while no weight changes sign; a chunk where either happened is rewound to the
  first such point and the rest redone (_PointUpdate).
The chunked checks and the shared pull give bit for bit what a check and a pull after every
point give (tests/test_engine_paths.py compares). The products themselves add up in BLAS's
order, not nn.ts's, so results agree with nn.ts to rounding: the conformance tests hold them to
1e-6 and the same dead links (tests/test_conformance.py, tests/reference_nn.py).
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from tuiplay.engine.activations import Call, activation_calls, slope_calls
from tuiplay.engine.network import Network

CHUNK_POINTS = 32  # with L1: points between two checks for crossings (see _PointUpdate)
CHUNK_VALUES = 2**16  # and at most this many parameters times points in a chunk


class PointwisePlan:
    """Runs epochs at batch size 1 on one network and training set."""

    def __init__(
        self,
        network: Network,
        inputs_with_ones: np.ndarray,
        targets: np.ndarray,
        chunk_points: int = CHUNK_POINTS,
        share_pull: bool = True,
    ):
        self.network = network
        self.targets = targets.tolist()
        self.hidden_layers = len(network.layer_sizes) - 2
        self.chunk_points = max(1, min(chunk_points, CHUNK_VALUES // network.params.size))
        self.may_share_pull = self.share_pull = share_pull  # L1: one pull per chunk
        self._update: _PointUpdate | None = None
        # Per point: forward calls, the output node's input, the arrays the output's delta
        # scales and where that product goes, backward calls, the target.
        if self.hidden_layers:
            self.points = self._build_hidden(inputs_with_ones)
        else:
            output_grads = network.layer_grads[-1][0]
            self.points = [
                ([], x, x, output_grads, [], t) for x, t in zip(inputs_with_ones, self.targets)
            ]

    def _build_hidden(self, inputs_with_ones: np.ndarray) -> list[tuple]:
        """Each point's calls, for a network with hidden layers."""
        network = self.network
        sizes = network.layer_sizes[1:-1]
        last = sizes[-1]
        # Every hidden layer's [1, outputs] in one buffer, the last layer first, so that it
        # directly follows the output layer's parameters [bias, weights] (Network leaves
        # room for it there). Then one multiply by the output's delta scales both: it gives
        # the output layer's gradient (delta * [1, outputs]), which lands in its place in
        # `grads`, and just before it delta * [bias, weights], the last hidden layer's
        # incoming gradient. That spot is the end of the last hidden layer's own gradient,
        # free until its outer product writes it, after the gradient has been used. (With
        # no inputs and one hidden layer that gradient is one entry short: the spot then
        # starts in the room Network leaves before `grads`, on the bias's unread number.)
        total = network.params.size
        with_ones = network.params_and_room[total:]
        with_ones[:] = 1.0
        slopes = np.empty_like(with_ones)
        starts = np.cumsum([0] + [1 + n for n in reversed(sizes)])[::-1][1:].tolist()
        layer_with_ones = [with_ones[start : start + 1 + n] for start, n in zip(starts, sizes)]
        layer_slopes = [slopes[start + 1 : start + 1 + n] for start, n in zip(starts, sizes)]
        output_scaled = network.params_and_room[total - 1 - last : total + 1 + last]
        output_scaled_out = network.grads_and_room[-2 * (1 + last) :]
        totals = [np.empty(n) for n in sizes]
        # delta times the next layer's [bias, weights]: the bias's number is never read
        incoming = [np.empty(1 + n) for n in sizes[:-1]] + [output_scaled_out[: 1 + last]]
        output_grads = [row[1:] for row in incoming]
        deltas = [np.empty(n) for n in sizes]  # d loss / d total input, times lr

        forward: list[Call] = activation_calls(
            network.activation, totals[0], layer_with_ones[0][1:]
        )
        for layer in range(1, len(sizes)):
            params = network.layer_params[layer]
            forward.append(partial(params.dot, layer_with_ones[layer - 1], totals[layer]))
            forward += activation_calls(
                network.activation, totals[layer], layer_with_ones[layer][1:]
            )

        backward: list[Call] = slope_calls(network.activation, with_ones, slopes)
        for layer in range(len(sizes) - 1, -1, -1):
            delta = deltas[layer]
            backward.append(partial(np.multiply, output_grads[layer], layer_slopes[layer], delta))
            if layer > 0:
                backward += [
                    partial(
                        delta[:, None].dot,
                        layer_with_ones[layer - 1][None, :],
                        network.layer_grads[layer],
                    ),
                    partial(delta.dot, network.layer_params[layer], incoming[layer - 1]),
                ]

        first_params, first_grads = network.layer_params[0], network.layer_grads[0]
        first_delta_column = deltas[0][:, None].dot
        return [
            (
                [partial(first_params.dot, x, totals[0]), *forward],
                layer_with_ones[-1],
                output_scaled,
                output_scaled_out,
                [*backward, partial(first_delta_column, x[None, :], first_grads)],
                target,
            )
            for x, target in zip(inputs_with_ones, self.targets)
        ]

    def run_epoch(
        self,
        learning_rate: float,
        regularization: str,
        regularization_rate: float,
        on_death: Call,
        start: int = 0,
        stop: int | None = None,
    ) -> None:
        """Train the points of the epoch from `start` up to `stop` (all by default)."""
        network = self.network
        stop = len(self.targets) if stop is None else stop
        setting = (regularization, learning_rate * regularization_rate, on_death)
        update = self._update
        if update is None or update.setting != setting:  # building one costs ~1% of an epoch
            chunk = self.chunk_points if regularization == "L1" else len(self.targets)
            update = self._update = _PointUpdate(network, *setting, chunk)
        update.start_epoch(self.share_pull)
        output_dot = network.layer_params[-1][0].dot
        # The output's total and delta pass through 0-d arrays: numpy reads a 0-d array
        # faster than it converts a Python float, and dot writes one faster than it makes
        # a numpy float.
        total, delta = np.empty(()), np.empty(())
        classification = network.output_activation == "tanh"
        multiply, tanh, points = np.multiply, math.tanh, self.points

        while start < stop:
            chunk = points[start : min(start + update.chunk, stop)]
            steps = update.start_chunk()
            for step, (forward, last, scaled, scaled_out, backward, target) in zip(steps, chunk):
                for call in forward:
                    call()
                output_dot(last, total)
                if classification:
                    output = tanh(total)
                    delta[()] = learning_rate * ((output - target) * (1 - output * output))
                else:
                    delta[()] = learning_rate * (float(total) - target)
                multiply(scaled, delta, scaled_out)
                for call in backward:
                    call()
                for call in step:
                    call()
            redo = update.first_point_to_redo(len(chunk))
            start += len(chunk) if redo is None else redo
        self.share_pull = self.may_share_pull and update.signs_held()


class _PointUpdate:
    """nn.ts updateWeights after each point, gradients already scaled by the learning rate.

    With L1, a weight that the pull carries across zero dies. Looking for one after every
    point costs three numpy calls, so the points run in chunks instead: each point of a
    chunk writes its step (and pull) into a row of its own, and one check per chunk finds
    the first point where a weight crossed. The parameters are then put back as that point
    left them (recomputed from its rows by the same subtraction, so bit for bit), the
    crossed links die, and training resumes at the next point: the work done after the
    crossing is thrown away and redone. Links die rarely, and each only once.

    The pull, lr * rate * sign(w), also costs a call per point, yet it only changes when a
    weight changes sign. So a chunk starts with one pull for all its points, and the check
    also looks for a point after which a weight's sign differs from the chunk's start:
    the points after it used a wrong pull and are redone. Early in training weights often
    change sign, so after the first such redo the epoch computes the pull at every point.
    """

    def __init__(
        self, network: Network, regularization: str, pull: float, on_death: Call, chunk: int
    ):
        self.network = network
        self.setting = (regularization, pull, on_death)
        self.on_death = on_death
        self.pull_value = pull
        size = network.params.size
        self.alive, self.pull_scale = np.empty(size), np.empty(size)
        self.checks_crossings = regularization == "L1"
        self.chunk = chunk
        self.masking = False
        self.shared_pull = False
        self.start_signs: np.ndarray | None = None
        if self.checks_crossings:
            rows = (chunk, size)
            self.stepped, self.pull = np.empty(rows), np.empty(rows)
            self.new, self.product = np.empty(rows), np.empty(rows)
            self.negative = np.empty(rows, dtype=bool)
            self.per_point_pull_steps: dict[bool, list[list[Call]]] = {}
            self.shared_pull_steps = [self._shared_pull_calls(row) for row in range(chunk)]
            self.same_sign = np.empty(rows, dtype=bool)
            self.sign_check = np.empty(rows)
            # The check runs on whole chunks: full rows are faster than broadcasting.
            self.pull_rows = np.empty(rows)
            self.agreeing = np.empty(rows)
        else:
            self.steps = [self._plain_calls(regularization)] * chunk

    def start_epoch(self, share_pull: bool) -> None:
        """Takes in the network's dead links and weights as the epoch finds them."""
        network = self.network
        params = network.params
        np.logical_not(network.dead_flat, out=self.alive, casting="unsafe")
        np.multiply(self.alive * network.is_weight, self.pull_value, self.pull_scale)
        if network.dead_flat.any() and not self.masking:
            self._mask_dead_links()
        if not self.checks_crossings:
            return
        exact_zero = bool((params[self.pull_scale != 0] == 0).any())
        self.steps = self._per_point_pull_steps(exact_zero)
        # The shared pull copies the sign of each weight at the chunk's start, also of
        # zeros, which copysign does but sign(0) = 0 does not: no shared pull when an
        # exact zero is pulled. For a bias or a dead link the pull is 0 with the sign of
        # the parameter; that sign matters only for a parameter of -0.0, which only an
        # edit can make: none then either.
        can_share = not exact_zero and not (np.signbit(params) & (params == 0)).any()
        self.shared_pull = share_pull and can_share
        self.not_pulled = self.pull_scale == 0
        self.start_signs = np.signbit(params) | self.not_pulled if can_share else None
        if self.shared_pull:
            self.agreeing[:] = np.where(self.not_pulled, -np.inf, 0.0)

    def _per_point_pull_steps(self, exact_zero: bool) -> list[list[Call]]:
        steps = self.per_point_pull_steps.get(exact_zero)
        if steps is None:
            steps = [self._l1_calls(row, exact_zero) for row in range(self.chunk)]
            if self.masking:
                for step in steps:
                    step.insert(0, self._mask)
            self.per_point_pull_steps[exact_zero] = steps
        return steps

    def _plain_calls(self, regularization: str) -> list[Call]:
        params, grads = self.network.params, self.network.grads
        if regularization == "L2":
            pull = np.empty_like(params)
            return [
                partial(np.multiply, params, self.pull_scale, pull),
                partial(np.subtract, params, grads, params),
                partial(np.subtract, params, pull, params),
            ]
        return [partial(np.subtract, params, grads, params)]

    def _l1_calls(self, row: int, exact_zero: bool) -> list[Call]:
        params, grads = self.network.params, self.network.grads
        stepped, pull = self.stepped[row], self.pull[row]
        if exact_zero:
            # sign(0) is 0: an exact zero must not be pulled, which copysign would do.
            pull_calls = [
                partial(np.sign, params, pull),
                partial(np.multiply, pull, self.pull_scale, pull),
            ]
        else:
            pull_calls = [partial(np.copysign, self.pull_scale, params, pull)]
        return [
            *pull_calls,  # the pull uses the weight before this step
            partial(np.subtract, params, grads, stepped),
            partial(np.subtract, stepped, pull, params),
        ]

    def _shared_pull_calls(self, row: int) -> list[Call]:
        params, grads = self.network.params, self.network.grads
        stepped = self.stepped[row]
        return [
            partial(np.subtract, params, grads, stepped),
            partial(np.subtract, stepped, self.pull[0], params),
        ]

    def start_chunk(self) -> list[list[Call]]:
        """The update calls of each point of the next chunk."""
        if not self.shared_pull:
            return self.steps
        np.copysign(self.pull_scale, self.network.params, self.pull[0])
        self.pull_rows[:] = self.pull[0]
        return self.shared_pull_steps

    def first_point_to_redo(self, points: int) -> int | None:
        """After a chunk: None if it stands, else the number of its points that do."""
        if not self.checks_crossings:
            return None
        if self.shared_pull:
            return self._check_shared_pull_chunk(points)
        stepped, new, product = self.stepped[:points], self.new[:points], self.product[:points]
        np.subtract(stepped, self.pull[:points], new)  # the parameters after each point
        np.multiply(stepped, new, product)
        flags = np.signbit(product, self.negative[:points]).tobytes()
        size = self.network.params.size
        found = flags.find(1)
        while found >= 0:
            point = found // size
            crossed = product[point] < 0  # signbit also flags -0.0, so confirm
            if crossed.any():
                self._kill(point, crossed)
                return point + 1
            found = flags.find(1, (point + 1) * size)
        return None

    def _check_shared_pull_chunk(self, points: int) -> int | None:
        """Finds the first point after which a pulled weight's sign differs from the pull's.

        A crossing is such a change too, so one check finds both: new * pull > 0 says the
        signs agree (a zero, an underflow or NaN is reported as well, which at worst redoes
        work that was right). Links are pulled across zero only where the signs change.
        """
        pull, new = self.pull_rows[:points], self.new[:points]
        np.subtract(self.stepped[:points], pull, new)  # the parameters after each point
        check, same = self.sign_check[:points], self.same_sign[:points]
        np.multiply(new, pull, check)
        # Above 0 where the signs agree; above -inf for what is not pulled (NaN is not).
        found = np.greater(check, self.agreeing[:points], same).tobytes().find(0)
        if found < 0:
            return None
        point = found // self.network.params.size
        crossed = self.stepped[point] * new[point] < 0
        if crossed.any():
            self._kill(point, crossed)
            return point + 1
        if point == points - 1:
            return None  # the next chunk takes its pull from these signs
        self.network.params[:] = new[point]
        self.shared_pull = False  # weights are changing sign: a pull per point
        self.start_signs = None
        return point + 1

    def signs_held(self) -> bool:
        """After the epoch: whether no pulled weight was seen to change sign in it."""
        if self.start_signs is None:
            return self.shared_pull or not self.checks_crossings
        params = self.network.params
        return bool(np.array_equal(np.signbit(params) | self.not_pulled, self.start_signs))

    def _kill(self, point: int, crossed: np.ndarray) -> None:
        network = self.network
        network.params[:] = self.new[point]
        network.params[crossed] = 0.0
        network.dead_flat |= crossed
        self.alive[crossed] = 0.0
        self.pull_scale[crossed] = 0.0
        self.not_pulled[crossed] = True
        if self.shared_pull:
            self.agreeing[:, crossed] = -np.inf
        if not self.masking:
            self._mask_dead_links()
        self.on_death()

    def _mask_dead_links(self) -> None:
        """Dead links take no gradient step: their gradients are zeroed first."""
        grads = self.network.grads
        self._mask = partial(np.multiply, grads, self.alive, grads)
        if self.checks_crossings:
            lists = [*self.shared_pull_steps]
            for steps in self.per_point_pull_steps.values():
                lists += steps
        else:
            lists = self.steps[:1]  # the plain rules share one list
        for step in lists:
            step.insert(0, self._mask)
        self.masking = True
