"""The database backend's per-process caches (corpus, synonyms, lexical statistics): a test that
emptied or refilled the database starts them afresh, as a new server process would."""

from __future__ import annotations


def search_caches_reset() -> None:
    from search.backends.database import lexical
    from search.corpus import reset_corpus
    from search.query_terms import reset_synonym_cache

    reset_corpus()
    reset_synonym_cache()
    lexical.reset()
