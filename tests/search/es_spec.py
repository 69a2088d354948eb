"""Elastic's OpenAPI description of the Elasticsearch 8.19 REST API (``../shared/elasticsearch/``), made into a
validator for the requests the Elasticsearch backend sends.

The file is generated from Elastic's TypeScript specification and leaves some things to the reader; read
as it is, it would pass nearly anything. ``ApiSpec`` therefore rewrites it once before use:

- **closed objects**: an object schema that lists ``properties`` and declares no ``additionalProperties``
  rejects other keys (the file never says ``additionalProperties: false``; Elasticsearch does reject
  unknown fields). Class inheritance (``allOf: [base, {own properties}]``) is merged into one object
  first, so that a subclass may use the fields of its base; a "one variant of" container inside such an
  inheritance (``minProperties = maxProperties = 1``, e.g. the aggregation kinds) becomes
  "exactly one of these keys";
- **unions**: ``oneOf`` is read as ``anyOf`` (a TypeScript union ``A | B`` does not demand that a
  value fits only one side, e.g. ``string | string-or-null``); a union with a ``discriminator``
  picks its variant by the tag (``type`` of an analyzer, a token filter or a mapped field);
  ``nullable`` (OpenAPI 3.0) becomes the JSON Schema type ``null``;
- **what the serverless flavour leaves out** (see the README next to the file), put back from the
  TypeScript sources of the same branch: the stack-only index settings, key aliases, the list form of
  ``_source``, and the containers keyed by user field names (``terms``, sort entries), whose values
  get their schema from the TypeScript class (``TermsQueryField``, ``FieldSort``); containers the backend
  does not use stay open.

Validation is ``jsonschema`` (Draft 2020-12) with a ``referencing`` registry holding the rewritten
document, so every ``$ref`` resolves into its ``components``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_FILE = (
    Path(__file__).resolve().parents[3] / "shared" / "elasticsearch" / "elasticsearch-serverless-openapi-8.19.json"
)
BASE_URI = "urn:elasticsearch-8.19-openapi"
SCHEMAS = "#/components/schemas/"

# --- what the serverless flavour leaves out, from specification/ at the README's commit -------------------------

# Properties that are stack-only (`@availability stack`, not serverless): indices/_types/IndexSettings.ts
# `number_of_shards?: integer | string`, `number_of_replicas?: integer | string`.
STACK_ONLY_PROPERTIES = {
    "indices._types.IndexSettings": {
        "number_of_shards": {"type": ["integer", "string"]},
        "number_of_replicas": {"type": ["integer", "string"]},
    },
}

# `@aliases` of properties: (schema, alias, official name). The search request body is inline in
# components.requestBodies, hence its pointer.
SEARCH_BODY = "#/components/requestBodies/search/content/application~1json/schema"
KEY_ALIASES = [
    (SEARCH_BODY, "aggs", "aggregations"),  # _global/search/SearchRequest.ts
    (SCHEMAS + "_global.msearch.MultisearchBody", "aggs", "aggregations"),  # _global/msearch/types.ts
    (SCHEMAS + "_types.aggregations.AggregationContainer", "aggs", "aggregations"),  # AggregationContainer.ts
    (SCHEMAS + "_types.aggregations.AggregationContainer", "frequent_items", "frequent_item_sets"),
    (SCHEMAS + "_global.search._types.SourceFilter", "include", "includes"),  # SourceFilter.ts
    (SCHEMAS + "_global.search._types.SourceFilter", "exclude", "excludes"),
]

# Classes that `implements AdditionalProperty<Field, V>` / `AdditionalProperties<K, V>`: besides their own
# properties they take keys named by the user (a field name), whose value is V. The generator drops V, so
# the file describes them as closed objects with only their own properties. Values we can state (from the
# TypeScript class of V) are given here; the rest stay open (keys unchecked) – the backend sends none of them.
FIELD_KEYED_CONTAINERS = {
    "_types.query_dsl.TermsQuery": {"$ref": SCHEMAS + "_types.query_dsl.TermsQueryField"},  # query_dsl/term.ts
    "_types.SortOptions": {"$ref": SCHEMAS + "_types.FieldSort"},  # _types/sort.ts
    "_types.query_dsl.GeoBoundingBoxQuery": True,
    "_types.query_dsl.GeoDistanceQuery": True,
    "_types.query_dsl.GeoPolygonQuery": True,
    "_types.query_dsl.GeoShapeQuery": True,
    "_types.query_dsl.ShapeQuery": True,
    "_types.query_dsl.DecayFunctionBase": True,
    "_types.query_dsl.DecayFunctionBaseDateMathDuration": True,
    "_types.query_dsl.DecayFunctionBasedoubledouble": True,
    "_types.query_dsl.DecayFunctionBaseGeoLocationDistance": True,
    "_types.GeoDistanceSort": True,
    "_global.search._types.Suggester": True,
}
# `indices._types.IndexSettings` also implements AdditionalProperties<string, UserDefinedValue> in the
# TypeScript; it stays closed here on purpose: Elasticsearch refuses a setting it does not know
# ("unknown setting [index.number_of_shard]"), and a misspelt setting is exactly what this should catch.

# The value classes of those containers, which the file leaves out (query_dsl/term.ts, _types/sort.ts).
EXTRA_SCHEMAS = {
    "_types.query_dsl.TermsLookup": {
        "type": "object",
        "properties": {
            "index": {"$ref": SCHEMAS + "_types.IndexName"},
            "id": {"$ref": SCHEMAS + "_types.Id"},
            "path": {"$ref": SCHEMAS + "_types.Field"},
            "routing": {"$ref": SCHEMAS + "_types.Routing"},
        },
        "required": ["index", "id", "path"],
    },
    # `type TermsQueryField = FieldValue[] | TermsLookup`
    "_types.query_dsl.TermsQueryField": {
        "oneOf": [
            {"type": "array", "items": {"$ref": SCHEMAS + "_types.FieldValue"}},
            {"$ref": SCHEMAS + "_types.query_dsl.TermsLookup"},
        ]
    },
    # `@shortcut_property order` `class FieldSort { missing?, mode?, nested?, order?, unmapped_type?,
    # numeric_type?, format? }`
    "_types.FieldSort": {
        "oneOf": [
            {"$ref": SCHEMAS + "_types.SortOrder"},
            {
                "type": "object",
                "properties": {
                    "missing": {"$ref": SCHEMAS + "_types.aggregations.Missing"},
                    "mode": {"$ref": SCHEMAS + "_types.SortMode"},
                    "nested": {"$ref": SCHEMAS + "_types.NestedSortValue"},
                    "order": {"$ref": SCHEMAS + "_types.SortOrder"},
                    "unmapped_type": {"type": "string"},
                    "numeric_type": {"type": "string", "enum": ["long", "double", "date", "date_nanos"]},
                    "format": {"type": "string"},
                },
            },
        ]
    },
}

# Empty TypeScript classes come out as `{"type": "object"}`, which reads as "any keys"; this one says it is empty.
EMPTY_CLASSES = ["_types.EmptyObject"]

# `_source: ["a", "b"]` is short for `{"includes": ["a", "b"]}` (_global/search/_types/SourceFilter.ts:
# `@shortcut_property includes`); the union SourceConfig = boolean | SourceFilter cannot say so.
SHORTHANDS = {
    "_global.search._types.SourceConfig": {"type": "array", "items": {"$ref": SCHEMAS + "_types.Field"}},
}


def _pointer(pointer: str) -> list[str]:
    assert pointer.startswith("#/"), pointer
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[2:].split("/")]


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


class _Rewriter:
    """Rewrites the schemas of the document in place, in the order the module docstring gives."""

    def __init__(self, document: dict) -> None:
        self.document = document
        self.schemas: dict = document["components"]["schemas"]
        self.done: set[str] = set()
        self.unmerged: list[dict] = []

    def at(self, pointer: str) -> dict:
        node = self.document
        for part in _pointer(pointer):
            node = node[part]
        return node

    def body_schemas(self) -> Iterator[dict]:
        for body in self.document["components"]["requestBodies"].values():
            for media in body.get("content", {}).values():
                yield media["schema"]
        for item in self.document["paths"].values():
            for operation in item.values():
                if isinstance(operation, dict) and "content" in operation.get("requestBody", {}):
                    for media in operation["requestBody"]["content"].values():
                        yield media["schema"]
        for parameter in self.document["components"]["parameters"].values():
            yield parameter["schema"]
        for item in self.document["paths"].values():
            for operation in item.values():
                for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                    if "schema" in parameter:
                        yield parameter["schema"]

    def run(self) -> None:
        self.schemas.update(json.loads(json.dumps(EXTRA_SCHEMAS)))
        self.put_back_what_serverless_leaves_out()
        for name in list(self.schemas):
            self.component(name)
        for schema in self.body_schemas():
            self.normalise(schema)
        for name in self.schemas:
            self.close(self.schemas[name])
        for schema in self.body_schemas():
            self.close(schema)
        assert not self.unmerged, f"allOf that could not be merged: {self.unmerged[:3]}"

    def put_back_what_serverless_leaves_out(self) -> None:
        for name, extra in STACK_ONLY_PROPERTIES.items():
            self.holder(self.schemas[name], None)["properties"].update(extra)
        for pointer, alias, official in KEY_ALIASES:
            holder = self.holder(self.at(pointer), official)
            holder["properties"][alias] = holder["properties"][official]
        for name, value in FIELD_KEYED_CONTAINERS.items():
            self.holder(self.schemas[name], None)["additionalProperties"] = value
        for name, shorthand in SHORTHANDS.items():
            self.schemas[name]["oneOf"].append(shorthand)
        for name in EMPTY_CLASSES:
            self.schemas[name]["properties"] = {}

    def holder(self, schema: dict, prop: str | None) -> dict:
        """The object (the schema or one of its inline ``allOf`` parts) that holds ``prop`` – or, without
        ``prop``, the class's own properties (the last inline part)."""
        if "properties" in schema and (prop is None or prop in schema["properties"]):
            return schema
        for part in reversed(schema.get("allOf", [])):
            if "$ref" not in part and (prop is None or prop in part.get("properties", {})):
                part.setdefault("properties", {})
                return part
        raise KeyError(prop)

    # --- phase 1: one object per class, plain unions ------------------------------------------------------
    def component(self, name: str) -> dict:
        if name not in self.done:
            self.done.add(name)  # inheritance has no cycles; property references are not followed here
            self.schemas[name] = self.normalise(self.schemas[name])
        return self.schemas[name]

    def normalise(self, node):
        if not isinstance(node, dict) or "$ref" in node:
            return node
        for key in ("properties", "patternProperties"):
            if isinstance(node.get(key), dict):
                node[key] = {name: self.normalise(value) for name, value in node[key].items()}
        for key in ("items", "additionalProperties", "not"):
            if isinstance(node.get(key), dict):
                node[key] = self.normalise(node[key])
        if "oneOf" in node:
            assert "anyOf" not in node
            node["anyOf"] = node.pop("oneOf")
        for key in ("allOf", "anyOf"):
            if key in node:
                node[key] = [self.normalise(part) for part in node[key]]
        if node.pop("nullable", False):
            if "type" in node:
                node["type"] = [node["type"], "null"]
            else:
                node = {"anyOf": [{"type": "null"}, node]}
        if "allOf" in node and (len(node["allOf"]) > 1 or "properties" in node):
            node = self.merged(node)
        if "discriminator" in node:
            node = self.discriminated(node)
        return node

    def part(self, part: dict) -> dict:
        """An ``allOf`` part as an object: references followed, one-part wrappers unwrapped."""
        while True:
            if "$ref" in part:
                ref = part["$ref"]
                assert ref.startswith(SCHEMAS), ref
                part = self.component(ref[len(SCHEMAS) :])
            elif "allOf" in part and len(part["allOf"]) == 1 and "properties" not in part:
                part = part["allOf"][0]
            else:
                return part

    @staticmethod
    def object_like(part: dict) -> bool:
        return part.get("type", "object") == "object" and not {"allOf", "anyOf", "oneOf", "not", "if"} & set(part)

    def merged(self, node: dict) -> dict:
        own_keys = ("type", "properties", "required", "additionalProperties", "minProperties", "maxProperties")
        own = {key: node.pop(key) for key in (*own_keys, "x-exactly-one") if key in node}
        parts = [self.part(part) for part in node["allOf"]] + ([own] if own else [])
        if not all(self.object_like(part) for part in parts):
            node.update(own)
            self.unmerged.append(node)
            return node
        del node["allOf"]
        properties: dict = {}
        required: list[str] = []
        exactly_one: list[list[str]] = []
        for part in parts:
            properties.update(part.get("properties", {}))
            required += [name for name in part.get("required", []) if name not in required]
            exactly_one += part.get("x-exactly-one", [])
            if "minProperties" in part or "maxProperties" in part:
                assert part.get("minProperties") == part.get("maxProperties") == 1, part
                exactly_one.append(sorted(part["properties"]))
            if "additionalProperties" in part:
                node["additionalProperties"] = part["additionalProperties"]
        node.update(type="object", properties=properties)
        if required:
            node["required"] = required
        if exactly_one:
            node["x-exactly-one"] = exactly_one
        return node

    @staticmethod
    def discriminated(node: dict) -> dict:
        """``oneOf`` + ``discriminator`` → the variant named by the tag; without a tag, any variant."""
        tag = node.pop("discriminator")
        name = tag["propertyName"]
        variants = node.pop("anyOf")
        mapping = {value: ref for value, ref in tag["mapping"].items() if not value.startswith("{")}
        rules = [
            {"if": {"properties": {name: {"const": value}}, "required": [name]}, "then": {"$ref": ref}}
            for value, ref in mapping.items()
        ]
        rules.append(
            {
                "if": {"required": [name]},
                "then": {"properties": {name: {"enum": list(mapping)}}},
                "else": {"anyOf": variants},
            }
        )
        node["allOf"] = node.get("allOf", []) + rules
        return node

    # --- phase 2: closed objects ---------------------------------------------------------------------------
    def close(self, node) -> None:
        if not isinstance(node, dict) or "$ref" in node:
            return
        for key in ("properties", "patternProperties"):
            if isinstance(node.get(key), dict):
                for value in node[key].values():
                    self.close(value)
        for key in ("items", "additionalProperties", "not"):
            self.close(node.get(key))
        for key in ("allOf", "anyOf"):
            for part in node.get(key, []):
                self.close(part)
        if "x-exactly-one" in node:
            node.setdefault("allOf", []).extend(
                {"oneOf": [{"required": [key]} for key in group]} for group in node.pop("x-exactly-one")
            )
        if "properties" in node and "additionalProperties" not in node and "patternProperties" not in node:
            node["additionalProperties"] = False


