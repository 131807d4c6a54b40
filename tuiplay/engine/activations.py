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


def slope_calls(name: str, outputs: np.ndarray, slopes: np.ndarray) -> list[Call]:
    """Calls writing slopes = f'(total input), written from the nodes' outputs.

    The trainers multiply a node's incoming gradient by its slope. One buffer can hold the
    outputs of several layers (and the constant 1 of their bias inputs, whose slope nobody
    reads), so every layer's slopes come from the same one or two calls.
    """
    if name == "tanh":
        return [
            partial(np.multiply, outputs, outputs, slopes),
            partial(np.subtract, np.ones_like(outputs), slopes, slopes),
        ]
    if name == "relu":  # relu output >= 0: its sign is the derivative, 1 or 0
        return [partial(np.sign, outputs, slopes)]
    if name == "sigmoid":
        return [
            partial(np.subtract, np.ones_like(outputs), outputs, slopes),
            partial(np.multiply, outputs, slopes, slopes),
        ]
    slopes[...] = 1.0  # linear: a constant slope, and grad * 1 is exactly grad
    return []
