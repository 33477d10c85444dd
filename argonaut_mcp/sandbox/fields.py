"""Server-side `fields` trimming of list and watch responses.

Argo CD honours `fields=items.metadata.name,items.status.health,...` on the application list
(the web UI lists this way), though swagger does not describe it. Only the paths below are
honoured; any other path is silently ignored, so `reconciledAt`, `conditions` and
`operationState.message` cannot be requested.
"""

from __future__ import annotations

from typing import Any

ALLOWED_APP_PATHS = frozenset(
    {
        "metadata.name",
        "metadata.namespace",
        "metadata.labels",
        "metadata.annotations",
        "metadata.creationTimestamp",
        "metadata.deletionTimestamp",
        "spec",
        "spec.project",
        "spec.source",
        "spec.sources",
        "spec.destination",
        "spec.syncPolicy",
        "status.sync.status",
        "status.sync.revision",
        "status.health",
        "status.summary",
        "status.resources",
        "status.operationState.phase",
        "status.operationState.startedAt",
        "status.operationState.finishedAt",
        "operation.sync",
    }
)


def parse_fields(raw: list[str]) -> list[str]:
    """Split the repeated or comma-separated `fields` values into paths."""
    return [path.strip() for value in raw for path in value.split(",") if path.strip()]


def app_paths(requested: list[str], prefix: str) -> list[str]:
    """Return the allowed application paths among `requested`, with `prefix` removed."""
    paths = []
    for path in requested:
        if path.startswith(prefix) and path[len(prefix):] in ALLOWED_APP_PATHS:
            paths.append(path[len(prefix):])
    return paths


def trim(source: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    """Return a new dict with only the values at the dotted `paths`, keeping their nesting."""
    result: dict[str, Any] = {}
    for path in paths:
        keys = path.split(".")
        value: Any = source
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                break
            value = value[key]
        else:
            target = result
            for key in keys[:-1]:
                target = target.setdefault(key, {})
            target[keys[-1]] = value
    return result
