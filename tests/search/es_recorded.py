"""A cluster answering as Elasticsearch 8.19 answers, for the tests of ``search_index check`` and of the
clean-up by name. No engine can run here: the answers are written by hand in the shape Elastic documents (and
the OpenAPI description in ``../shared/elasticsearch/`` holds), and they say what a working cluster returns for
the check's documents. What is judged is what we send and what we make of the answers.

It stands in for the HTTP connection of the official client (as ``FakeElasticsearch`` of
``test_es_api_spec`` does, whose in-memory indices, aliases and documents it extends) and refuses what a
default Elasticsearch 8 refuses: a DELETE by pattern or ``_all`` (``action.destructive_requires_name``),
deleting a synonym set an index still uses, and a search on an index or alias that does not exist (404).
Every request to another address fails like a refused connection – that is the check's simulated outage.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import TlsError

from tests.search.test_es_api_spec import FakeElasticsearch, Sent, _hits, _only, _single_buckets

URL = "http://elasticsearch.invalid:9200"

# `_analyze` as Elasticsearch 8.19 answers it for the check's samples (GermanNormalizationFilter,
# DictionaryCompoundWordTokenFilter with our word list, stop, light_german), written out by hand.
ANALYZE_ANSWERS = {
    ("de_index", "Straßenzustandserfassung"): ["strassenzustandserfassung", "strass", "zustand", "stand", "erfassung"],
    ("de_query", "Straßenzustandserfassung"): ["strassenzustandserfassung"],
    ("de_index", "Schlaglöcher"): ["schlagloch", "schlag", "schlagloch", "loch"],
    ("de_query", "Schlaglöcher"): ["schlagloch"],
    ("de_index", "Bürgerbeteiligung"): ["burgerbeteiligung", "burg", "burg", "erb", "beteiligung", "teil"],
    ("de_query", "Bürgerbeteiligung"): ["burgerbeteiligung"],
    ("de_index", "Heizungsoptimierung im Rathaus"): [
        *["heizungsoptimierung", "heiz", "heizung", "optimierung"],
        *["rathaus", "rat", "rathaus", "haus"],
    ],
    ("de_query", "Heizungsoptimierung im Rathaus"): ["heizungsoptimierung", "rathaus"],
}


@dataclass
class RecordedCluster(FakeElasticsearch):
    version: str = "8.19.3"
    analyze_answers: dict = field(default_factory=lambda: dict(ANALYZE_ANSWERS))
    synonym_sets: dict[str, list[dict]] = field(default_factory=dict)
    set_of_index: dict[str, str] = field(default_factory=dict)
    # what a search returns, by the kind of query: ids in rank order (only stored documents are returned)
    knn_ids: list[str] = field(default_factory=lambda: ["9000001", "9000002", "9000004", "9000003", "9000005"])
    filtered_knn_ids: list[str] = field(default_factory=lambda: ["9000004", "9000003"])
    similar_ids: list[str] = field(default_factory=lambda: ["9000002", "9000003"])
    failures: dict[str, tuple[int, dict]] = field(default_factory=dict)  # "[METHOD ]/path-start" -> answer
    # answers given once each, in turn, before the cluster answers from its state again: what a request saw a
    # moment earlier, e.g. a worker that looked for the alias just before another one created it
    once: dict[str, list[tuple[int, dict | None]]] = field(default_factory=dict)
    url: str = URL  # the address it answers at (scheme, host, port – never the credentials)
    tls_failure: str | None = None  # the handshake fails, as with a certificate of an unknown CA
    ca_certs_used: set = field(default_factory=set)  # the CA files the client's connections were set up with

    def perform_request(self, node, method, target, body=None, headers=None, request_timeout=None):
        self.ca_certs_used.add(node.config.ca_certs)
        if node.base_url != self.url:
            self.sent.append(Sent(method, target, "", body))
            raise TransportConnectionError("Connection refused (the check's simulated outage)")
        if self.tls_failure:
            self.sent.append(Sent(method, target, "", body))
            raise TlsError(self.tls_failure)
        return super().perform_request(node, method, target, body, headers, request_timeout)

    def answer(self, sent: Sent) -> tuple[int, dict | None]:
        for start, answers in self.once.items():
            if answers and f"{sent.method} {sent.path}".startswith(start):
                return answers.pop(0)
        for start, failure in self.failures.items():
            if f"{sent.method} {sent.path}".startswith(start) or sent.path.startswith(start):
                return failure
        parts = [p for p in sent.path.split("/") if p]
        match parts:
            case []:
                return 200, {
                    "name": "es01",
                    "cluster_name": "docker-cluster",
                    "version": {"number": self.version, "lucene_version": "9.12.2"},
                    "tagline": "You Know, for Search",
                }
            case ["_synonyms", name] if sent.method == "PUT":
                result = "updated" if name in self.synonym_sets else "created"
                self.synonym_sets[name] = sent.json["synonyms_set"]
                return 200, {"result": result, "reload_analyzers_details": {"_shards": _shards(), "reload_details": []}}
            case ["_synonyms", name] if sent.method == "DELETE":
                if name not in self.synonym_sets:
                    return 404, _error(404, "resource_not_found_exception", f"synonyms set [{name}] not found")
                users = [index for index, used in self.set_of_index.items() if used == name and index in self.indices]
                if users:
                    reason = f"synonyms set [{name}] cannot be deleted as it is used by indices: {users}"
                    return 400, _error(400, "illegal_argument_exception", reason)
                del self.synonym_sets[name]
                return 200, {"acknowledged": True}
            case [_index, "_analyze"]:
                request = sent.json
                tokens = self.analyze_answers[(request["analyzer"], request["text"])]
                return 200, {
                    "tokens": [
                        {"token": token, "start_offset": 0, "end_offset": 0, "type": "<ALPHANUM>", "position": n}
                        for n, token in enumerate(tokens)
                    ]
                }
            case [name, "_search"] if name not in self.indices and not self.aliases.get(name):
                return 404, _error(404, "index_not_found_exception", f"no such index [{name}]")
            case [name] if sent.method == "PUT" and not name.startswith("_"):
                synonyms = sent.json["settings"]["analysis"]["filter"]["de_synonyms"]["synonyms_set"]
                self.set_of_index[name] = synonyms
        return super().answer(sent)

    def search(self, name: str, body: dict) -> dict:
        documents = self.documents(name)
        wanted = body.get("_source", True)
        ids = [i for i in self.ranked(body) if i in documents][: body.get("size", 10)]
        hits = [
            {"_index": name, "_id": i, "_score": round(0.9 - 0.1 * rank, 2), "_source": _only(documents[i], wanted)}
            for rank, i in enumerate(ids)
        ]
        response = _hits(hits)
        if body.get("aggs"):
            response["aggregations"] = _single_buckets(body["aggs"], len(documents))
        return response

    def ranked(self, body: dict) -> list[str]:
        if "knn" in body:
            return self.filtered_knn_ids if "filter" in body["knn"] else self.knn_ids
        query = body.get("query", {})
        if "more_like_this" in query:
            return self.similar_ids
        text = query["bool"]["should"][0]["multi_match"]["query"]
        rules = json.dumps(list(self.synonym_sets.values()), ensure_ascii=False)
        return {
            "Schlagloch": ["9000003"],
            "Heizungsoptimierung": ["9000005"],
            "Partizipation": ["9000004"] if "Partizipation, Bürgerbeteiligung" in rules else [],
        }.get(text, [])


def _shards() -> dict:
    return {"total": 1, "successful": 1, "failed": 0}


def _error(status: int, kind: str, reason: str) -> dict:
    return {
        "error": {"root_cause": [{"type": kind, "reason": reason}], "type": kind, "reason": reason},
        "status": status,
    }


def destructive_patterns(sent: list[Sent]) -> list[str]:
    """Every DELETE that names indices by pattern or ``_all`` (refused by a default Elasticsearch 8)."""
    return [
        str(request)
        for request in sent
        if request.method == "DELETE" and ("*" in request.path or "_all" in request.path.split("/"))
    ]
