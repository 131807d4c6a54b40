"""A literal, point-by-point port of the Playground's nn.ts (forward, backProp, updateWeights).

Slow and obviously faithful: the engine's fast numpy trainer is checked against it, in the
tests and in benchmarks/engine_speed.py.
"""

from __future__ import annotations

import math

_ACTIVATIONS = {
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "relu": (lambda x: max(0.0, x), lambda x: 0.0 if x <= 0 else 1.0),
    "sigmoid": (
        lambda x: 1 / (1 + math.exp(-x)),
        lambda x: (1 / (1 + math.exp(-x))) * (1 - 1 / (1 + math.exp(-x))),
    ),
    "linear": (lambda x: x, lambda x: 1.0),
}


class Link:
    def __init__(self, source: Node, dest: Node, weight: float) -> None:
        self.source, self.dest, self.weight = source, dest, weight
        self.is_dead = False
        self.acc_error_der = 0.0
        self.num_accumulated_ders = 0


class Node:
    def __init__(self, activation: str, bias: float) -> None:
        self.output_fn, self.der_fn = _ACTIVATIONS[activation]
        self.bias = bias
        self.input_links: list[Link] = []
        self.outputs: list[Link] = []
        self.total_input = self.output = self.output_der = self.input_der = 0.0
        self.acc_input_der = 0.0
        self.num_accumulated_ders = 0


class ReferenceNetwork:
    """Built from weights[l][i][j] and biases[l][i] (the conformance files' layout)."""

    @classmethod
    def copy_of(cls, network) -> ReferenceNetwork:
        """A reference with the weights, biases and activations of a tuiplay Network."""
        return cls(
            [w.tolist() for w in network.weights],
            [b.tolist() for b in network.biases],
            network.activation,
            network.output_activation,
        )

    def __init__(self, weights, biases, activation: str, output_activation: str) -> None:
        num_inputs = len(weights[0][0]) if weights else 0
        self.layers: list[list[Node]] = [[Node("linear", 0.0) for _ in range(num_inputs)]]
        for layer, (layer_weights, layer_biases) in enumerate(zip(weights, biases, strict=True)):
            is_output = layer == len(weights) - 1
            nodes = []
            for node_weights, bias in zip(layer_weights, layer_biases, strict=True):
                node = Node(output_activation if is_output else activation, bias)
                for source, weight in zip(self.layers[-1], node_weights, strict=True):
                    link = Link(source, node, weight)
                    source.outputs.append(link)
                    node.input_links.append(link)
                nodes.append(node)
            self.layers.append(nodes)

    def forward(self, inputs) -> float:
        for node, value in zip(self.layers[0], inputs, strict=True):
            node.output = value
        for layer in self.layers[1:]:
            for node in layer:
                node.total_input = node.bias
                for link in node.input_links:
                    node.total_input += link.weight * link.source.output
                node.output = node.output_fn(node.total_input)
        return self.layers[-1][0].output

    def backward(self, target: float) -> None:
        output_node = self.layers[-1][0]
        output_node.output_der = output_node.output - target
        for index in range(len(self.layers) - 1, 0, -1):
            layer = self.layers[index]
            for node in layer:
                node.input_der = node.output_der * node.der_fn(node.total_input)
                node.acc_input_der += node.input_der
                node.num_accumulated_ders += 1
            for node in layer:
                for link in node.input_links:
                    if link.is_dead:
                        continue
                    link.acc_error_der += node.input_der * link.source.output
                    link.num_accumulated_ders += 1
            if index == 1:
                continue
            for node in self.layers[index - 1]:
                node.output_der = sum(link.weight * link.dest.input_der for link in node.outputs)

    def update(self, learning_rate: float, regularization: str, rate: float) -> None:
        for layer in self.layers[1:]:
            for node in layer:
                if node.num_accumulated_ders > 0:
                    node.bias -= learning_rate * node.acc_input_der / node.num_accumulated_ders
                    node.acc_input_der = 0.0
                    node.num_accumulated_ders = 0
                for link in node.input_links:
                    if link.is_dead or link.num_accumulated_ders == 0:
                        continue
                    w = link.weight
                    reg_der = {"L1": (w > 0) - (w < 0), "L2": w}.get(regularization, 0)
                    link.weight = (
                        w - (learning_rate / link.num_accumulated_ders) * link.acc_error_der
                    )
                    new_weight = link.weight - (learning_rate * rate) * reg_der
                    if regularization == "L1" and link.weight * new_weight < 0:
                        link.weight = 0.0
                        link.is_dead = True
                    else:
                        link.weight = new_weight
                    link.acc_error_der = 0.0
                    link.num_accumulated_ders = 0

    def train_epoch(self, inputs, targets, batch_size, learning_rate, regularization, rate):
        for i, (row, target) in enumerate(zip(inputs, targets, strict=True)):
            self.forward(row)
            self.backward(target)
            if (i + 1) % batch_size == 0:
                self.update(learning_rate, regularization, rate)

    def mean_loss(self, inputs, targets) -> float:
        total = 0.0
        for row, target in zip(inputs, targets, strict=True):
            total += 0.5 * (self.forward(row) - target) ** 2
        return total / len(targets)

    def weights(self) -> list[list[list[float]]]:
        return [
            [[link.weight for link in node.input_links] for node in layer]
            for layer in self.layers[1:]
        ]

    def biases(self) -> list[list[float]]:
        return [[node.bias for node in layer] for layer in self.layers[1:]]

    def dead(self) -> list[list[list[bool]]]:
        return [
            [[link.is_dead for link in node.input_links] for node in layer]
            for layer in self.layers[1:]
        ]
