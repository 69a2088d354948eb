"""Snippets with the query's words marked, computed from the stored plain text."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from search import analysis

WINDOW = 28  # words
_WORD = re.compile(r"\w+|\W+")


@lru_cache(maxsize=50_000)
def _word_terms(word: str) -> frozenset[str]:
    # Decompounding is the expensive part of highlighting; a page of hits repeats most of its words.
    lowered = analysis.normalize(word.lower())
    return frozenset({analysis.stem(lowered), *(analysis.stem(part) for part in analysis.decompound(lowered))})


def _hits(word: str, terms: frozenset[str]) -> bool:
    return not _word_terms(word).isdisjoint(terms)


def snippet(text: str, terms: frozenset[str], window: int = WINDOW) -> str:
    """HTML-escaped excerpt of ``text`` around the densest run of matches, matches in <mark>."""
    pieces = _WORD.findall(text or "")
    words = [i for i, piece in enumerate(pieces) if piece[0].isalnum()]
    if not words:
        return ""
    marked = {i for i in words if terms and _hits(pieces[i], terms)}
    # The first window with the most marked words, counted as the window slides by one word.
    flags = [i in marked for i in words]
    count = best_count = sum(flags[:window])
    best_start = 0
    for start in range(1, len(words) - window + 1):
        count += flags[start + window - 1] - flags[start - 1]
        if count > best_count:
            best_start, best_count = start, count
    first = words[best_start]
    last = words[min(len(words), best_start + window) - 1]
    out = []
    for i in range(first, last + 1):
        piece = escape(pieces[i])
        out.append(f"<mark>{piece}</mark>" if i in marked else piece)
    prefix = "… " if best_start > 0 else ""
    suffix = " …" if best_start + window < len(words) else ""
    return prefix + "".join(out).strip() + suffix
