"""The Elasticsearch backend, built with the elasticsearch-dsl API (``elasticsearch.dsl``).

Index layout: a versioned index ``<prefix>-cases-<timestamp>`` behind the alias ``<prefix>-cases``;
``search_index rebuild`` fills a new version and swaps the alias in one atomic call. The very first version,
created when the first case is indexed, has the fixed name ``<prefix>-cases-00000000000000000000`` (see
``create_first_index``). The editors' synonyms live in the set ``<prefix>-synonyms``. Analysis is
``search.analysis.elasticsearch_analysis()`` – the same specification the database backend runs in
Python. Lexical and kNN candidates are fetched separately and handed to ``search.service``, which fuses,
boosts, filters and counts them exactly as it does the database backend's.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from collections.abc import Collection, Mapping, Sequence

import numpy as np
from django.utils import timezone
from elasticsearch import ApiError, BadRequestError, Elasticsearch, TransportError
from elasticsearch import ConnectionError as ESConnectionError
from elasticsearch.dsl import Boolean, Date, DenseVector, Document, Integer, Keyword, MultiSearch, Q, Search, Text
from elasticsearch.helpers import bulk

from search import analysis, ranking
from search.candidates import Candidates, CaseFacts, StoredCase
from search.documents import CaseDocument
from search.embeddings import DIMENSIONS, query_vector
from search.facets import matches
from search.query_terms import build_query_terms
from search.types import PROVEN, Mode, SearchQuery

logger = logging.getLogger(__name__)

LEXICAL_LIMIT = 1000
WORD_FIELDS = ["title", "summary", "topic_names", "body"]
SEMANTIC_LIMIT = 100
KNN_CANDIDATES = 500
# keyword fields; the fifth facet, "proven", is the boolean field of that name (see _filter_clause, _Meta)
FACET_FIELDS = {"topic": "topics", "size_class": "size_classes", "state": "state", "status": "status"}
_PROVEN = frozenset([PROVEN])
RETRY_AFTER_SECONDS = 30
# The client's limit for a request: searches and single documents answer in milliseconds, and a hanging cluster
# must not hold a page for long (the database answers instead).
REQUEST_TIMEOUT = 5
# Creating an index, switching the alias, deleting an index and bulk loads: Elasticsearch itself waits up to 30 s
# there (for the new primary shard – `wait_for_active_shards`, `timeout` – or for the master, `master_timeout`) and
# then answers. With 5 s the client would report an outage for a request that succeeds. (Synonym updates keep the
# 5 s: an editor waits for them when saving, and a failed push is repeated by `search_index sync`.)
ADMIN_REQUEST_TIMEOUT = 60
# The name of the first version: a fixed one, so that two workers indexing the first cases of a fresh cluster
# at the same moment create the same index (the second is told it exists) instead of two behind one alias.
# Twenty digits like a timestamp: ``index_versions`` finds it, and it sorts before every rebuild.
FIRST_VERSION = "0" * 20
# Elasticsearch's vector index type, stated instead of left to the version's default: int8_hnsw is the default
# from 8.14 on, and from 9.1 on vectors of 384 and more dimensions would silently get bbq_hnsw (another
# quantisation, other scores) at the next rebuild.
VECTOR_INDEX_OPTIONS = {"type": "int8_hnsw"}
META_FIELDS = [
    "slug",
    "title",
    "summary",
    "url",
    "topics",
    "size_classes",
    "state",
    "status",
    "lead_ags",
    "lead_name",
    "lead_population",
    "last_confirmed",
    "adoptions",
    "adoptions_in_operation",
    "proven",
]


def _text(boost_subfield: bool = True) -> Text:
    """Indexed with decompounding; searched without it (exact words) and, in ``.syn``, with synonyms."""
    return Text(
        analyzer="de_index",
        search_analyzer="de_query",
        fields={"syn": Text(analyzer="de_index", search_analyzer="de_search")} if boost_subfield else None,
    )


class CaseIndexDocument(Document):
    slug = Keyword()
    url = Keyword(index=False)
    title = _text()
    summary = _text()
    body = _text()
    topic_names = _text()
    topics = Keyword()
    size_classes = Keyword()
    state = Keyword()
    status = Keyword()
    lead_ags = Keyword()
    lead_name = Keyword()
    lead_population = Integer(index=False)
    last_confirmed = Date()
    adoptions = Integer(index=False)
    adoptions_in_operation = Integer(index=False)
    proven = Boolean()  # the filter „bewährt“ (``CaseDocument.proven``)
    embedding = DenseVector(dims=DIMENSIONS, index=True, similarity="cosine", index_options=VECTOR_INDEX_OPTIONS)


def synonyms_set_name(prefix: str) -> str:
    """The editors' synonym set of the installation with ``prefix``: staging and production on one cluster
    (``ELASTICSEARCH_INDEX_PREFIX`` apart) keep their own synonyms instead of overwriting each other's."""
    return f"{prefix}-synonyms"


