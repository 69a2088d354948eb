"""The database backend: SQLite FTS5 (embedded default) or PostgreSQL full-text search over the
terms produced by ``search.analysis``, exact kNN with numpy over the stored embeddings of the in-memory
corpus (``search.corpus``), and the most recently confirmed cases for a search without words. It returns
candidates; fusion, boosts, filters and facets are ``search.service``'s, the same as for Elasticsearch."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np
from django.db import connection

from search import ranking
from search.candidates import Candidates, CaseFacts, StoredCase
from search.corpus import Corpus, get_corpus, loaded_generation
from search.embeddings import query_vector
from search.models import SearchEntry
from search.query_terms import QueryTerms, build_query_terms
from search.types import Mode, SearchQuery

LEXICAL_LIMIT = 1000
SEMANTIC_LIMIT = 100
# The vocabulary (terms and document frequencies) is read again only after the index changed, and then at
# most once a minute: on PostgreSQL, ts_stat parses every tsvector (~0.5 s at 50,000 cases).
VOCABULARY_SECONDS = 60
# The query's own terms count fully; synonyms and typo corrections less.
EXPANSION_WEIGHT = 0.6
# A synonym's compound part found in most cases ("stadt" of "Stadtbibliothek" for "Bücherei") says nothing about
# the query but would pull in every case that mentions it.
EXPANSION_MAX_SHARE = 0.2
PHRASE_BONUS = 0.5
# SQLite, phrases with a common word: only this many of the best candidates are checked (see _phrase); reading
# their rows costs ~0.4 ms each at 50,000 cases.
PHRASE_CANDIDATES = 30
# A term found in more than this many documents (and this share of them) says little about relevance but
# makes the engine score every one of its documents (FTS5 and ts_rank_cd rank all matches before the
# LIMIT; on PostgreSQL each match means reading its tsvector). Such terms are left out of the match while
# rarer query terms remain, as Lucene's old "common terms" query did; the semantic side still sees the
# whole query. Below the floor nothing changes. Floor and share are set with bench/search.py at 50,000 cases.
COMMON_TERM_FLOOR = 1000
COMMON_TERM_SHARE = 0.02
# Field weights: title > teaser (with topic names) > body.
SQLITE_BM25_WEIGHTS = (10.0, 4.0, 1.0)
POSTGRES_WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"  # D, C (body), B (teaser), A (title)


def _quoted(terms) -> str:
    return " OR ".join('"' + t.replace('"', "") + '"' for t in terms)


class DatabaseLexical:
    """Runs the full-text part; returns {SearchEntry id: score}, higher is better."""

    def __init__(self) -> None:
        self._frequencies: dict[str, int] = {}
        self._documents = 0
        self._vocabulary_at = 0.0
        self._generation: int | None = None
        self._lock = threading.Lock()

    def vocabulary(self) -> Mapping[str, int]:
        """Index term → number of entries holding it."""
        self._refresh()
        return self._frequencies

    def confidence(self, query: QueryTerms) -> float:
        """``ranking.lexical_confidence`` of the query's words against this index."""
        self._refresh()
        return ranking.lexical_confidence(query.phrase, self._frequencies, self._documents, query.bridged)

    def _refresh(self) -> None:
        now = time.monotonic()
        generation = loaded_generation()  # the search has just brought the corpus up to date
        changed = generation is None or generation != self._generation
        if not self._frequencies or (changed and now - self._vocabulary_at > VOCABULARY_SECONDS):
            with self._lock, connection.cursor() as cursor:
                if connection.vendor == "sqlite":
                    cursor.execute("SELECT term, doc FROM search_fts_vocab")
                else:
                    cursor.execute("SELECT word, ndoc FROM ts_stat('SELECT document FROM search_searchentry')")
                self._frequencies = dict(cursor.fetchall())
                cursor.execute("SELECT count(*) FROM search_searchentry")
                self._documents = cursor.fetchone()[0]
                self._vocabulary_at = now
                self._generation = generation

    def selective(self, terms: tuple[str, ...]) -> tuple[str, ...]:
        """``terms`` without the very common ones (see COMMON_TERM_FLOOR)."""
        self._refresh()
        limit = max(COMMON_TERM_FLOOR, COMMON_TERM_SHARE * self._documents)
        return tuple(t for t in terms if self._frequencies.get(t, 0) <= limit)

    def rarest(self, terms: tuple[str, ...]) -> str:
        self._refresh()
        return min(terms, key=lambda t: self._frequencies.get(t, 0))

    def reset(self) -> None:
        self._vocabulary_at = 0.0
        self._generation = None

    def search(self, query: QueryTerms, limit: int = LEXICAL_LIMIT) -> dict[int, float]:
        if not query.all:
            return {}
        terms = self.selective(query.terms)
        heads_only = False
        if not terms and query.terms:
            # Only common words ("Gemeinde App"): the rarest one still counts, but only where it is in a
            # title or teaser – that is where it says what a case is about, and it keeps the ranking small.
            terms, heads_only = (self.rarest(query.terms),), True
        scores = self._match(terms, limit, heads_only) if terms else {}
        # Common synonyms and corrections are dropped altogether: they are a secondary signal, and the
        # semantic side sees the meaning anyway.
        most = EXPANSION_MAX_SHARE * self._documents
        expansions = tuple(t for t in self.selective(query.expansions) if self._frequencies.get(t, 0) <= most)
        if expansions:
            for doc, score in self._match(expansions, limit).items():
                scores[doc] = max(scores.get(doc, 0.0), 0.0) + EXPANSION_WEIGHT * score
        if len(query.phrase) > 1 and scores:
            for doc in self._phrase(query.phrase, ranking.best(scores, len(scores))):
                scores[doc] *= 1 + PHRASE_BONUS
        return scores

    def _match(self, terms, limit: int, heads_only: bool = False) -> dict[int, float]:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                weights = ", ".join(str(w) for w in SQLITE_BM25_WEIGHTS)
                match = ("{index_title index_teaser}: (" + _quoted(terms) + ")") if heads_only else _quoted(terms)
                cursor.execute(
                    f"SELECT rowid, -bm25(search_fts, {weights}) AS score FROM search_fts "  # noqa: S608
                    "WHERE search_fts MATCH %s ORDER BY score DESC LIMIT %s",
                    [match, limit],
                )
            else:
                suffix = ":AB" if heads_only else ""
                cursor.execute(
                    f"SELECT id, ts_rank_cd('{POSTGRES_WEIGHTS}'::float4[], document, q, 1) AS score "  # noqa: S608
                    "FROM search_searchentry, to_tsquery('simple', %s) q "
                    "WHERE document @@ q ORDER BY score DESC LIMIT %s",
                    [" | ".join(_pg_lexeme(t) + suffix for t in terms), limit],
                )
            return {row[0]: float(row[1]) for row in cursor.fetchall()}

    def _phrase(self, phrase, candidates: list[int]) -> set[int]:
        """The candidates (best first) that contain the query words in order, within one field."""
        if connection.vendor == "sqlite" and len(self.selective(phrase)) < len(phrase):
            # FTS5's phrase query reads the positions of every document holding the words, not only the
            # candidates' (~450 ms for four common words at 50,000 cases). With a common word, the best
            # candidates' analysed text is searched instead.
            rows = SearchEntry.objects.filter(id__in=candidates[:PHRASE_CANDIDATES]).values_list(
                "id", "index_title", "index_teaser", "index_body"
            )
            return {row[0] for row in rows if any(_contains(text.split(), phrase) for text in row[1:])}
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # Over the whole index, which is cheap for rare words; a "rowid IN (…)" filter would make
                # FTS5 run the phrase query once per candidate.
                cursor.execute(
                    "SELECT rowid FROM search_fts WHERE search_fts MATCH %s",
                    ['"' + " ".join(t.replace('"', "") for t in phrase) + '"'],
                )
                return {row[0] for row in cursor.fetchall()} & set(candidates)
            cursor.execute(
                "SELECT id FROM search_searchentry WHERE id = ANY(%s) AND document @@ to_tsquery('simple', %s)",
                [candidates, " <-> ".join(_pg_lexeme(t) for t in phrase)],
            )
            return {row[0] for row in cursor.fetchall()}


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    start = -1
    while True:
        try:
            start = tokens.index(phrase[0], start + 1)
        except ValueError:
            return False
        if tuple(tokens[start : start + len(phrase)]) == phrase:
            return True


