"""The Playground's one seeded random stream: seedrandom 2.4.4, ARC4 variant (PLAYGROUND.md §2).

Every random number the Playground draws (data, shuffle, weights, new seeds) comes from this
stream in program order, so reproducing it bit for bit reproduces a Playground page.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_WIDTH = 256
_MASK = _WIDTH - 1
_SIGNIFICANCE = 2**52
_OVERFLOW = 2**53
_START_DENOMINATOR = _WIDTH**6


def _utf16_code_units(text: str) -> list[int]:
    data = text.encode("utf-16-le", errors="surrogatepass")
    return [data[k] | (data[k + 1] << 8) for k in range(0, len(data), 2)]


def _mix_key(seed: str) -> list[int]:
    key: list[int] = []
    smear = 0
    for j, code in enumerate(_utf16_code_units(seed)):
        slot = j & _MASK
        while len(key) <= slot:
            key.append(0)
        smear ^= key[slot] * 19
        key[slot] = (smear + code) & _MASK
    return key or [0]


class SeededRandom:
    """A drop-in for the Playground's `Math.random` after `Math.seedrandom(seed)`."""

    def __init__(self, seed: str) -> None:
        key = _mix_key(seed)
        state = list(range(_WIDTH))
        j = 0
        for i in range(_WIDTH):
            t = state[i]
            j = (j + key[i % len(key)] + t) & _MASK
            state[i] = state[j]
            state[j] = t
        self._state = state
        self._i = 0
        self._j = 0
        self._bytes(_WIDTH)  # ARC4-drop[256], as seedrandom does

    def _bytes(self, count: int) -> int:
        """The next `count` output bytes packed big-endian into one integer."""
        state, i, j = self._state, self._i, self._j
        packed = 0
        for _ in range(count):
            i = (i + 1) & _MASK
            t = state[i]
            j = (j + t) & _MASK
            state[i] = state[j]
            state[j] = t
            packed = packed * _WIDTH + state[(state[i] + state[j]) & _MASK]
        self._i, self._j = i, j
        return packed

    def random(self) -> float:
        """A float in [0, 1) with 53 bits of randomness, exactly as seedrandom makes it."""
        n = self._bytes(6)
        d = _START_DENOMINATOR
        x = 0
        while n < _SIGNIFICANCE:
            n = (n + x) * _WIDTH
            d *= _WIDTH
            x = self._bytes(1)
        while n >= _OVERFLOW:
            n //= 2
            d //= 2
            x >>= 1
        return (n + x) / d

    def state(self) -> tuple[list[int], int, int]:
        """The stream's whole state (permutation and two indices), to save and restore."""
        return list(self._state), self._i, self._j

    @classmethod
    def from_state(cls, state: list[int], i: int, j: int) -> SeededRandom:
        stream = cls.__new__(cls)
        stream._state, stream._i, stream._j = list(state), i, j
        return stream

    def new_seed(self) -> str:
        """`Math.random().toFixed(5)`: how the Playground makes a new seed from the stream."""
        return to_fixed(self.random(), 5)


def to_fixed(value: float, digits: int) -> str:
    """JavaScript's Number.prototype.toFixed: ties round away from zero on the exact value."""
    quantum = Decimal(1).scaleb(-digits)
    return str(Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP))