def index_settings(synonyms_set: str) -> dict:
    return {"number_of_shards": 1, "number_of_replicas": 0, "analysis": analysis.elasticsearch_analysis(synonyms_set)}


def index_body(synonyms_set: str) -> dict:
    """Settings and mappings of a new index version."""
    return {"settings": index_settings(synonyms_set), "mappings": CaseIndexDocument._doc_type.mapping.to_dict()}


def document_source(document: CaseDocument, vector: np.ndarray) -> dict:
    return {
        "slug": document.slug,
        "url": document.url,
        "title": document.title,
        "summary": document.summary,
        "body": document.body,
        "topic_names": " ".join(document.topic_names),
        "topics": list(document.topics),
        "size_classes": list(document.size_classes),
        "state": document.state,
        "status": document.status,
        "lead_ags": document.lead_ags,
        "lead_name": document.lead_name,
        "lead_population": document.lead_population,
        "last_confirmed": document.last_confirmed.isoformat() if document.last_confirmed else None,
        "adoptions": document.adoptions,
        "adoptions_in_operation": document.adoptions_in_operation,
        "proven": document.proven,
        "embedding": [round(float(x), 6) for x in vector],
    }


def lexical_search(index: str, text: str, expansions: tuple[str, ...] = (), words: Sequence[str] = ()) -> Search:
    """Title > summary/topics > body; exact words, decompounded words, synonyms, typos; phrases boosted.
    For each of ``words`` (as typed), a `global` aggregation counts the documents of the whole index that hold
    it exactly and fuzzily: the statistics of ``ranking.lexical_confidence``, in the same request."""
    fields = ["title^3", "summary^2", "topic_names^2", "body"]
    should = [
        Q("multi_match", query=text, fields=fields, type="best_fields", tie_breaker=0.3),
        Q(
            "multi_match",
            query=text,
            fields=fields,
            analyzer="de_index",
            type="best_fields",
            tie_breaker=0.3,
            boost=0.7,
        ),
        Q(
            "multi_match",
            query=text,
            fields=[f.replace("^", ".syn^") if "^" in f else f + ".syn" for f in fields],
            type="best_fields",
            boost=0.6,
        ),
        Q(
            "multi_match",
            query=text,
            fields=["title^2", "summary", "body"],
            fuzziness="AUTO",
            prefix_length=1,
            boost=0.3,
        ),
        Q("match_phrase", title={"query": text, "boost": 2.0}),
        Q("match_phrase", body={"query": text, "slop": 2, "boost": 1.0}),
    ]
    if expansions:
        should.append(Q("multi_match", query=" ".join(expansions), fields=fields, boost=0.6))
    search = (
        Search(index=index)
        .query(Q("bool", should=should, minimum_should_match=1))
        .source(META_FIELDS)
        .extra(size=LEXICAL_LIMIT, track_total_hits=False)
    )
    if not words:
        return search
    whole_index = search.aggs.bucket("index", "global")  # aggregations are added in place
    for position, word in enumerate(words):
        whole_index.bucket(f"exact_{position}", "filter", Q("multi_match", query=word, fields=WORD_FIELDS))
        whole_index.bucket(
            f"fuzzy_{position}",
            "filter",
            Q("multi_match", query=word, fields=WORD_FIELDS, fuzziness="AUTO", prefix_length=1),
        )
    return search


def word_confidence(aggregations: Mapping, words: Sequence[tuple[str, str]], bridged: Collection[str]) -> float:
    """``ranking.lexical_confidence`` from the aggregations of ``lexical_search`` (``words`` as from
    ``analysis.query_words``); a word the index holds only with a typo counts like one bridged by a synonym."""
    whole_index = aggregations["index"]
    frequencies: dict[str, int] = {}
    reached = set(bridged)
    for position, (_word, term) in enumerate(words):
        frequencies[term] = max(frequencies.get(term, 0), whole_index[f"exact_{position}"]["doc_count"])
        if whole_index[f"fuzzy_{position}"]["doc_count"]:
            reached.add(term)
    return ranking.lexical_confidence([term for _word, term in words], frequencies, whole_index["doc_count"], reached)


