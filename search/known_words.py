"""Whether a typed word is a real German word, so typo correction leaves it alone: "Schlange" is not a
misspelling of "Schlag" just because no case happens to say "Schlange".

The word list is pyspellchecker's German dictionary (MIT; word frequencies from the OpenSubtitles corpus,
338,000 words of four letters or more). It is kept as sorted 64-bit hashes: 2.7 MB instead of 40 MB as a
Python set, and a collision would only skip one correction."""

from __future__ import annotations

import gzip
import hashlib
import importlib.resources
import json
import threading
from functools import lru_cache

import numpy as np

_lock = threading.Lock()


def _hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")


@lru_cache(maxsize=1)
def _known_hashes() -> np.ndarray:
    with _lock:  # built once per process (about a second), on the first query that needs a correction
        source = importlib.resources.files("spellchecker") / "resources" / "de.json.gz"
        with source.open("rb") as compressed, gzip.open(compressed) as text:
            words = json.load(text)
        return np.unique(np.fromiter((_hash(word) for word in words if len(word) >= 4), dtype=np.uint64))


def is_known_word(word: str) -> bool:
    """``word`` as typed, in lower case (umlauts and ß as they are)."""
    hashes = _known_hashes()
    key = np.uint64(_hash(word.lower()))
    position = int(np.searchsorted(hashes, key))
    return position < len(hashes) and hashes[position] == key
