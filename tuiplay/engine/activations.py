"""Activation functions and their derivatives, as numpy calls on fixed buffers.

The Playground computes each derivative from a node's total input; every one of its four
can be written from the node's output instead (tanh' = 1 - a², relu' = [a > 0],
sigmoid' = a(1 - a), linear' = 1), so the backward pass needs only the outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")

Call = Callable[[], object]
# The plan builders below pass outputs positionally: numpy parses `out=` keywords more slowly.


def activation_calls(name: str, total: np.ndarray, out: np.ndarray) -> list[Call]:
    """Calls writing out = f(total), every argument bound: a plan step of the trainers."""
    ones = np.ones_like(total)  # an array operand is cheaper than a Python scalar
    if name == "tanh":
        return [partial(np.tanh, total, out)]
    if name == "relu":
        # fmax takes its output positionally (cheaper than out=); NaN is caught by
        # the session's divergence check on the parameters.
        return [partial(np.fmax, total, np.zeros_like(total), out)]
    if name == "sigmoid":
        return [
            partial(np.negative, total, out),
            partial(np.exp, out, out),
            partial(np.add, out, ones, out),
            partial(np.divide, ones, out, out),
        ]
    return [partial(np.copyto, out, total)]  # linear


def derivative_calls(
    name: str, output: np.ndarray, grad: np.ndarray, delta: np.ndarray
) -> list[Call]:
    """Calls writing delta = grad * f'(total input), f' written from the node's output."""
    scratch = np.empty_like(output)
    ones = np.ones_like(output)
    if name == "tanh":
        return [
            partial(np.multiply, output, output, scratch),
            partial(np.subtract, ones, scratch, scratch),
            partial(np.multiply, grad, scratch, delta),
        ]
    if name == "relu":  # relu output >= 0: its sign is the derivative, 1 or 0
        return [
            partial(np.sign, output, scratch),
            partial(np.multiply, grad, scratch, delta),
        ]
    if name == "sigmoid":
        return [
            partial(np.subtract, ones, output, scratch),
            partial(np.multiply, output, scratch, scratch),
            partial(np.multiply, grad, scratch, delta),
        ]
    return [partial(np.copyto, delta, grad)]  # linear
