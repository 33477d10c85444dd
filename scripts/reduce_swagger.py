#!/usr/bin/env python3
"""Reduce Argo CD's swagger.json to the definitions the sandbox contract tests validate against.

Usage: python scripts/reduce_swagger.py SWAGGER_JSON [OUTPUT_JSON]
(default output: tests/data/argocd-swagger-definitions.json)

Keeps the definitions reachable from the response types of the endpoints the sandbox
serves. Each keeps only `type`, `format`, `properties`, `items`, `additionalProperties`,
`$ref` and `allOf`, so descriptions and titles are dropped. It also records the response
schema of each endpoint, and applies two corrections where the published swagger of Argo CD
3.6 differs from the JSON its REST gateway sends (Go's encoder flattens embedded structs):

- `v1alpha1SyncStrategyHook`: on the wire `{"force": true}`, not
  `{"syncStrategyApply": {"force": true}}`.
- `v1alpha1ResourceNode`: `group/version/kind/namespace/name/uid` of the embedded
  `ResourceRef` sit at the top level of each node.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

KEPT_KEYS = ("type", "format", "properties", "items", "additionalProperties", "$ref", "allOf")

ENDPOINTS = (
    "GET /api/v1/applications",
    "GET /api/v1/applications/{name}",
    "POST /api/v1/applications/{name}/sync",
    "DELETE /api/v1/applications/{name}/operation",
    "GET /api/v1/stream/applications",
    "GET /api/v1/applications/{applicationName}/resource-tree",
    "GET /api/v1/applications/{applicationName}/managed-resources",
    "GET /api/v1/applications/{name}/events",
    "GET /api/v1/applications/{name}/logs",
    "GET /api/version",
    "GET /api/v1/session/userinfo",
    "POST /api/v1/session",
)

EXTRA_ROOTS = ("runtimeError", "runtimeStreamError", "applicationApplicationSyncRequest")

CORRECTIONS = [
    {
        "definition": "v1alpha1SyncStrategyHook",
        "change": "flatten the embedded v1alpha1SyncStrategyApply (property syncStrategyApply)",
    },
    {
        "definition": "v1alpha1ResourceNode",
        "change": "flatten the embedded v1alpha1ResourceRef (allOf) into the node's properties",
    },
]


def strip(schema: Any) -> Any:
    """Return the schema with only the keys that describe shape and type."""
    if isinstance(schema, list):
        return [strip(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    shape = {}
    for key in KEPT_KEYS:
        if key not in schema:
            continue
        value = schema[key]
        if key == "properties":
            shape[key] = {name: strip(prop) for name, prop in value.items()}
        else:
            shape[key] = strip(value)
    return shape


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def referenced(schema: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref":
                names.add(ref_name(value))
            else:
                names |= referenced(value)
    elif isinstance(schema, list):
        for item in schema:
            names |= referenced(item)
    return names


def response_schema(swagger: dict[str, Any], route: str) -> dict[str, Any]:
    method, path = route.split(" ", 1)
    return swagger["paths"][path][method.lower()]["responses"]["200"]["schema"]


def closure(definitions: dict[str, Any], roots: set[str]) -> dict[str, Any]:
    """Collect every definition reachable from `roots`."""
    reachable: dict[str, Any] = {}
    pending = sorted(roots)
    while pending:
        name = pending.pop()
        if name in reachable:
            continue
        reachable[name] = strip(definitions[name])
        pending.extend(sorted(referenced(reachable[name]) - set(reachable)))
    return reachable


def flatten_embedded(definitions: dict[str, Any], name: str, embedded: str) -> None:
    """Merge the properties of `embedded` into `name`, removing the nesting."""
    target = definitions[name]
    merged = dict(definitions[embedded].get("properties", {}))
    own = {key: value for key, value in target.get("properties", {}).items() if ref_name(value.get("$ref", "")) != embedded}
    merged.update(own)
    target["properties"] = dict(sorted(merged.items()))
    target.pop("allOf", None)


def reduce(swagger: dict[str, Any]) -> dict[str, Any]:
    responses = {route: strip(response_schema(swagger, route)) for route in ENDPOINTS}
    roots = set(EXTRA_ROOTS)
    for schema in responses.values():
        roots |= referenced(schema)

    definitions = closure(swagger["definitions"], roots)
    flatten_embedded(definitions, "v1alpha1SyncStrategyHook", "v1alpha1SyncStrategyApply")
    flatten_embedded(definitions, "v1alpha1ResourceNode", "v1alpha1ResourceRef")
    return {
        "source": f"Argo CD swagger.json ({len(swagger['paths'])} paths), reduced by scripts/reduce_swagger.py",
        "corrections": CORRECTIONS,
        "responses": responses,
        "definitions": dict(sorted(definitions.items())),
    }


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    swagger = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    output = Path(argv[2]) if len(argv) == 3 else Path(__file__).resolve().parent.parent / "tests/data/argocd-swagger-definitions.json"
    reduced = reduce(swagger)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(reduced, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"wrote {len(reduced['definitions'])} definitions and {len(reduced['responses'])} responses to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
