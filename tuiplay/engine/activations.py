"""Activation functions and their derivatives, written in place on numpy buffers.

The Playground computes each derivative from a node's total input; every one of its four
derivatives can be written from the node's output instead (tanh' = 1 - a², relu' = [a > 0],
sigmoid' = a(1 - a), linear' = 1), which saves keeping the total inputs.
"""

from __future__ import annotations

import numpy as np

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")


def activate(name: str, total_input: np.ndarray, out: np.ndarray) -> None:
    """Write the activation of `total_input` into `out`."""
    if name == "tanh":
        np.tanh(total_input, out=out)
    elif name == "relu":
        np.maximum(total_input, 0.0, out=out)
    elif name == "sigmoid":
        np.negative(total_input, out=out)
        np.exp(out, out=out)
        np.add(out, 1.0, out=out)
        np.divide(1.0, out, out=out)
    elif name == "linear":
        np.copyto(out, total_input)
    else:
        raise ValueError(f"unknown activation {name!r}")


def multiply_by_derivative(
    name: str, output: np.ndarray, output_grad: np.ndarray, out: np.ndarray, scratch: np.ndarray
) -> np.ndarray:
    """Chain rule through the activation: `out = output_grad * f'(total input)`.

    Returns the array holding the result (for linear that is `output_grad` itself).
    """
    if name == "linear":
        return output_grad
    if name == "tanh":
        np.multiply(output, output, out=scratch)
        np.subtract(1.0, scratch, out=scratch)
    elif name == "relu":
        np.greater(output, 0.0, out=scratch)
    elif name == "sigmoid":
        np.subtract(1.0, output, out=scratch)
        np.multiply(output, scratch, out=scratch)
    else:
        raise ValueError(f"unknown activation {name!r}")
    np.multiply(output_grad, scratch, out=out)
    return out
