"""tuiplay: the TensorFlow Playground in a terminal."""

__version__ = "0.1.0"
