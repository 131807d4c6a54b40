"""The Textual app. Importing this package alone does not import Textual (the CLI relies on it
to set TEXTUAL_FPS first)."""

# 15 frames a second keeps a training screen under 100 KB/s in truecolor over SSH and leaves
# the CPU to training; --fps changes it.
DEFAULT_FPS = 15
