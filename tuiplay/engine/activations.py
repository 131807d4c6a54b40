"""Activation functions and their derivatives, written in place on numpy buffers.

The Playground computes each derivative from a node's total input; every one of its four
can be written from the node's output instead (tanh' = 1 - a², relu' = [a > 0],
sigmoid' = a(1 - a), linear' = 1), so the backward pass needs only the outputs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")

Activate = Callable[[np.ndarray, np.ndarray], object]
TimesDerivative = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def _sigmoid(total_input: np.ndarray, out: np.ndarray) -> None:
    np.negative(total_input, out=out)
    np.exp(out, out=out)
    np.add(out, 1.0, out=out)
    np.divide(1.0, out, out=out)


ACTIVATE: dict[str, Activate] = {
    "tanh": lambda total_input, out: np.tanh(total_input, out=out),
    "relu": lambda total_input, out: np.maximum(total_input, 0.0, out=out),
    "sigmoid": _sigmoid,
    "linear": lambda total_input, out: np.copyto(out, total_input),
}


def _times_tanh_derivative(output, grad, out, scratch) -> np.ndarray:
    np.multiply(output, output, out=scratch)
    np.subtract(1.0, scratch, out=scratch)
    return np.multiply(grad, scratch, out=out)


def _times_relu_derivative(output, grad, out, scratch) -> np.ndarray:
    np.greater(output, 0.0, out=scratch)  # a relu's output is > 0 exactly where its input is
    return np.multiply(grad, scratch, out=out)


def _times_sigmoid_derivative(output, grad, out, scratch) -> np.ndarray:
    np.subtract(1.0, output, out=scratch)
    np.multiply(output, scratch, out=scratch)
    return np.multiply(grad, scratch, out=out)


def _times_linear_derivative(output, grad, out, scratch) -> np.ndarray:
    np.copyto(out, grad)
    return out


# TIMES_DERIVATIVE[name](output, grad, out, scratch) writes grad * f'(total input) into out.
TIMES_DERIVATIVE: dict[str, TimesDerivative] = {
    "tanh": _times_tanh_derivative,
    "relu": _times_relu_derivative,
    "sigmoid": _times_sigmoid_derivative,
    "linear": _times_linear_derivative,
}
