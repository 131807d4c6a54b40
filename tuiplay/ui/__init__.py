"""The Textual app. Importing this package alone does not import Textual (the CLI relies on it
to set TEXTUAL_FPS first)."""

# 15 frames a second keeps a training screen under 100 KB/s in truecolor over SSH and leaves
# the CPU to training; --fps changes it.
DEFAULT_FPS = 15

# Textual repaints the screen at most this often, whatever --fps: the app itself draws at
# most --fps frames, so a higher rate only means a key's effect reaches the screen sooner
# (within 8 ms instead of 1/fps).
TEXTUAL_MIN_FPS = 120


def prepare_textual(fps: int) -> None:
    """Call before the first `import textual`: Textual reads TEXTUAL_FPS once, at import."""
    import os

    os.environ["TEXTUAL_FPS"] = str(max(TEXTUAL_MIN_FPS, fps))