@dataclass(frozen=True)
class Operation:
    method: str
    template: str  # the path as the spec writes it, e.g. "/{index}/_search"
    definition: dict
    pointer: str  # JSON pointer of the definition inside the document

    @property
    def name(self) -> str:
        return self.definition.get("operationId", f"{self.method} {self.template}")


class ApiSpec:
    def __init__(self, path: Path = SPEC_FILE) -> None:
        self.document = json.loads(path.read_text(encoding="utf-8"))
        rewriter = _Rewriter(self.document)
        rewriter.run()
        self._at = rewriter.at
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(BASE_URI, resource)
        self._validators: dict[str, Draft202012Validator] = {}

    # --- finding things ---------------------------------------------------------------------------------------
    def operation(self, method: str, path: str) -> Operation:
        """The operation Elasticsearch routes ``method path`` to: literal path segments win over placeholders."""
        segments = [unquote(s) for s in path.strip("/").split("/")] if path.strip("/") else []
        best = None
        for template in self.document["paths"]:
            parts = template.strip("/").split("/") if template.strip("/") else []
            if len(parts) != len(segments):
                continue
            if all(p.startswith("{") or p == s for p, s in zip(parts, segments, strict=True)):
                rank = tuple(not p.startswith("{") for p in parts)
                if best is None or rank > best[0]:
                    best = (rank, template)
        if best is None:
            raise LookupError(f"no path of the API matches {path}")
        template = best[1]
        definition = self.document["paths"][template].get(method.lower())
        if definition is None:
            raise LookupError(f"{method} is not an operation of {template}")
        return Operation(method.upper(), template, definition, f"#/paths/{_escape(template)}/{method.lower()}")

    def resolved(self, node: dict) -> dict:
        while "$ref" in node:
            node = self._at(node["$ref"])
        return node

    def body_pointer(self, operation: Operation) -> str | None:
        """JSON pointer of the ``application/json`` request-body schema of ``operation`` (None: it takes none)."""
        body = operation.definition.get("requestBody")
        if body is None:
            return None
        pointer = body.get("$ref", f"{operation.pointer}/requestBody")
        return f"{pointer}/content/application~1json/schema"

    def body_required(self, operation: Operation) -> bool:
        body = operation.definition.get("requestBody")
        return bool(body) and bool(self.resolved(body).get("required"))

    def query_parameters(self, operation: Operation) -> dict[str, str]:
        """name → JSON pointer of the schema of each query parameter of ``operation``."""
        found = {}
        for index, parameter in enumerate(operation.definition.get("parameters", [])):
            pointer = parameter.get("$ref", f"{operation.pointer}/parameters/{index}")
            parameter = self.resolved(parameter)
            if parameter["in"] == "query":
                found[parameter["name"]] = f"{pointer}/schema"
        return found

    # --- validating -------------------------------------------------------------------------------------------
    def validator(self, pointer: str) -> Draft202012Validator:
        if pointer not in self._validators:
            self._validators[pointer] = Draft202012Validator({"$ref": BASE_URI + pointer}, registry=self.registry)
        return self._validators[pointer]

    def errors(self, instance, pointer: str) -> list[str]:
        """Every way ``instance`` breaks the schema at ``pointer``, each as "<where>: <what>" (for a union,
        the reason of the variant that came closest)."""
        return [
            f"{leaf.json_path}: {leaf.message[:300]}"
            for error in self.validator(pointer).iter_errors(instance)
            for leaf in _leaves(error)
        ]

    @cached_property
    def ndjson_roles(self) -> dict[str, dict[str, str]]:
        """Schemas of the lines of the two NDJSON bodies, taken from the alternatives of their item schema."""
        bulk = self.resolved(self._at("#/components/requestBodies/bulk"))["content"]["application/json"]["schema"]
        msearch = self.resolved(self._at("#/components/schemas/_global.msearch.RequestItem"))
        action, update, _document = bulk["items"]["anyOf"]
        header, body = msearch["anyOf"]
        assert action["$ref"].endswith("_global.bulk.OperationContainer"), action
        assert update["$ref"].endswith("_global.bulk.UpdateAction"), update
        assert header["$ref"].endswith("MultisearchHeader") and body["$ref"].endswith("MultisearchBody")
        return {
            "bulk": {"action": action["$ref"], "update": update["$ref"]},
            "msearch": {"header": header["$ref"], "body": body["$ref"]},
        }

    def request_errors(self, method: str, target: str, content_type: str, body: bytes | None) -> list[str]:
        """What is wrong with one HTTP request as the client sent it (``target`` = path and query string)."""
        url = urlsplit(target)
        try:
            operation = self.operation(method, url.path)
        except LookupError as exc:
            return [str(exc)]
        problems = []
        parameters = self.query_parameters(operation)
        for name, value in parse_qsl(url.query, keep_blank_values=True):
            if name not in parameters:
                problems.append(f"query parameter {name!r} is not one of {operation.name}'s")
            elif self.errors(value, parameters[name]) and self.errors(_scalar(value), parameters[name]):
                problems += [f"?{name}={value}: {e}" for e in self.errors(_scalar(value), parameters[name])]
        pointer = self.body_pointer(operation)
        if not body:
            if self.body_required(operation):
                problems.append(f"{operation.name} needs a request body")
            return problems
        if pointer is None:
            return [*problems, f"{operation.name} takes no request body"]
        if "ndjson" in content_type:
            problems += self.ndjson_errors(operation, body)
        else:
            problems += self.errors(json.loads(body), pointer)
        return problems

    def ndjson_errors(self, operation: Operation, body: bytes) -> list[str]:
        lines = [json.loads(line) for line in body.decode("utf-8").splitlines() if line.strip()]
        problems = []
        if operation.name.startswith("msearch"):
            roles = self.ndjson_roles["msearch"]
            if len(lines) % 2:
                problems.append("_msearch: a header line without its body line")
            for number, line in enumerate(lines, 1):
                role = "header" if number % 2 else "body"
                problems += [f"line {number} ({role}): {e}" for e in self.errors(line, roles[role])]
            return problems
        if operation.name.startswith("bulk"):
            roles = self.ndjson_roles["bulk"]
            number = 0
            while number < len(lines):
                action = lines[number]
                problems += [f"line {number + 1} (action): {e}" for e in self.errors(action, roles["action"])]
                kind = next(iter(action), None) if isinstance(action, dict) and len(action) == 1 else None
                number += 1
                if kind == "delete":
                    continue
                if number >= len(lines):
                    problems.append(f"line {number} ({kind}): the source line is missing")
                    break
                if kind == "update":
                    problems += [
                        f"line {number + 1} (update): {e}" for e in self.errors(lines[number], roles["update"])
                    ]
                elif not isinstance(lines[number], dict):
                    problems.append(f"line {number + 1} (document): not a JSON object")
                number += 1
            return problems
        return [f"{operation.name} takes no NDJSON body"]


def _scalar(value: str):
    """A query-string value as the JSON scalar it stands for ("true" → True, "5" → 5); else the string."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The errors behind ``error``: for a union, those of the variant that fits the value's kind and got
    furthest into it."""
    if not error.context:
        return [error]
    branches: dict = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [
        errors
        for errors in branches.values()
        if not any(e.validator in ("type", "const", "enum") and not e.relative_path for e in errors)
    ]
    errors = max(fitting or branches.values(), key=lambda errors: max(len(e.path) for e in errors))
    return [leaf for sub in errors for leaf in _leaves(sub)]