def _pg_lexeme(term: str) -> str:
    # Terms come out of the analysis as letters and digits only; quoting keeps to_tsquery safe anyway.
    return "'" + term.replace("'", "").replace("\\", "") + "'"


def nearest_rows(
    corpus: Corpus, vector: np.ndarray, limit: int = SEMANTIC_LIMIT, rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact kNN: the corpus rows of the ``limit`` entries most similar to ``vector`` (among all or only
    ``rows``), best first, ties in row (= id) order, and their cosine similarities."""
    candidates = np.arange(len(corpus.ids)) if rows is None else np.sort(rows)
    if not len(candidates):
        return candidates, np.zeros(0, dtype=np.float32)
    if rows is None:
        similarities = corpus.vectors @ vector
    elif len(candidates) * 4 > len(corpus.ids):  # copying a large share of the matrix costs more than the product
        similarities = (corpus.vectors @ vector)[candidates]
    else:
        similarities = corpus.vectors[candidates] @ vector
    k = min(limit, len(candidates))
    top = np.sort(np.argpartition(-similarities, k - 1)[:k])
    top = top[np.argsort(-similarities[top], kind="stable")]
    return candidates[top], similarities[top]


def semantic_scores(
    corpus: Corpus, vector: np.ndarray, limit: int = SEMANTIC_LIMIT, rows: np.ndarray | None = None
) -> dict[int, float]:
    """``nearest_rows`` as {SearchEntry id: cosine}."""
    found, similarities = nearest_rows(corpus, vector, limit, rows)
    return dict(zip((corpus.ids[row] for row in found.tolist()), similarities.tolist(), strict=True))


lexical = DatabaseLexical()

# The feedback pass re-scores the query's nearest neighbours instead of all vectors again: at 50,000 cases a
# second full pass costs as much as the first (~9 ms, memory-bound); the moved vector lies between the
# query and its best hits, so its own best 100 come from this neighbourhood all but always.
FEEDBACK_NEIGHBOURHOOD = 2000


class DatabaseBackend:
    name = "database"

    def candidates(self, query: SearchQuery) -> Candidates:
        corpus = get_corpus()
        passing = corpus.filter_mask(query.filters())
        filtered_rows = None if passing is None else np.flatnonzero(passing)
        # The semantic side runs in a helper thread while this one waits for the lexical SQL: the
        # embedding (C code) and the kNN (BLAS) release the GIL, and at 50,000 cases each side takes 10–25 ms.
        semantic_side = (
            _semantic_thread().submit(_semantic_side, corpus, query.text, query.mode, filtered_rows)
            if query.mode != Mode.LEXICAL
            else None
        )
        terms = build_query_terms(query.text, lexical.vocabulary() if query.mode != Mode.SEMANTIC else None)
        lexical_scores = lexical.search(terms) if query.mode != Mode.SEMANTIC else {}
        vector, semantic, pool = semantic_side.result() if semantic_side else (None, {}, None)
        return Candidates(
            terms=terms,
            lexical=lexical_scores,
            semantic=semantic,
            vector=vector,
            confidence=lexical.confidence(terms) if query.mode == Mode.HYBRID else 1.0,
            facts=corpus.meta,
            vectors_of=lambda ids: corpus.vectors[[corpus.row_of[i] for i in ids if i in corpus.row_of]],
            knn=lambda moved: _nearest(corpus, moved, pool, filtered_rows),
            within=None if passing is None else lambda doc: doc in corpus.row_of and passing[corpus.row_of[doc]],
        )

    def recent(self, today: dt.date) -> tuple[dict[int, float], Mapping[int, CaseFacts]]:
        """Every case, scored by how recently it was confirmed."""
        corpus = get_corpus()
        return {entry_id: _recency(meta.last_confirmed, today) for entry_id, meta in corpus.meta.items()}, corpus.meta

    def stored(self, ids: list[int], facts: Mapping[int, CaseFacts], bodies: bool) -> dict[int, StoredCase]:
        entries = SearchEntry.objects.filter(id__in=ids).values()  # the body comes in the same row, needed or not
        return {entry["id"]: StoredCase(entry["page_id"], entry, entry["body"]) for entry in entries}

    def related(self, page_id: int, size: int) -> list[dict]:
        """The cases whose embeddings are nearest to the given one's."""
        corpus = get_corpus()
        entry_id = SearchEntry.objects.filter(page_id=page_id).values_list("id", flat=True).first()
        if entry_id is None or entry_id not in corpus.row_of:
            return []
        similarities = corpus.vectors @ corpus.vectors[corpus.row_of[entry_id]]
        similarities[corpus.row_of[entry_id]] = -np.inf
        k = min(size, len(corpus.ids) - 1)
        if k <= 0:
            return []
        top = np.argsort(-similarities)[:k]
        ids = [corpus.ids[i] for i in top]
        entries = SearchEntry.objects.in_bulk(ids)
        return [
            {"title": entries[i].title, "url": entries[i].url, "lead_name": entries[i].lead_name}
            for i in ids
            if i in entries
        ]


@lru_cache(maxsize=1)
def _semantic_process_thread(pid: int) -> ThreadPoolExecutor:
    # One thread: gunicorn's sync workers serve one request at a time, and the embedder is locked anyway.
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="semantic-search")


