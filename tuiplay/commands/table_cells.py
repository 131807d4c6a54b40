"""How the headless commands' tables write a loss (jsonl and csv keep every digit)."""

from __future__ import annotations

import math

# Six decimals read well from here up; below, they would show few or no digits (3e-9 as
# 0.000000), and a diverging loss of 7.7e+112 would be 113 digits that a column cuts.
SMALLEST_FIXED = 1e-3
LARGEST_FIXED = 1e6


def loss_cell(value: float | None) -> str:
    """A loss for a table: six decimals, scientific beyond them, '-' for none or not finite."""
    if value is None or not math.isfinite(value):
        return "-"
    if value == 0 or SMALLEST_FIXED <= abs(value) < LARGEST_FIXED:
        return f"{value:.6f}"
    return f"{value:.6e}"