def knn_search(index: str, vector: np.ndarray, filters: Mapping[str, tuple[str, ...]] | None = None) -> Search:
    """The nearest cases; with ``filters``, the nearest that pass them (ES filters during the kNN search)."""
    clauses = [_filter_clause(facet, wanted) for facet, wanted in (filters or {}).items() if wanted]
    return (
        Search(index=index)
        .knn(
            field="embedding",
            k=SEMANTIC_LIMIT,
            num_candidates=KNN_CANDIDATES,
            query_vector=[float(x) for x in vector],
            **({"filter": Q("bool", filter=clauses)} if clauses else {}),
        )
        .source(META_FIELDS)
        .extra(size=SEMANTIC_LIMIT)
    )


def _filter_clause(facet: str, wanted: Sequence[str]) -> Q:
    if facet == "proven":  # a boolean field, wanted as ("1",)
        return Q("term", proven={"value": True})
    return Q("terms", **{FACET_FIELDS[facet]: list(wanted)})


def related_search(index: str, page_id: int, size: int = 4) -> Search:
    return (
        Search(index=index)
        .query(
            Q(
                "more_like_this",
                fields=["title", "summary", "body", "topic_names"],
                like=[{"_index": index, "_id": str(page_id)}],
                min_term_freq=1,
                min_doc_freq=1,
                max_query_terms=40,
            )
        )
        .source(["slug", "title", "url", "lead_name"])
        .extra(size=size)
    )


class _Meta:
    """A hit's source and what boosts and facets read of it (``search.candidates.CaseFacts``)."""

    __slots__ = ("by_facet", "source")

    def __init__(self, source: dict) -> None:
        self.source = source
        self.by_facet = {facet: _values(source.get(field)) for facet, field in FACET_FIELDS.items()}
        self.by_facet["proven"] = _PROVEN if source.get("proven") is True else frozenset()

    def values(self, facet: str) -> frozenset[str]:
        return self.by_facet[facet]

    @property
    def last_confirmed(self) -> dt.date | None:
        confirmed = self.source.get("last_confirmed")
        return dt.datetime.fromisoformat(confirmed).date() if confirmed else None

    @property
    def lead_ags(self) -> str:
        return self.source.get("lead_ags", "")


def _values(value) -> frozenset[str]:
    if isinstance(value, list):
        return frozenset(value)
    return frozenset([value]) if value else frozenset()


