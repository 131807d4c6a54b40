"""Reading the app's state off the terminal screen, as a user reads it.

The status bar shows the epoch as `000,000` (more digit groups once it passes a million)
and the word "paused" while paused; the controls show the learning rate after its label
("learn rate 0.03"). These functions take the screen's text
and return None when the value is not visible.
"""

from __future__ import annotations

import re

EPOCH = re.compile(r"(?i)epoch\D{0,12}?(\d{1,3}(?:,\d{3})+)")
LEARNING_RATE = re.compile(r"(?i)learn(?:ing)? rate\W{0,12}?(\d+(?:\.\d+)?)")
PAUSED = re.compile(r"(?i)\bpaused\b")
UPPER_HALF_BLOCK = "▀"  # the heatmap's pixel pair: fg is the top pixel, bg the bottom
# Enough pixel pairs that the heatmap, not a legend or a bar, is on screen.
HEATMAP_MIN_CELLS = 20


def epoch(text: str) -> int | None:
    found = EPOCH.search(text)
    return int(found.group(1).replace(",", "")) if found else None


def learning_rate(text: str) -> str | None:
    found = LEARNING_RATE.search(text)
    return found.group(1) if found else None


def shows_paused(text: str) -> bool:
    return PAUSED.search(text) is not None


def shows_heatmap(text: str) -> bool:
    return text.count(UPPER_HALF_BLOCK) >= HEATMAP_MIN_CELLS


def shows_first_complete_frame(text: str) -> bool:
    """The app has drawn its status bar (the epoch is readable) and its heatmap."""
    return epoch(text) is not None and shows_heatmap(text)
