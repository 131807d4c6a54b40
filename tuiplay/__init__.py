"""tuiplay: the TensorFlow Playground in a terminal."""

import os

__version__ = "0.1.0"

# The trainer multiplies matrices of a few dozen numbers: BLAS worker threads cannot speed
# that up, and their spinning takes CPU from the app. Set before numpy is first imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