class ElasticsearchBackend:
    name = "elasticsearch"
    unavailable_errors = (ESConnectionError, TransportError, ApiError)

    def __init__(self, url: str, prefix: str, *, ca_certs: str | None = None) -> None:
        # ca_certs: the CA of a cluster with security on (8.x signs its HTTPS certificate with its own CA);
        # the client refuses TLS options for http:// – config.env checks that at start-up.
        tls = {"ca_certs": ca_certs} if ca_certs else {}
        self.client = Elasticsearch(url, request_timeout=REQUEST_TIMEOUT, max_retries=1, retry_on_timeout=False, **tls)
        self.admin_client = self.client.options(request_timeout=ADMIN_REQUEST_TIMEOUT)  # same connections
        self.alias = f"{prefix}-cases"
        self.prefix = prefix
        # `search_index check` runs with its own prefix, hence its own set: it never touches the editors' synonyms
        self.synonyms_set = synonyms_set_name(prefix)
        self._down_since: float | None = None

    # --- availability -----------------------------------------------------------------------
    def available(self) -> bool:
        if self._down_since is None:
            return True
        if time.monotonic() - self._down_since < RETRY_AFTER_SECONDS:
            return False
        try:
            self.client.info()
        except self.unavailable_errors:
            self._down_since = time.monotonic()
            return False
        logger.warning("Elasticsearch ist wieder erreichbar; die Suche nutzt es wieder.")
        self._down_since = None
        return True

    def mark_unavailable(self, exc: Exception) -> None:
        if self._down_since is None:  # log once per outage, not per request
            logger.error("Elasticsearch nicht erreichbar (%s); Suche läuft eingeschränkt über die Datenbank.", exc)
        self._down_since = time.monotonic()

    # --- writing ------------------------------------------------------------------------------
    def new_index_name(self) -> str:
        return f"{self.alias}-{timezone.now().strftime('%Y%m%d%H%M%S%f')}"

    def create_index(self, name: str) -> None:
        self.ensure_synonyms()
        self.admin_client.indices.create(index=name, **index_body(self.synonyms_set))

    def ensure_index(self) -> None:
        if not self.client.indices.exists_alias(name=self.alias):
            self.ensure_synonyms()
            self.create_first_index()

    def create_first_index(self) -> str:
        """Creates the first version with the alias in the same request and returns its name. Safe when two
        workers do it at once: the name is fixed, so the second is told ``resource_already_exists_exception``
        and has nothing left to do – instead of creating a second index and pointing the alias at both, after
        which every write fails („no write index is defined for alias“)."""
        name = f"{self.alias}-{FIRST_VERSION}"
        try:
            self.admin_client.indices.create(index=name, aliases={self.alias: {}}, **index_body(self.synonyms_set))
        except BadRequestError as exc:
            if _error_type(exc) != "resource_already_exists_exception":
                raise
            # Created by the other worker together with the alias. Only an index that lost its alias by hand
            # still needs it; added only then, so that a rebuild that has already moved on keeps its alias alone.
            if not self.client.indices.exists_alias(name=self.alias):
                self.admin_client.indices.update_aliases(actions=[{"add": {"index": name, "alias": self.alias}}])
        return name

    def index_document(self, document: CaseDocument, vector: np.ndarray) -> None:
        self.ensure_index()
        self.client.index(index=self.alias, id=str(document.page_id), document=document_source(document, vector))

    def delete_document(self, page_id: int) -> None:
        self.client.options(ignore_status=404).delete(index=self.alias, id=str(page_id))

    def bulk_index(self, index: str, items) -> int:
        actions = (
            {"_index": index, "_id": str(doc.page_id), "_source": document_source(doc, vec)} for doc, vec in items
        )
        done, _errors = bulk(self.admin_client, actions, chunk_size=500, raise_on_error=True)
        return done

    def swap_alias(self, new_index: str) -> list[str]:
        """Points the alias at ``new_index`` in one atomic call; returns the old indices."""
        old = (
            list(self.client.indices.get_alias(name=self.alias).keys())
            if self.client.indices.exists_alias(name=self.alias)
            else []
        )
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        actions.append({"add": {"index": new_index, "alias": self.alias}})
        self.admin_client.indices.update_aliases(actions=actions)
        # A worker may have created the first index, with the alias, between the look above and the switch (a
        # rebuild on a fresh cluster while the first cases are published): the alias would then point at two
        # indices and refuse writes. Seen here, it is taken off the other one at once.
        stray = [name for name in self.client.indices.get_alias(name=self.alias) if name != new_index]
        if stray:
            self.admin_client.indices.update_aliases(
                actions=[{"remove": {"index": name, "alias": self.alias}} for name in stray]
            )
        return old + stray

    def index_versions(self) -> dict[str, bool]:
        """This installation's index versions (``<alias>-<timestamp>``, also closed ones and leftovers of an
        aborted rebuild), each with whether the alias points at it. Listing by pattern only reads."""
        found = self.client.indices.get(index=f"{self.alias}-*", features="aliases", expand_wildcards="all")
        version = re.compile(rf"{re.escape(self.alias)}-\d{{20}}")
        return {
            name: self.alias in (info.get("aliases") or {}) for name, info in found.items() if version.fullmatch(name)
        }

    def drop_index_versions(self, older_than: str | None = None) -> list[str]:
        """Deletes our index versions one by one by name – all of them, or those older than ``older_than`` (a
        rebuild started later keeps its index) – and returns their names. Never by pattern or ``_all``:
        Elasticsearch 8 refuses that by default (``action.destructive_requires_name``), and it would reach
        indices that are not ours. Not through the alias either: ES refuses to delete an index by its alias."""
        dropped = []
        for name in sorted(self.index_versions()):
            if older_than is None or name < older_than:  # the timestamped names sort by age
                self.admin_client.options(ignore_status=404).indices.delete(index=name)  # 404: someone was quicker
                dropped.append(name)
        return dropped

    def indexed_ids(self) -> set[int]:
        from elasticsearch.helpers import scan

        if not self.client.indices.exists_alias(name=self.alias):  # a fresh cluster: ES answers a search with 404
            return set()
        return {int(hit["_id"]) for hit in scan(self.client, index=self.alias, query={"_source": False})}

    def synonym_rules(self) -> list[dict]:
        from search.models import SynonymGroup

        return [
            {"id": f"group-{g.pk}", "synonyms": ", ".join(g.term_list)}
            for g in SynonymGroup.objects.all()
            if len(g.term_list) > 1
        ]

    def ensure_synonyms(self) -> None:
        # ES reloads every search analyzer that uses the set when it changes: no index rebuild.
        rules = self.synonym_rules() or [{"id": "placeholder", "synonyms": "baukasten, baukasten"}]
        self.client.synonyms.put_synonym(id=self.synonyms_set, synonyms_set=rules)

    def update_synonyms_safely(self) -> None:
        try:
            self.ensure_synonyms()
        except self.unavailable_errors as exc:
            logger.warning("Synonyme nicht an Elasticsearch übertragen (%s); `search_index sync` holt das nach.", exc)

    # --- reading ------------------------------------------------------------------------------
    def candidates(self, query: SearchQuery) -> Candidates:
        filters = query.filters()
        metas: dict[int, _Meta] = {}
        lexical: dict[int, float] = {}
        semantic: dict[int, float] = {}
        terms = build_query_terms(query.text)
        confidence = 1.0
        if query.mode != Mode.SEMANTIC:
            # word statistics only where they are used: to weigh the lexical side of the hybrid blend
            words = analysis.query_words(query.text) if query.mode == Mode.HYBRID else []
            request = lexical_search(self.alias, query.text, terms.expansions, [word for word, _term in words])
            response = request.using(self.client).execute()
            for hit in response:
                lexical[int(hit.meta.id)] = hit.meta.score
                metas[int(hit.meta.id)] = _Meta(hit.to_dict())
            if words:
                confidence = word_confidence(response.aggregations.to_dict(), words, terms.bridged)
        vector = query_vector(query.text) if query.mode != Mode.LEXICAL else None
        if vector is not None:
            semantic = self._knn(vector, metas, filters)
        filtered = any(filters.values())
        return Candidates(
            terms=terms,
            lexical=lexical,
            semantic=semantic,
            vector=vector,
            confidence=confidence,
            facts=metas,
            vectors_of=self._vectors,
            knn=lambda moved: self._knn(moved, metas, filters),
            within=(lambda doc: doc in metas and matches(metas[doc].values, filters)) if filtered else None,
        )

    def recent(self, today: dt.date) -> tuple[dict[int, float], Mapping[int, CaseFacts]]:
        """The LEXICAL_LIMIT most recently confirmed cases, scored by their position."""
        scores: dict[int, float] = {}
        metas: dict[int, _Meta] = {}
        browse = Search(index=self.alias).source(META_FIELDS).sort("-last_confirmed").extra(size=LEXICAL_LIMIT)
        for position, hit in enumerate(browse.using(self.client).execute()):
            scores[int(hit.meta.id)] = 1.0 / (1 + position)
            metas[int(hit.meta.id)] = _Meta(hit.to_dict())
        return scores, metas

    def stored(self, ids: list[int], facts: Mapping[int, CaseFacts], bodies: bool) -> dict[int, StoredCase]:
        """The fields come with the candidates (``facts``, our ``_Meta``); only the bodies are fetched."""
        texts = {}
        if ids and bodies:
            response = self.client.mget(index=self.alias, ids=[str(i) for i in ids], source=["body"])
            texts = {int(d["_id"]): d.get("_source", {}).get("body", "") for d in response["docs"] if d.get("found")}
        return {doc: StoredCase(doc, facts[doc].source, texts.get(doc, "")) for doc in ids}

    def _knn(
        self, vector: np.ndarray, metas: dict[int, _Meta], filters: Mapping[str, tuple[str, ...]]
    ) -> dict[int, float]:
        """The nearest cases and, with filters, the nearest that pass them (both in one round trip): the
        first for the facets, the second so that a rare Bundesland still gets its hits."""
        requests = MultiSearch(index=self.alias).add(knn_search(self.alias, vector))
        if any(filters.values()):
            requests = requests.add(knn_search(self.alias, vector, filters))
        semantic = {}
        for response in requests.using(self.client).execute():
            for hit in response:
                # ES scores cosine kNN as (1 + cos) / 2; fusion works on the cosine, like the database backend.
                semantic[int(hit.meta.id)] = 2 * hit.meta.score - 1
                metas[int(hit.meta.id)] = _Meta(hit.to_dict())
        return semantic

    def _vectors(self, page_ids: list[int]) -> np.ndarray:
        response = self.client.mget(index=self.alias, ids=[str(i) for i in page_ids], source=["embedding"])
        vectors = [d["_source"]["embedding"] for d in response["docs"] if d.get("found") and d.get("_source")]
        return np.asarray(vectors, dtype=np.float32).reshape(-1, DIMENSIONS)

    def related(self, page_id: int, size: int = 4) -> list[dict]:
        response = related_search(self.alias, page_id, size).using(self.client).execute()
        return [hit.to_dict() for hit in response]

    def count(self) -> int:
        return int(self.client.count(index=self.alias)["count"])


def _error_type(exc: ApiError) -> str | None:
    """The ``error.type`` of an Elasticsearch error answer (e.g. ``resource_already_exists_exception``)."""
    error = exc.body.get("error") if isinstance(exc.body, dict) else None
    return error.get("type") if isinstance(error, dict) else None
