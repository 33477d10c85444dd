"""Application endpoints: list, get, sync and terminate, responding as Argo CD 3.6 does."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from .controller import SyncRequest
from .errors import ApiError
from .fields import app_paths, parse_fields, trim
from .http import find_app, json_response, read_json_body
from .selectors import parse_selector
from .store import App

if TYPE_CHECKING:
    from .sandbox import Sandbox


def app_filter(
    *,
    name: str | None = None,
    projects: list[str] | None = None,
    selector: str | None = None,
    repo: str | None = None,
    app_namespace: str | None = None,
    min_version: int = 0,
) -> Callable[[App], bool]:
    """Build the list and watch filter. `min_version` drops apps below that resourceVersion."""
    label_match = parse_selector(selector) if selector else None
    requested_projects = set(projects or [])

    def matches(app: App) -> bool:
        metadata = app["metadata"]
        spec = app.get("spec", {})
        if name and metadata["name"] != name:
            return False
        if app_namespace and metadata.get("namespace") != app_namespace:
            return False
        if requested_projects and spec.get("project") not in requested_projects:
            return False
        if repo and repo not in _repo_urls(spec):
            return False
        if label_match and not label_match(metadata.get("labels", {})):
            return False
        return int(metadata.get("resourceVersion", "0")) >= min_version

    return matches


def _repo_urls(spec: dict[str, Any]) -> set[str]:
    sources = [spec.get("source") or {}] + list(spec.get("sources") or [])
    return {source.get("repoURL", "") for source in sources}


def projects_param(request: Request) -> list[str]:
    """Return the `projects` values (repeatable) plus those of its alias `project`."""
    return request.query_params.getlist("projects") + request.query_params.getlist("project")


class ApplicationEndpoints:
    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    async def list(self, request: Request) -> Response:
        query = request.query_params
        matches = app_filter(
            name=query.get("name"),
            projects=projects_param(request),
            selector=query.get("selector"),
            repo=query.get("repo"),
            app_namespace=query.get("appNamespace"),
        )
        store = self._sandbox.store
        items = [app for app in store.apps() if matches(app)]

        requested = parse_fields(query.getlist("fields"))
        if requested:
            paths = app_paths(requested, "items.")
            items = [trim(app, paths) for app in items]
        return json_response({"metadata": {"resourceVersion": str(store.resource_version)}, "items": items})

    async def get(self, request: Request) -> Response:
        query = request.query_params
        key, _ = find_app(self._sandbox, request.path_params["name"], query.get("appNamespace"), query.get("project"))
        if "refresh" in query:
            self._sandbox.controller.refresh(key)
        return json_response(self._sandbox.store.get(key))

    async def sync(self, request: Request) -> Response:
        body = await read_json_body(request)
        query = request.query_params
        namespace = query.get("appNamespace") or body.get("appNamespace")
        project = query.get("project") or body.get("project")
        key, _ = find_app(self._sandbox, request.path_params["name"], namespace, project)

        sync_request = parse_sync_request(body)
        app = self._sandbox.controller.accept_sync(key, sync_request, self._sandbox.username(request))
        return json_response(app)

    async def terminate(self, request: Request) -> Response:
        query = request.query_params
        key, _ = find_app(self._sandbox, request.path_params["name"], query.get("appNamespace"), query.get("project"))
        self._sandbox.controller.terminate(key)
        return json_response({})


def parse_sync_request(body: dict[str, Any]) -> SyncRequest:
    """Read an `ApplicationSyncRequest`. A wrong JSON type is a 400, because Go's decoder rejects it."""
    sync_options = _typed(body, "syncOptions", dict, "application.SyncOptions") or {}
    items = sync_options.get("items") or []
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ApiError(3, "json: cannot unmarshal syncOptions.items: expected a list of strings")
    return SyncRequest(
        revision=_typed(body, "revision", str, "string") or "",
        prune=bool(_typed(body, "prune", bool, "bool")),
        dry_run=bool(_typed(body, "dryRun", bool, "bool")),
        strategy=_typed(body, "strategy", dict, "v1alpha1.SyncStrategy"),
        resources=_typed(body, "resources", list, "[]v1alpha1.SyncOperationResource"),
        sync_options=items,
        retry_strategy=_typed(body, "retryStrategy", dict, "v1alpha1.RetryStrategy"),
        infos=_typed(body, "infos", list, "[]*v1alpha1.Info"),
    )


def _typed(body: dict[str, Any], key: str, expected: type, go_type: str) -> Any:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
        found = {list: "array", dict: "object", str: "string", bool: "bool"}.get(type(value), "number")
        raise ApiError(3, f"json: cannot unmarshal {found} into Go struct field ApplicationSyncRequest.{key} of type {go_type}")
    return value