def _semantic_thread() -> ThreadPoolExecutor:
    """This process's helper thread (keyed by pid: threads do not survive a fork)."""
    return _semantic_process_thread(os.getpid())


def _semantic_side(
    corpus: Corpus, text: str, mode: Mode, filtered_rows: np.ndarray | None
) -> tuple[np.ndarray, dict[int, float], np.ndarray | None]:
    """The query vector, its nearest entries and, for hybrid search, the rows of its feedback neighbourhood.
    With filters (``filtered_rows``) the nearest entries that pass them come on top: among 50,000 cases, the
    hundred nearest of all may hold none from the ticked Bundesland; the nearest of all stay for the facets."""
    vector = query_vector(text)
    if mode == Mode.SEMANTIC:
        return vector, _nearest(corpus, vector, None, filtered_rows), None
    pool, _similarities = nearest_rows(corpus, vector, limit=FEEDBACK_NEIGHBOURHOOD)
    if filtered_rows is not None:
        filtered_pool, _ = nearest_rows(corpus, vector, limit=FEEDBACK_NEIGHBOURHOOD, rows=filtered_rows)
        pool = np.union1d(pool, filtered_pool)
    return vector, _nearest(corpus, vector, pool, filtered_rows), pool


def _nearest(
    corpus: Corpus, vector: np.ndarray, rows: np.ndarray | None, filtered_rows: np.ndarray | None
) -> dict[int, float]:
    """The ``semantic_scores`` nearest entries (among ``rows``) and, with filters, as many of those that pass them."""
    nearest = semantic_scores(corpus, vector, rows=rows)
    if filtered_rows is not None:
        passing = filtered_rows if rows is None else np.intersect1d(rows, filtered_rows, assume_unique=True)
        nearest.update(semantic_scores(corpus, vector, rows=passing))
    return nearest


def _recency(last_confirmed: dt.date | None, today: dt.date) -> float:
    if last_confirmed is None:
        return 0.0
    return 1.0 / (1.0 + max(0, (today - last_confirmed).days) / 365)
