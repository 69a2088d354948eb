"""Every request the Elasticsearch backend sends, checked against Elastic's OpenAPI description of the
Elasticsearch 8.19 REST API (``../shared/elasticsearch/``, rewritten into a strict validator by ``es_spec``).

The backend runs through its public entry points (publishing and the index outbox, ``search_index``
rebuild/status/sync, the search page, the case page, the synonym editor) against ``FakeElasticsearch``,
which stands in for the HTTP connection of the official client: it records method, path, query string and
the body bytes exactly as the client would put them on the wire, and answers minimally so that the backend
goes on to its next request. Its answers are never tuned to the checks: only what we send is judged.

Parts of a body that the API describes only loosely (keys named by the user: mapped fields in ``terms``,
``match_phrase``, sort entries, ``fields`` lists, ``_source``, ``knn.field``; the documents in ``_bulk``
and ``_doc``) are checked against the mapping of the index the same run created.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from fnmatch import fnmatch
from io import StringIO
from urllib.parse import parse_qsl, unquote, urlsplit

import numpy as np
import pytest
from django.core.management import call_command
from elastic_transport import ApiResponseMeta, HttpHeaders, Urllib3HttpNode
from elastic_transport._node import NodeApiResponse

from search.backends import reset_backends
from search.indexing import process_outbox
from search.models import IndexTask, SynonymGroup
from tests.factories.solutions import publish_cases
from tests.search.conftest import CASES as SUITE_CASES
from tests.search.es_spec import SEARCH_BODY, SPEC_FILE, ApiSpec

pytestmark = pytest.mark.django_db

PREFIX = "esapi"
ALIAS = f"{PREFIX}-cases"
SYNONYMS = f"/_synonyms/{PREFIX}-synonyms"  # one set per installation, named after its prefix
FIRST_INDEX = f"{ALIAS}-00000000000000000000"
# Three cases of the behavioural suite: two Länder, several topics and statuses are enough for every request.
CASES = [
    case for case in SUITE_CASES if case["slug"] in ("barleben-strassen", "hemmingen-heizung", "calw-strassenlaterne")
]


@pytest.fixture(scope="session")
def api() -> ApiSpec:
    if not SPEC_FILE.is_file():
        pytest.skip(f"{SPEC_FILE} fehlt: der Test braucht die API-Beschreibung aus ../shared/elasticsearch")
    return ApiSpec(SPEC_FILE)


# --- the stand-in for the engine --------------------------------------------------------------------------------


@dataclass
class Sent:
    method: str
    target: str  # path and query string, as on the wire
    content_type: str
    body: bytes | None
    request_timeout: float | None = None  # the client's limit for this request, in seconds

    @property
    def path(self) -> str:
        return unquote(urlsplit(self.target).path)

    @property
    def params(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query))

    @property
    def json(self):
        return json.loads(self.body) if self.body else None

    @property
    def lines(self) -> list:
        return [json.loads(line) for line in (self.body or b"").decode().splitlines() if line.strip()]

    def __str__(self) -> str:
        return f"{self.method} {self.target}"


@dataclass
class FakeElasticsearch:
    """A node that keeps indices, aliases and documents in memory and answers each API with a minimal,
    well-formed response: searches return the stored documents in indexing order with falling scores."""

    sent: list[Sent] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    indices: dict[str, dict[str, dict]] = field(default_factory=dict)
    aliases: dict[str, set[str]] = field(default_factory=dict)
    mappings: dict[str, dict] = field(default_factory=dict)

    def perform_request(self, node, method, target, body=None, headers=None, request_timeout=None):
        headers = HttpHeaders(headers or {})
        self.sent.append(Sent(method, target, headers.get("content-type", ""), body, request_timeout))
        status, payload = self.answer(self.sent[-1])
        response_headers = HttpHeaders(
            {
                "x-elastic-product": "Elasticsearch",
                "content-type": "application/vnd.elasticsearch+json;compatible-with=8",
            }
        )
        data = b"" if method == "HEAD" or payload is None else json.dumps(payload).encode()
        return NodeApiResponse(ApiResponseMeta(status, "1.1", response_headers, 0.0, node.config), data)

    def documents(self, name: str) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for index in sorted(self.aliases.get(name, {name} if name in self.indices else set())):
            found.update(self.indices[index])
        return found

    def answer(self, sent: Sent) -> tuple[int, dict | None]:
        parts = [p for p in sent.path.split("/") if p]
        method = sent.method
        match parts:
            case []:
                return 200, {"name": "fake", "version": {"number": "8.19.0"}, "tagline": "You Know, for Search"}
            case ["_synonyms", _name] if method == "PUT":
                return 200, {
                    "result": "updated",
                    "reload_analyzers_details": {"_shards": _shards(), "reload_details": []},
                }
            case ["_aliases"] if method == "POST":
                for action in sent.json["actions"]:
                    (kind, spec), *_ = action.items()
                    members = self.aliases.setdefault(spec["alias"], set())
                    (members.add if kind == "add" else members.discard)(spec["index"])
                return 200, {"acknowledged": True}
            case ["_alias", name]:
                indices = sorted(self.aliases.get(name, ()))
                if not indices:
                    return 404, {"error": f"alias [{name}] missing", "status": 404}
                return 200, {index: {"aliases": {name: {}}} for index in indices}
            case ["_bulk"] | [_, "_bulk"]:
                return 200, self.bulk(sent.lines)
            case ["_search", "scroll"]:
                if method == "DELETE":
                    return 200, {"succeeded": True, "num_freed": 1}
                return 200, {"_scroll_id": "scroll-1", **_hits([])}
            case [name, "_doc", doc_id] if method in ("PUT", "POST") and len(self.aliases.get(name, ())) > 1:
                # an alias on two indices without a write index: ES cannot tell where to write
                reason = (
                    f"no write index is defined for alias [{name}]. The write index may be explicitly disabled "
                    "using is_write_index=false or the alias points to multiple indices without one being "
                    "designated as a write index"
                )
                return 400, {
                    "error": {
                        "root_cause": [{"type": "illegal_argument_exception", "reason": reason}],
                        "type": "illegal_argument_exception",
                        "reason": reason,
                    },
                    "status": 400,
                }
            case [name, "_doc", doc_id] if method in ("PUT", "POST"):
                self.store(name, doc_id, sent.json)
                return 201, {"_index": name, "_id": doc_id, "result": "created", "_version": 1, "_shards": _shards()}
            case [name, "_doc", doc_id] if method == "DELETE":
                removed = any(index.pop(doc_id, None) for index in self.indices.values())
                return (200 if removed else 404), {
                    "_index": name,
                    "_id": doc_id,
                    "result": "deleted" if removed else "not_found",
                }
            case [name, "_search"]:
                response = self.search(name, sent.json or {})
                return 200, ({"_scroll_id": "scroll-1", **response} if "scroll" in sent.params else response)
            case [name, "_msearch"]:
                bodies = sent.lines[1::2]
                return 200, {"took": 1, "responses": [{**self.search(name, body), "status": 200} for body in bodies]}
            case [name, "_mget"]:
                documents = self.documents(name)
                wanted = sent.params.get("_source", "").split(",")
                docs = [
                    {"_index": name, "_id": i, "found": i in documents, "_source": _only(documents.get(i, {}), wanted)}
                    for i in sent.json["ids"]
                ]
                return 200, {"docs": docs}
            case [name, "_count"]:
                return 200, {"count": len(self.documents(name)), "_shards": _shards()}
            case [name, "_refresh"]:
                return 200, {"_shards": _shards()}
            case [name] if method == "PUT" and not name.startswith("_") and name in self.indices:
                reason = f"index [{name}/Zk3vQ8uCTx2m0i1pB9c7aA] already exists"
                return 400, {
                    "error": {
                        "root_cause": [{"type": "resource_already_exists_exception", "reason": reason}],
                        "type": "resource_already_exists_exception",
                        "reason": reason,
                        "index_uuid": "Zk3vQ8uCTx2m0i1pB9c7aA",
                        "index": name,
                    },
                    "status": 400,
                }
            case [name] if method == "PUT" and not name.startswith("_"):
                self.indices[name] = {}
                self.mappings[name] = sent.json["mappings"]
                for alias in sent.json.get("aliases", {}):  # created together with the index, in one step
                    self.aliases.setdefault(alias, set()).add(name)
                return 200, {"acknowledged": True, "shards_acknowledged": True, "index": name}
            case [name] if method == "GET" and not name.startswith("_"):
                return 200, {
                    index: {"aliases": {alias: {} for alias, members in self.aliases.items() if index in members}}
                    for index in self.indices
                    if fnmatch(index, name)
                }
            case [name] if method == "DELETE" and ("*" in name or name == "_all"):
                # what Elasticsearch 8 answers by default (action.destructive_requires_name: true)
                return 400, {
                    "error": {
                        "type": "illegal_argument_exception",
                        "reason": "Wildcard expressions or all indices are not allowed",
                    },
                    "status": 400,
                }
            case [name] if method == "DELETE" and not name.startswith("_"):
                self.indices.pop(name, None)
                for members in self.aliases.values():
                    members.discard(name)
                return 200, {"acknowledged": True}
        self.unanswered.append(str(sent))
        return 400, {"error": f"FakeElasticsearch does not know {sent}", "status": 400}

    def store(self, name: str, doc_id: str, source: dict) -> None:
        targets = sorted(self.aliases.get(name, ())) or [name]
        for index in targets:
            self.indices.setdefault(index, {})[doc_id] = source

    def bulk(self, lines: list) -> dict:
        items = []
        for action, source in zip(lines[::2], lines[1::2], strict=True):
            (kind, meta), *_ = action.items()
            self.store(meta["_index"], meta["_id"], source)
            items.append({kind: {"_index": meta["_index"], "_id": meta["_id"], "status": 201, "result": "created"}})
        return {"took": 1, "errors": False, "items": items}

    def search(self, name: str, body: dict) -> dict:
        documents = self.documents(name)
        wanted = body.get("_source", True)
        hits = [
            {"_index": name, "_id": doc_id, "_score": 0.9 - 0.01 * rank, "_source": _only(source, wanted)}
            for rank, (doc_id, source) in enumerate(list(documents.items())[: body.get("size", 10)])
        ]
        response = _hits(hits)
        aggregations = body.get("aggs") or body.get("aggregations")
        if aggregations:
            response["aggregations"] = _single_buckets(aggregations, len(documents))
        return response


def _shards() -> dict:
    return {"total": 1, "successful": 1, "failed": 0}


def _hits(hits: list[dict]) -> dict:
    total = {"value": len(hits), "relation": "eq"}
    return {
        "took": 1,
        "timed_out": False,
        "_shards": _shards(),
        "hits": {"total": total, "max_score": None, "hits": hits},
    }


def _only(source: dict, wanted) -> dict:
    if wanted is True or wanted == [""]:
        return source
    if wanted is False:
        return {}
    return {key: value for key, value in source.items() if key in wanted}


def _single_buckets(aggregations: dict, doc_count: int) -> dict:
    """Every aggregation answered as a single bucket holding every document (the backend asks for `global`
    and `filter` ones)."""
    return {
        name: {"doc_count": doc_count, **_single_buckets(spec.get("aggs") or spec.get("aggregations") or {}, doc_count)}
        for name, spec in aggregations.items()
    }


class HashEmbedder:
    """Stands in for the e5 model (SEARCH_EMBEDDER): the vectors' values never change a body's shape, and the
    model would cost seconds per case here."""

    name = "esapi-test-hash"

    def query(self, text: str) -> np.ndarray:
        return self._vector(f"query: {text}")

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vector(f"passage: {text}") for text in texts])

    @staticmethod
    def _vector(text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
        vector = np.random.default_rng(seed).normal(size=384).astype(np.float32)
        return vector / np.linalg.norm(vector)


def _forget_embeddings() -> None:
    """The embedder and the query vectors are cached per process; nothing of the stand-in may outlive the test."""
    import search.embeddings
    import search.service

    for module in (search.embeddings, search.service):
        for name in ("get_embedder", "query_vector"):
            cached = getattr(module, name, None)
            if hasattr(cached, "cache_clear"):
                cached.cache_clear()


@pytest.fixture
def engine(settings, monkeypatch, fresh_caches):
    fake = FakeElasticsearch()
    monkeypatch.setattr(
        Urllib3HttpNode,
        "perform_request",
        lambda node, method, target, body=None, headers=None, request_timeout=None: fake.perform_request(
            node, method, target, body, headers, request_timeout
        ),
    )
    settings.ELASTICSEARCH_URL = "http://elasticsearch.invalid:9200"
    settings.ELASTICSEARCH_INDEX_PREFIX = PREFIX
    settings.SEARCH_EMBEDDER = f"{__name__}.HashEmbedder"
    reset_backends()
    _forget_embeddings()
    yield fake
    reset_backends()
    _forget_embeddings()


@pytest.fixture
def published(engine, tmp_path, register, index):
    """The cases, published and worked off the outbox into the fake engine."""
    pages = publish_cases(tmp_path, *CASES)
    process_outbox()
    assert not IndexTask.objects.exists(), IndexTask.objects.values_list("last_error", flat=True)
    return {page.slug: page for page in pages}


# --- judging what was sent --------------------------------------------------------------------------------------


def operations(api: ApiSpec, sent: list[Sent]) -> list[str]:
    return [api.operation(s.method, s.path).name for s in sent]


def assert_valid(api: ApiSpec, engine: FakeElasticsearch, sent: list[Sent] | None = None) -> None:
    sent = engine.sent if sent is None else sent
    assert sent, "nothing was sent"
    assert not engine.unanswered, f"requests the fake engine does not know: {engine.unanswered}"
    mapping = engine.mappings and next(iter(engine.mappings.values()))["properties"]
    problems = []
    for request in sent:
        found = api.request_errors(request.method, request.target, request.content_type, request.body)
        if mapping:
            found += field_problems(request, mapping)
        problems += [f"{request}: {problem}" for problem in found]
    assert not problems, "\n".join(problems)


def assert_caught(api: ApiSpec, request: Sent, old: str, new: str) -> None:
    """The same request with one mistake typed into its bytes is reported: the check works on what was sent."""
    assert old.encode() in request.body, f"{old} not in {request}"
    body = request.body.replace(old.encode(), new.encode(), 1)
    assert api.request_errors(request.method, request.target, request.content_type, body), f"{new} passed"


SUBFIELD = re.compile(r"^(?P<field>[a-z_]+)(?:\.(?P<sub>[a-z_]+))?(?:\^[0-9.]+)?$")


def field_problems(request: Sent, mapping: dict) -> list[str]:
    """The parts the API leaves to the user: every field a search names is mapped (with the kind the clause
    needs), and every document holds exactly the mapped fields with values of their types."""
    if request.method == "PUT" and request.path.count("/") == 1 and not request.path.startswith("/_"):
        return analysis_problems(request.json)
    if request.path.endswith("/_bulk"):
        return [
            p
            for _action, source in zip(request.lines[::2], request.lines[1::2], strict=True)
            for p in document_problems(source, mapping)
        ]
    if "/_doc/" in request.path and request.method in ("PUT", "POST"):
        return document_problems(request.json, mapping)
    if request.path.endswith("/_msearch"):
        return [p for body in request.lines[1::2] for p in query_problems(body, mapping)]
    if request.path.endswith("/_search") and request.body:
        return query_problems(request.json, mapping)
    if request.path.endswith("/_mget"):
        return [
            f"_source: {name} is not mapped"
            for name in request.params.get("_source", "").split(",")
            if name not in mapping
        ]
    return []


def _mapped(name: str, mapping: dict, *types: str) -> str | None:
    match = SUBFIELD.match(name)
    if not match or match["field"] not in mapping:
        return f"field {name!r} is not mapped"
    spec = mapping[match["field"]]
    if match["sub"]:
        spec = spec.get("fields", {}).get(match["sub"])
        if spec is None:
            return f"field {name!r}: no sub-field {match['sub']!r}"
    if types and spec["type"] not in types:
        return f"field {name!r} is a {spec['type']}, the clause needs {'/'.join(types)}"
    return None


def query_problems(body, mapping: dict) -> list[str]:
    problems: list[str | None] = []

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        for key, value in node.items():
            if key == "terms":
                for name, values in value.items():
                    if name not in ("boost", "_name"):
                        problems.append(_mapped(name, mapping, "keyword"))
                        if not all(isinstance(v, str) for v in values):
                            problems.append(f"terms {name}: {values!r} are not all strings")
            elif key in ("match_phrase", "match"):
                problems.extend(_mapped(name, mapping, "text", "keyword") for name in value)
            elif key == "term":  # exact value: also of a boolean field („bewährt“)
                for name, wanted in value.items():
                    problems.append(_mapped(name, mapping, "keyword", "boolean"))
                    wanted = wanted.get("value") if isinstance(wanted, dict) else wanted
                    kind = mapping.get(name, {}).get("type")
                    if kind == "boolean" and not isinstance(wanted, bool):
                        problems.append(f"term {name}: {wanted!r} is not true or false")
            elif key in ("multi_match", "more_like_this"):
                problems.extend(_mapped(name, mapping, "text") for name in value.get("fields", []))
                for like in value.get("like", []):
                    if isinstance(like, dict) and not str(like.get("_id", "")).isdigit():
                        problems.append(f"more_like_this: {like!r} names no case")
            elif key == "knn":
                for knn in value if isinstance(value, list) else [value]:
                    problems.append(_mapped(knn["field"], mapping, "dense_vector"))
                    dims = mapping[knn["field"]]["dims"]
                    if len(knn["query_vector"]) != dims:
                        problems.append(f"knn: query_vector has {len(knn['query_vector'])} numbers, the field {dims}")
                    if not knn["k"] <= knn["num_candidates"] <= 10_000:  # Elasticsearch's bounds
                        problems.append("knn: k ≤ num_candidates ≤ 10,000 does not hold")
            elif key == "sort":
                for entry in value if isinstance(value, list) else [value]:
                    for name in [entry] if isinstance(entry, str) else entry:
                        if not name.startswith("_"):
                            problems.append(_mapped(name.lstrip("-"), mapping, "date", "keyword"))
            elif key == "_source" and isinstance(value, list):
                problems.extend(_mapped(name, mapping) for name in value)
            walk(value)

    walk(body)
    return [problem for problem in problems if problem]


# Built-in analysis parts the backend names without defining them (extend when it uses another one).
BUILT_IN = {
    "analyzer": {"standard", "simple", "whitespace", "keyword"},
    "tokenizer": {"standard"},
    "filter": {"lowercase"},
}


def analysis_problems(body: dict) -> list[str]:
    """Every analyzer, tokenizer and filter an index names is defined in its settings (or built in)."""
    analysis = body.get("settings", {}).get("analysis", {})
    defined = {kind: set(analysis.get(kind, {})) | BUILT_IN[kind] for kind in BUILT_IN}
    problems = []
    for name, analyzer in analysis.get("analyzer", {}).items():
        if analyzer.get("tokenizer", "standard") not in defined["tokenizer"]:
            problems.append(f"analyzer {name}: tokenizer {analyzer['tokenizer']!r} is not defined")
        problems += [
            f"analyzer {name}: filter {f!r} is not defined"
            for f in analyzer.get("filter", [])
            if f not in defined["filter"]
        ]
    fields = list(body.get("mappings", {}).get("properties", {}).items())
    while fields:
        name, spec = fields.pop()
        fields += [(f"{name}.{sub}", value) for sub, value in spec.get("fields", {}).items()]
        for key in ("analyzer", "search_analyzer", "search_quote_analyzer"):
            if key in spec and spec[key] not in defined["analyzer"]:
                problems.append(f"mapping {name}: {key} {spec[key]!r} is not defined")
    return problems


def document_problems(source: dict, mapping: dict) -> list[str]:
    problems = [f"document: {name!r} is not mapped" for name in source if name not in mapping]
    problems += [f"document: {name!r} is missing" for name in mapping if name not in source]
    for name, value in source.items():
        kind = mapping.get(name, {}).get("type")
        values = value if isinstance(value, list) and kind == "keyword" else [value]
        if kind in ("keyword", "text") and not all(isinstance(v, str) for v in values):
            problems.append(f"document: {name}={value!r} is not a string (or list of strings)")
        elif kind == "boolean" and not isinstance(value, bool):
            problems.append(f"document: {name}={value!r} is not true or false")
        elif kind == "integer" and value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            problems.append(f"document: {name}={value!r} is not a whole number")
        elif kind == "date" and value is not None and not _iso_date(value):
            problems.append(f"document: {name}={value!r} is not a date")
        elif kind == "dense_vector" and (
            len(value) != mapping[name]["dims"] or not all(isinstance(v, float) for v in value)
        ):
            problems.append(f"document: {name} is not {mapping[name]['dims']} numbers")
    return problems


def _iso_date(value) -> bool:
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


# --- the backend's requests, by entry point ---------------------------------------------------------------------


def test_publishing_creates_synonyms_index_alias_and_documents(api, engine, published):
    names = operations(api, engine.sent)
    # the first document finds no alias and sets up the synonyms and the first index together with its alias (one
    # request: two workers at once cannot leave the alias on two indices); each document asks for the alias first
    assert names == [
        "indices-exists-alias",
        "synonyms-put-synonym",
        "indices-create",
        "index",
        *["indices-exists-alias", "index"] * (len(CASES) - 1),
    ]
    synonyms, create = engine.sent[1], engine.sent[2]
    assert synonyms.path == SYNONYMS == "/_synonyms/esapi-synonyms"
    assert create.path == f"/{FIRST_INDEX}"
    assert create.json["aliases"] == {ALIAS: {}}
    assert create.json["settings"]["analysis"]["filter"]["de_synonyms"]["synonyms_set"] == "esapi-synonyms"
    assert create.json["mappings"]["properties"]["embedding"]["index_options"] == {"type": "int8_hnsw"}
    assert_valid(api, engine)
    assert_caught(api, create, '"similarity":"cosine"', '"similarity":"cosinus"')
    assert_caught(api, create, '"index_options":{"type":"int8_hnsw"}', '"index_options":{"type":"int8_hnws"}')
    assert_caught(api, create, '"index_options":{"type":"int8_hnsw"}', '"index_option":{"type":"int8_hnsw"}')
    assert_caught(api, create, '"updateable":true', '"updateable":"true"')
    assert_caught(api, create, '"number_of_replicas":0', '"number_of_replica":0')
    assert_caught(api, create, '"search_analyzer":"de_query"', '"search_analyser":"de_query"')
    assert_caught(api, create, '"aliases":{"esapi-cases":{}}', '"aliases":["esapi-cases"]')
    assert_caught(api, synonyms, '"synonyms":"', '"synonym":"')


def test_slow_requests_get_a_longer_timeout_than_searches(api, engine, published, client):
    """Creating an index, switching the alias, deleting and bulk loads may take as long as Elasticsearch's own 30 s
    waits (primary shard, master); the client must not give up after 5 s. Synonym updates, which an editor waits
    for when saving, and searches keep 5 s."""
    first = {str(s): s.request_timeout for s in engine.sent}
    assert first[f"PUT /{FIRST_INDEX}"] == 60
    assert first[f"PUT {SYNONYMS}"] == 5
    engine.sent.clear()
    call_command("search_index", "rebuild", stdout=StringIO(), stderr=StringIO(), verbosity=0)
    slow = {"indices-create", "bulk-1", "indices-update-aliases", "indices-delete"}
    timeouts = {name: s.request_timeout for name, s in zip(operations(api, engine.sent), engine.sent, strict=True)}
    assert {name for name, seconds in timeouts.items() if seconds == 60} == slow, timeouts
    assert {seconds for name, seconds in timeouts.items() if name not in slow} == {5}
    engine.sent.clear()
    client.get("/suche/", {"q": "Heizkosten im Rathaus senken", "mode": "hybrid"})
    assert {s.request_timeout for s in engine.sent} == {5}  # a hanging cluster must not hold the page


def test_unpublishing_deletes_the_document(api, engine, published):
    engine.sent.clear()
    published["calw-strassenlaterne"].unpublish()
    process_outbox()
    assert operations(api, engine.sent) == ["delete"]
    assert engine.sent[0].path == f"/{ALIAS}/_doc/{published['calw-strassenlaterne'].pk}"
    assert_valid(api, engine)


def test_rebuild_fills_a_new_index_and_switches_the_alias(api, engine, published):
    old_index = next(iter(engine.indices))
    engine.sent.clear()
    call_command("search_index", "rebuild", stdout=StringIO(), stderr=StringIO(), verbosity=0)
    assert operations(api, engine.sent) == [
        "synonyms-put-synonym",
        "indices-create",
        "bulk-1",
        "indices-exists-alias",
        "indices-get-alias-1",
        "indices-update-aliases",
        "indices-get-alias-1",  # nothing else behind the alias now (a worker's first index would be taken off)
        "indices-get",
        "indices-delete",
    ]
    bulk = engine.sent[2]
    assert "ndjson" in bulk.content_type and len(bulk.lines) == 2 * len(CASES)
    switch = engine.sent[5].json["actions"]
    assert [next(iter(action)) for action in switch] == ["remove", "add"]
    assert engine.sent[8].path == f"/{old_index}"  # listed by pattern, deleted by name
    assert_valid(api, engine)
    assert_caught(api, bulk, '{"index":{"_id":', '{"index":{"id":')
    assert_caught(api, engine.sent[5], '{"remove":', '{"delete":')


def test_status_and_sync_read_the_index_and_push_the_synonyms(api, engine, published):
    engine.sent.clear()
    call_command("search_index", "status", stdout=StringIO())
    call_command("search_index", "sync", stdout=StringIO())
    names = operations(api, engine.sent)
    assert names.count("search-3") == 2 and names.count("scroll-1") == 2, names  # the scan of each command
    assert "synonyms-put-synonym" in names
    assert_valid(api, engine)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        pytest.param({"q": "Heizkosten im Rathaus senken", "mode": "lexical"}, ["search-3", "mget-3"], id="lexical"),
        pytest.param(
            {"q": "Heizkosten im Rathaus senken", "mode": "hybrid"},
            ["search-3", "msearch-3", "mget-3", "msearch-3", "mget-3"],
            id="hybrid-with-feedback",
        ),
        pytest.param(
            {"q": "Laternen auf LED umstellen", "mode": "semantic", "state": "08", "topic": "energie-klimaschutz"},
            ["msearch-3", "mget-3", "mget-3"],
            id="semantic-filtered",
        ),
        pytest.param({"status": "pilot"}, ["search-3"], id="browse-without-words"),
        pytest.param(
            {"q": "Laternen auf LED umstellen", "mode": "semantic", "proven": "1"},
            ["msearch-3"],  # none of the cases is proven: no hits to read
            id="semantic-proven",
        ),
        pytest.param({"proven": "1"}, ["search-3"], id="browse-proven"),
    ],
)
def test_search_requests(api, engine, published, client, params, expected):
    engine.sent.clear()
    response = client.get("/suche/", params)
    assert response.status_code == 200
    names = operations(api, engine.sent)
    assert sorted(set(names)) == sorted(set(expected)), names
    assert_valid(api, engine)


def test_hybrid_search_sends_word_statistics_and_knn(api, engine, published, client):
    engine.sent.clear()
    client.get("/suche/", {"q": "Heizkosten im Rathaus senken", "mode": "hybrid"})
    lexical = next(s for s in engine.sent if s.path == f"/{ALIAS}/_search")
    assert set(lexical.json["aggs"]["index"]["aggs"]) >= {"exact_0", "fuzzy_0"}
    msearch = next(s for s in engine.sent if s.path.endswith("/_msearch"))
    header, body = msearch.lines[:2]
    assert header == {"index": [ALIAS]} and body["knn"]["field"] == "embedding"
    assert_caught(api, lexical, '"tie_breaker":0.3', '"tiebreaker":0.3')
    assert_caught(api, lexical, '"global":{}', '"global":[]')
    assert_caught(api, msearch, '"num_candidates":500', '"num_candidates":"500"')
    assert_caught(api, msearch, '{"index":["', '{"indices":["')


def test_filtered_semantic_search_sends_both_knn_searches_in_one_msearch(api, engine, published, client):
    engine.sent.clear()
    client.get("/suche/", {"q": "Laternen auf LED umstellen", "mode": "semantic", "state": "08"})
    lines = next(s for s in engine.sent if s.path.endswith("/_msearch")).lines
    assert len(lines) == 4
    assert "filter" not in lines[1]["knn"]
    assert lines[3]["knn"]["filter"] == {"bool": {"filter": [{"terms": {"state": ["08"]}}]}}


def test_proven_filters_the_knn_search_on_the_boolean_field(api, engine, published, client):
    engine.sent.clear()
    client.get("/suche/", {"q": "Laternen auf LED umstellen", "mode": "semantic", "proven": "1", "state": "08"})
    lines = next(s for s in engine.sent if s.path.endswith("/_msearch")).lines
    assert lines[3]["knn"]["filter"] == {
        "bool": {"filter": [{"terms": {"state": ["08"]}}, {"term": {"proven": {"value": True}}}]}
    }
    assert_valid(api, engine)
    msearch = next(s for s in engine.sent if s.path.endswith("/_msearch"))
    assert_caught(api, msearch, '{"term":{"proven":{"value":true}}}', '{"term":{"proven":{"values":true}}}')


def test_case_page_asks_for_related_cases(api, engine, published, client):
    page = published["calw-strassenlaterne"]
    engine.sent.clear()
    assert client.get(page.url).status_code == 200
    names = operations(api, engine.sent)
    assert names == ["search-3"]
    assert engine.sent[0].json["query"]["more_like_this"]["like"] == [{"_index": ALIAS, "_id": str(page.pk)}]
    assert_valid(api, engine)
    assert_caught(api, engine.sent[0], '"min_doc_freq":1', '"min_docfreq":1')


def test_editing_synonyms_puts_the_synonym_set(api, engine, published):
    engine.sent.clear()
    group = SynonymGroup.objects.create(terms="Azubi, Auszubildende, Nachwuchs")
    assert [str(s) for s in engine.sent] == [f"PUT {SYNONYMS}"]
    rules = engine.sent[0].json["synonyms_set"]
    assert {"id": f"group-{group.pk}", "synonyms": "Azubi, Auszubildende, Nachwuchs"} in rules
    assert_valid(api, engine)


# --- the checks catch what they are meant to catch ----------------------------------------------------------------

CREATE = "#/paths/~1{index}/put/requestBody/content/application~1json/schema"
ALIASES = "#/paths/~1_aliases/post/requestBody/content/application~1json/schema"
SYNONYM_SET = "#/paths/~1_synonyms~1{id}/put/requestBody/content/application~1json/schema"
MSEARCH_HEADER = "#/components/schemas/_global.msearch.MultisearchHeader"
MSEARCH_BODY = "#/components/schemas/_global.msearch.MultisearchBody"
BULK_ACTION = "#/components/schemas/_global.bulk.OperationContainer"

VECTOR = [0.05] * 384
# Bodies of the shapes the backend sends (see the tests above), each one valid as written.
VALID = {
    "create": (
        CREATE,
        {
            "settings": {
                "number_of_shards": 1,
                "number_of_replicas": 0,
                "analysis": {
                    "filter": {
                        "de_synonyms": {"type": "synonym_graph", "synonyms_set": "s", "updateable": True},
                        "de_stemmer": {"type": "stemmer", "language": "light_german"},
                        "de_decompounder": {"type": "dictionary_decompounder", "word_list": ["amt"]},
                    },
                    "analyzer": {"de_index": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]}},
                },
            },
            "mappings": {
                "properties": {
                    "title": {"type": "text", "analyzer": "de_index", "fields": {"syn": {"type": "text"}}},
                    "topics": {"type": "keyword"},
                    "embedding": {
                        "type": "dense_vector",
                        "dims": 384,
                        "index": True,
                        "similarity": "cosine",
                        "index_options": {"type": "int8_hnsw"},
                    },
                }
            },
            "aliases": {"a": {}},
        },
    ),
    "aliases": (
        ALIASES,
        {"actions": [{"remove": {"index": "a-1", "alias": "a"}}, {"add": {"index": "a-2", "alias": "a"}}]},
    ),
    "synonyms": (SYNONYM_SET, {"synonyms_set": [{"id": "group-1", "synonyms": "Azubi, Nachwuchs"}]}),
    "bulk-action": (BULK_ACTION, {"index": {"_index": "a-2", "_id": "7"}}),
    "msearch-header": (MSEARCH_HEADER, {}),
    "knn": (
        MSEARCH_BODY,
        {
            "knn": {
                "field": "embedding",
                "k": 100,
                "num_candidates": 500,
                "query_vector": VECTOR,
                "filter": {"bool": {"filter": [{"terms": {"state": ["08"]}}]}},
            },
            "_source": ["slug", "title"],
            "size": 100,
        },
    ),
    "lexical": (
        SEARCH_BODY,
        {
            "query": {
                "bool": {
                    "should": [
                        {
                            "multi_match": {
                                "query": "x",
                                "fields": ["title^3"],
                                "type": "best_fields",
                                "tie_breaker": 0.3,
                            }
                        },
                        {"multi_match": {"query": "x", "fields": ["title^2"], "fuzziness": "AUTO", "prefix_length": 1}},
                        {"match_phrase": {"body": {"query": "x", "slop": 2, "boost": 1.0}}},
                    ],
                    "minimum_should_match": 1,
                }
            },
            "aggs": {
                "index": {
                    "global": {},
                    "aggs": {"exact_0": {"filter": {"multi_match": {"query": "x", "fields": ["body"]}}}},
                }
            },
            "_source": ["slug"],
            "size": 1000,
            "track_total_hits": False,
        },
    ),
    "browse": (SEARCH_BODY, {"sort": [{"last_confirmed": {"order": "desc"}}], "_source": ["slug"], "size": 1000}),
    "more-like-this": (
        SEARCH_BODY,
        {
            "query": {
                "more_like_this": {
                    "fields": ["title", "body"],
                    "like": [{"_index": "a", "_id": "7"}],
                    "min_term_freq": 1,
                    "min_doc_freq": 1,
                    "max_query_terms": 40,
                }
            },
            "size": 4,
        },
    ),
}


def _set(body: dict, path: str, value) -> dict:
    """A copy of ``body`` with the value at ``path`` (dots; list positions as numbers) replaced, or – when the
    last step is ``+name`` – with the key renamed to ``name``."""
    body = json.loads(json.dumps(body))
    *steps, last = path.split(".")
    node = body
    for step in steps:
        node = node[int(step)] if isinstance(node, list) else node[step]
    if last.startswith("+"):
        old, new = last[1:].split(">")
        node[new] = node.pop(old)
    else:
        node[int(last) if isinstance(node, list) else last] = value
    return body


@pytest.mark.parametrize("name", VALID)
def test_the_valid_shapes_pass(api, name):
    pointer, body = VALID[name]
    assert api.errors(body, pointer) == []


MISTAKES = [
    ("knn", "knn.+field>fieldd", None, "'fieldd' was unexpected"),
    ("knn", "knn.num_candidates", "x", "'x' is not of type 'number'"),
    ("knn", "knn.filter.bool.filter.0.terms.state", "08", "'08' is not of type 'array'"),
    ("knn", "knn.+query_vector>vector", None, "'vector' was unexpected"),
    ("knn", "_source.0", 7, "7 is not of type 'string'"),
    ("lexical", "query.bool.should.0.multi_match.+type>typ", None, "'typ' was unexpected"),
    ("lexical", "query.bool.should.0.multi_match.type", "best_field", "'best_field' is not one of"),
    ("lexical", "query.bool.should.1.multi_match.prefix_length", "1", "'1' is not of type 'number'"),
    ("lexical", "query.bool.should.2.match_phrase.body.+slop>slope", None, "'slope' was unexpected"),
    ("lexical", "query.bool.+should>shoud", None, "'shoud' was unexpected"),
    ("lexical", "aggs.index.+global>globl", None, "'globl' was unexpected"),
    ("lexical", "aggs.index.aggs.exact_0.filter.+multi_match>multimatch", None, "'multimatch' was unexpected"),
    ("lexical", "track_total_hits", "no", "'no' is not of type"),
    ("browse", "sort.0.last_confirmed.order", "down", "'down' is not one of"),
    ("browse", "sort.0.last_confirmed.+order>ordr", None, "'ordr' was unexpected"),
    ("more-like-this", "query.more_like_this.min_term_freq", "one", "'one' is not of type 'number'"),
    ("more-like-this", "query.more_like_this.like.0.+_id>id", None, "'id' was unexpected"),
    ("create", "settings.+number_of_shards>number_of_shard", None, "'number_of_shard' was unexpected"),
    ("create", "settings.analysis.filter.de_synonyms.type", "synonym_grph", "'synonym_grph' is not one of"),
    ("create", "settings.analysis.filter.de_synonyms.+synonyms_set>synonym_set", None, "'synonym_set' was unexpected"),
    ("create", "settings.analysis.filter.de_synonyms.updateable", "yes", "'yes' is not of type 'boolean'"),
    ("create", "settings.analysis.filter.de_decompounder.word_list", "amt", "'amt' is not of type 'array'"),
    ("create", "settings.analysis.analyzer.de_index.+tokenizer>tokeniser", None, "'tokeniser' was unexpected"),
    ("create", "mappings.properties.topics.type", "keywrd", "'keywrd' is not one of"),
    ("create", "mappings.properties.embedding.dims", "384", "'384' is not of type 'number'"),
    ("create", "mappings.properties.embedding.similarity", "cosinus", "'cosinus' is not one of"),
    ("create", "mappings.properties.embedding.index_options.type", "int8", "'int8' is not one of"),
    ("create", "mappings.properties.embedding.index_options.+type>kind", None, "'type' is a required property"),
    ("create", "aliases.a", "is_write_index", "'is_write_index' is not of type 'object'"),
    ("create", "mappings.properties.title.+analyzer>analyser", None, "'analyser' was unexpected"),
    ("aliases", "actions.1.+add>ad", None, "'ad' was unexpected"),
    ("aliases", "actions.0.remove.+alias>alais", None, "'alais' was unexpected"),
    ("synonyms", "synonyms_set.0.+synonyms>synonym", None, "'synonym' was unexpected"),
    ("bulk-action", "index.+_id>id", None, "'id' was unexpected"),
    ("msearch-header", "indx", "a", "'indx' was unexpected"),
]


@pytest.mark.parametrize(
    ("name", "path", "value", "complaint"), MISTAKES, ids=[f"{name}:{path}" for name, path, _v, _c in MISTAKES]
)
def test_a_wrong_field_name_or_type_is_reported(api, name, path, value, complaint):
    pointer, body = VALID[name]
    errors = api.errors(_set(body, path, value), pointer)
    assert any(complaint in error for error in errors), errors


def test_wrong_requests_are_reported_at_the_http_level(api):
    json_type = "application/vnd.elasticsearch+json; compatible-with=8"
    ndjson = "application/vnd.elasticsearch+x-ndjson; compatible-with=8"
    assert api.request_errors("POST", "/a/_search?scroll=5m&size=10", json_type, b'{"size": 1}') == []
    assert api.request_errors("POST", "/a/_search?scrol=5m", json_type, None) == [
        "query parameter 'scrol' is not one of search-3's"
    ]
    assert api.request_errors("PATCH", "/a/_search", json_type, None) == [
        "PATCH is not an operation of /{index}/_search"
    ]
    assert api.request_errors("PUT", SYNONYMS, json_type, None) == ["synonyms-put-synonym needs a request body"]
    assert api.request_errors("HEAD", "/_alias/a", json_type, b"{}") == ["indices-exists-alias takes no request body"]
    good_bulk = b'{"index": {"_index": "a", "_id": "1"}}\n{"slug": "x"}\n'
    assert api.request_errors("POST", "/_bulk", ndjson, good_bulk) == []
    bad_bulk = b'{"index": {"_index": "a", "_idd": "1"}}\n{"slug": "x"}\n{"index": {"_index": "a"}}\n'
    assert api.request_errors("POST", "/_bulk", ndjson, bad_bulk) == [
        "line 1 (action): $.index: Additional properties are not allowed ('_idd' was unexpected)",
        "line 3 (index): the source line is missing",
    ]
    bad_msearch = b'{}\n{"knn": {"field": "embedding", "k": "10", "num_candidates": 50, "query_vector": [0.1]}}\n'
    assert api.request_errors("POST", "/a/_msearch", ndjson, bad_msearch) == [
        "line 2 (body): $.knn.k: '10' is not of type 'number'"
    ]


def test_loose_containers_are_checked_against_the_mapping():
    mapping = {
        "title": {"type": "text", "fields": {"syn": {"type": "text"}}},
        "topics": {"type": "keyword"},
        "last_confirmed": {"type": "date"},
        "embedding": {"type": "dense_vector", "dims": 3},
    }
    body = {
        "query": {
            "bool": {"should": [{"multi_match": {"query": "x", "fields": ["title.syn^3", "titel", "title.sny"]}}]}
        },
        "knn": {"field": "embedding", "k": 5, "num_candidates": 4, "query_vector": [0.1, 0.2]},
        "sort": [{"topic": {"order": "desc"}}],
        "_source": ["title", "url"],
    }
    body["query"]["bool"]["filter"] = [{"terms": {"title": ["a"]}}]
    assert query_problems(body, mapping) == [
        "field 'titel' is not mapped",
        "field 'title.sny': no sub-field 'sny'",
        "field 'title' is a text, the clause needs keyword",
        "knn: query_vector has 2 numbers, the field 3",
        "knn: k ≤ num_candidates ≤ 10,000 does not hold",
        "field 'topic' is not mapped",
        "field 'url' is not mapped",
    ]
    create = {
        "settings": {"analysis": {"analyzer": {"de": {"tokenizer": "standard", "filter": ["lowercase", "de_stopp"]}}}},
        "mappings": {
            "properties": {
                "title": {"type": "text", "analyzer": "de", "fields": {"syn": {"search_analyzer": "de_syn"}}}
            }
        },
    }
    assert analysis_problems(create) == [
        "analyzer de: filter 'de_stopp' is not defined",
        "mapping title.syn: search_analyzer 'de_syn' is not defined",
    ]
    document = {"title": "x", "topics": "a", "last_confirmed": "02.01.2026", "embedding": [0.1, 0.2, 0.3], "slug": "x"}
    assert document_problems(document, mapping) == [
        "document: 'slug' is not mapped",
        "document: last_confirmed='02.01.2026' is not a date",
    ]
