"""A strict validator of JSON values against Swagger 2.0 definitions.

Strict because the sandbox must send only what Argo CD's Go types can produce: a property
the definition does not list is an error, and so is `null` (Go's encoder omits nil
pointers and empty `omitempty` fields). Objects without `properties` are free-form maps.
Timestamps (`format: date-time`) must be RFC 3339 with one-second precision, as Kubernetes
`metav1.Time` is written.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

DEFINITIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "argocd-swagger-definitions.json"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@cache
def load_reduced_swagger() -> dict[str, Any]:
    return json.loads(DEFINITIONS_FILE.read_text(encoding="utf-8"))


class SwaggerValidator:
    def __init__(self, definitions: dict[str, Any]) -> None:
        self._definitions = definitions

    def errors(self, value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
        """Every mismatch between `value` and `schema`, each with its JSON path."""
        if "$ref" in schema:
            return self.errors(value, self._resolve(schema["$ref"]), path)
        if value is None:
            return [f"{path}: null, but Go's encoder omits empty values"]

        kind = schema.get("type", "object" if "properties" in schema or "allOf" in schema else None)
        checker = {
            "object": self._object_errors,
            "array": self._array_errors,
            "string": self._string_errors,
            "integer": self._integer_errors,
            "number": self._number_errors,
            "boolean": self._boolean_errors,
        }.get(kind)
        if checker is None:
            return []
        return checker(value, schema, path)

    def _resolve(self, ref: str) -> dict[str, Any]:
        return self._definitions[ref.rsplit("/", 1)[-1]]

    def _properties(self, schema: dict[str, Any]) -> dict[str, Any]:
        properties = dict(schema.get("properties", {}))
        for part in schema.get("allOf", []):
            resolved = self._resolve(part["$ref"]) if "$ref" in part else part
            properties.update(self._properties(resolved))
        return properties

    def _object_errors(self, value: Any, schema: dict[str, Any], path: str) -> list[str]:
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        properties = self._properties(schema)
        extra = schema.get("additionalProperties")
        if not properties and extra is None:
            return []

        errors = []
        for key, item in value.items():
            if key in properties:
                errors.extend(self.errors(item, properties[key], f"{path}.{key}"))
            elif isinstance(extra, dict):
                errors.extend(self.errors(item, extra, f"{path}.{key}"))
            else:
                errors.append(f"{path}.{key}: not a property of this type")
        return errors

    def _array_errors(self, value: Any, schema: dict[str, Any], path: str) -> list[str]:
        if not isinstance(value, list):
            return [f"{path}: expected an array, got {type(value).__name__}"]
        items = schema.get("items", {})
        errors = []
        for index, item in enumerate(value):
            errors.extend(self.errors(item, items, f"{path}[{index}]"))
        return errors

    def _string_errors(self, value: Any, schema: dict[str, Any], path: str) -> list[str]:
        if not isinstance(value, str):
            return [f"{path}: expected a string, got {type(value).__name__}"]
        form = schema.get("format")
        if form == "date-time" and not TIMESTAMP.match(value):
            return [f"{path}: {value!r} is not an RFC 3339 timestamp with second precision"]
        if form == "int64" and not re.fullmatch(r"-?\d+", value):
            return [f"{path}: {value!r} is not an int64 in a string"]
        if form == "byte":
            try:
                base64.b64decode(value, validate=True)
            except binascii.Error:
                return [f"{path}: {value!r} is not base64"]
        return []

    def _integer_errors(self, value: Any, schema: dict[str, Any], path: str) -> list[str]:
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{path}: expected an integer, got {type(value).__name__}"]
        return []

    def _number_errors(self, value: Any, schema: dict[str, Any], path: str) -> list[str]:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [f"{path}: expected a number, got {type(value).__name__}"]
        return []

    def _boolean_errors(self, value: Any, schema: dict[str, Any], path: str) -> list[str]:
        if not isinstance(value, bool):
            return [f"{path}: expected a boolean, got {type(value).__name__}"]
        return []


def validator() -> SwaggerValidator:
    return SwaggerValidator(load_reduced_swagger()["definitions"])


def response_errors(route: str, body: Any) -> list[str]:
    """List mismatches between a response of `route` ("METHOD /path/template") and swagger."""
    schema = load_reduced_swagger()["responses"][route]
    return validator().errors(body, schema)


def definition_errors(name: str, body: Any) -> list[str]:
    return validator().errors(body, {"$ref": f"#/definitions/{name}"})
