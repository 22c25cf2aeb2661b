"""Text normalisation for sensitive-word matching, with a map back to the original offsets.

Every character of the input is either *kept* (and replaced by exactly one character) or *dropped*
as noise. Because no character ever becomes two, the k-th character of the normalised text is one
character of the original, which makes highlighting exact and cheap.

Per character, in this order:

1. compatibility folding (NFKC) when it yields one character: full-width ``ｃａｓｉｎｏ`` and
   ``１２３`` become ASCII, ``①`` becomes ``1``;
2. accents are stripped from letters (``é`` → ``e``);
3. case folding (``C`` → ``c``);
4. traditional → simplified Chinese with OpenCC's ``t2s`` data, character by character (a table
   derived from OpenCC once per process, see ``_t2s_table``);
5. noise is dropped: whitespace, punctuation, symbols (emoji included), format characters
   (zero-width spaces and joiners, BOM), controls, combining marks and variation selectors — so
   ``传*销``, ``传 销``, ``传\\u200b销`` and ``C-a-s-i-n-o`` read as ``传销`` and ``casino``.

The whole map is one lookup table over every code point (a numpy array, 0 = drop): normalising
is one array lookup, and the original position of every kept character is ``flatnonzero``.
"""

from __future__ import annotations

import functools
import sys
import threading
import unicodedata

import numpy as np

# Unicode general categories treated as noise between characters (plus every punctuation category).
NOISE_CATEGORIES = frozenset(
    {"Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cs", "Mn", "Me", "Mc", "Sk", "Sm", "Sc", "So"}
)

# The CJK blocks whose characters go through OpenCC (unified ideographs, extension A, compatibility).
_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))

# Below this length ``str.translate`` beats the array round trip (measured: bench/screening_bench.py).
_SHORT_TEXT = 48

_lock = threading.Lock()


def is_noise_char(char: str) -> bool:
    category = unicodedata.category(char)
    return category in NOISE_CATEGORIES or category[0] == "P"


@functools.cache
def _t2s_table() -> dict[str, str]:
    """Traditional → simplified, one character to one character, from OpenCC's ``t2s`` data.

    OpenCC converts phrases, but matching needs a per-character map (offsets stay 1:1, and a word
    and a text are normalised alike whatever their context). Converting every CJK character on a
    line of its own through OpenCC yields OpenCC's character table; only 1:1 results are kept.
    """
    import opencc

    chars = [chr(cp) for start, end in _CJK_RANGES for cp in range(start, end + 1)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - would mean OpenCC merged lines
        raise RuntimeError("OpenCC returned an unexpected number of lines")
    return {src: dst for src, dst in zip(chars, converted, strict=True) if dst != src and len(dst) == 1}


def _fold(char: str) -> str:
    """The folded form of one non-noise character (steps 1–4): one character, or "" for noise."""
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) != 1:
        folded = char
    base = unicodedata.normalize("NFD", folded)
    if len(base) > 1:
        stripped = "".join(c for c in base if not unicodedata.category(c).startswith("M"))
        if len(stripped) == 1:
            folded = stripped
    lowered = folded.lower()
    if len(lowered) == 1:
        folded = lowered
    if is_noise_char(folded):  # e.g. full-width "＊" folds to "*"
        return ""
    return _t2s_table().get(folded, folded)


class _Tables:
    """The lookup table as a numpy array (0 = drop) and as a ``str.translate`` dict."""

    def __init__(self) -> None:
        lut = np.arange(sys.maxunicode + 1, dtype=np.uint32)
        translate: dict[int, str | None] = {}
        category = unicodedata.category
        for cp in range(sys.maxunicode + 1):
            char = chr(cp)
            cat = category(char)
            if cat == "Cn":  # unassigned: kept as it is
                continue
            if cat in NOISE_CATEGORIES or cat[0] == "P":
                folded = ""
            elif cat == "Lo" and cp > 0xFFFF:  # astral ideographs and other scripts: as they are
                continue
            else:
                folded = _fold(char)
            if folded == "":
                lut[cp] = 0
                translate[cp] = None
            elif folded != char:
                lut[cp] = ord(folded)
                translate[cp] = folded
        lut[0] = 0
        translate[0] = None
        self.lut = lut
        self.translate = translate


_tables: _Tables | None = None


def tables() -> _Tables:
    global _tables
    if _tables is None:
        with _lock:
            if _tables is None:
                _tables = _Tables()
    return _tables


def warm_up() -> None:
    """Build the tables now (about a second) rather than on the first screened text."""
    tables()


def _codes(text: str) -> np.ndarray:
    # surrogatepass: a lone surrogate (possible in JSON input) is a code point the table drops.
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def normalize(text: str) -> str:
    """The normalised form of ``text`` (what words and texts are compared in)."""
    t = tables()
    if len(text) < _SHORT_TEXT:
        return text.translate(t.translate)
    # Dropped characters become NUL in the lookup and go in one C-level replace (measured faster
    # than a boolean mask); the table never yields a surrogate, so a strict decode is safe.
    return np.take(t.lut, _codes(text)).tobytes().decode("utf-32-le").replace("\x00", "")


def kept_positions(text: str) -> np.ndarray:
    """``result[k]`` is the position in ``text`` of the k-th character of ``normalize(text)``."""
    if not text:
        return np.zeros(0, dtype=np.intp)
    return np.flatnonzero(tables().lut[_codes(text)])


def to_original(positions: np.ndarray, start: int, end: int) -> tuple[int, int]:
    """The original span of normalised [start, end): from its first kept character to its last.

    Noise inside a hit (``传*销``) is part of the span; noise around it is not.
    """
    return int(positions[start]), int(positions[end - 1]) + 1
