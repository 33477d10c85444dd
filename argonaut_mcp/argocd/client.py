"""Async client for the Argo CD REST API (the endpoints of Argo CD 3.6 this project uses).

Every method that takes an app `name` also accepts `namespace/name` for apps outside the
control-plane namespace, and then sends `appNamespace`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal
from urllib.parse import quote

import httpx

from argonaut_mcp.argocd.errors import (
    InvalidRequestError,
    UnexpectedResponseError,
    error_for_stream_envelope,
    error_for_transport,
)
from argonaut_mcp.argocd.models import (
    Application,
    ApplicationList,
    KubeEvent,
    LogEntry,
    ResourceDiff,
    ResourceTree,
    UserInfo,
    VersionInfo,
)
from argonaut_mcp.argocd.requester import ParamValue, Requester, parse_model
from argonaut_mcp.argocd.retry import RetryPolicy
from argonaut_mcp.argocd.watch import ApplicationWatch

APPLICATIONS_PATH = "/api/v1/applications"

# Paths Argo CD 3.6 honours in `fields` on the list call (others are silently ignored).
# They keep what selecting, planning and reporting need, and drop the bulk of each app.
SUMMARY_FIELDS: tuple[str, ...] = (
    "metadata.resourceVersion",
    "items.metadata.name",
    "items.metadata.namespace",
    "items.metadata.labels",
    "items.metadata.deletionTimestamp",
    "items.spec.project",
    "items.spec.source",
    "items.spec.sources",
    "items.spec.destination",
    "items.spec.syncPolicy",
    "items.status.sync.status",
    "items.status.sync.revision",
    "items.status.health",
    "items.status.operationState.phase",
    "items.status.operationState.startedAt",
    "items.status.operationState.finishedAt",
    "items.operation.sync",
)

SYNC_TIMEOUT_HINT = "The sync may have started anyway: read the app before syncing it again"

RefreshMode = Literal["normal", "hard"]
SyncStrategy = Literal["apply", "hook"]


class ArgoCDClient:
    """Client for one Argo CD instance over an injected `httpx.AsyncClient`.

    `http` carries the base URL (server URL including any path prefix), the
    `Authorization: Bearer` header, TLS settings and timeouts. The client never closes it.
    """

    def __init__(self, http: httpx.AsyncClient, *, instance: str = "default", retry: RetryPolicy | None = None) -> None:
        self.requester = Requester(http, instance=instance, retry=retry or RetryPolicy())

    @property
    def instance(self) -> str:
        return self.requester.instance

    async def list_applications(
        self,
        *,
        name: str | None = None,
        projects: Sequence[str] | None = None,
        selector: str | None = None,
        repo: str | None = None,
        app_namespace: str | None = None,
        summary: bool = False,
    ) -> ApplicationList:
        """List applications sorted by name, leaving out apps the token may not read.

        With `summary=True` Argo CD trims each item to `SUMMARY_FIELDS`, which keeps the
        response small on large fleets. An invalid `selector` is a `ServerError` (HTTP 500).
        """
        params: dict[str, ParamValue] = {
            "name": name,
            "projects": list(projects) if projects else None,
            "selector": selector,
            "repo": repo,
            "appNamespace": app_namespace,
            "fields": ",".join(SUMMARY_FIELDS) if summary else None,
        }
        data = await self.requester.call_json("GET", APPLICATIONS_PATH, params=params)
        metadata = data.get("metadata") or {}
        listed = {"items": data.get("items") or [], "resourceVersion": metadata.get("resourceVersion")}
        return parse_model(ApplicationList, listed, instance=self.instance)

    async def get_application(
        self,
        name: str,
        *,
        app_namespace: str | None = None,
        project: str | None = None,
        refresh: RefreshMode | None = None,
    ) -> Application:
        """Read one application.

        `refresh` makes the controller compare the app with Git first, and `hard` also
        bypasses the manifest cache. The call then blocks until that refresh is done.
        Without `project`, a missing app is a `PermissionDeniedError`, and with it a
        `NotFoundError`.
        """
        if refresh not in (None, "normal", "hard"):
            raise InvalidRequestError(f"refresh must be 'normal' or 'hard', got {refresh!r}", app=name, instance=self.instance)
        short_name, namespace = split_app_name(name, app_namespace)
        params = {"appNamespace": namespace, "project": project, "refresh": refresh}
        data = await self.requester.call_json(
            "GET", app_path(short_name), params=params, app=name, project_given=project is not None
        )
        return parse_model(Application, data, app=name, instance=self.instance)

    async def sync_application(
        self,
        name: str,
        *,
        revision: str | None = None,
        prune: bool = False,
        dry_run: bool = False,
        strategy: SyncStrategy | Mapping[str, Any] | None = None,
        force: bool = False,
        resources: Sequence[str | Mapping[str, str]] | None = None,
        sync_options: Sequence[str] | None = None,
        retry_strategy: Mapping[str, Any] | None = None,
        app_namespace: str | None = None,
        project: str | None = None,
    ) -> Application:
        """Start a sync and return the app from Argo CD's response, with `operation` set.

        The response's `metadata.resourceVersion` marks the state right after the request.
        `strategy` is `apply`, `hook` or the wire object, and `force` applies to the named
        strategy. `resources` items are `{group, kind, name, namespace}` mappings or
        `GROUP:KIND:NAME` / `GROUP:KIND:NAMESPACE/NAME` strings, as the argocd CLI takes them.
        `retry_strategy` is sent as is: `{limit, backoff: {duration, factor, maxDuration}}`.
        Raises `OperationInProgressError` when the app already has an operation. The
        request is retried only when it surely never reached the server.
        """
        short_name, namespace = split_app_name(name, app_namespace)
        body: dict[str, Any] = {"name": short_name, "prune": prune, "dryRun": dry_run}
        optional = {
            "revision": revision,
            "strategy": sync_strategy_body(strategy, force),
            "resources": [sync_resource_body(item) for item in resources] if resources else None,
            "syncOptions": {"items": list(sync_options)} if sync_options else None,
            "retryStrategy": dict(retry_strategy) if retry_strategy else None,
            "appNamespace": namespace,
            "project": project,
        }
        body.update({key: value for key, value in optional.items() if value is not None})

        data = await self.requester.call_json(
            "POST",
            f"{app_path(short_name)}/sync",
            body=body,
            app=name,
            project_given=project is not None,
            timeout_hint=SYNC_TIMEOUT_HINT,
        )
        return parse_model(Application, data, app=name, instance=self.instance)

    async def terminate_operation(self, name: str, *, app_namespace: str | None = None, project: str | None = None) -> None:
        """End the app's running operation, which then finishes as `Failed` ("Operation terminated").

        With no operation running, Argo CD 3.6 returns 400 (`InvalidRequestError`).
        """
        short_name, namespace = split_app_name(name, app_namespace)
        params = {"appNamespace": namespace, "project": project}
        await self.requester.call_json(
            "DELETE", f"{app_path(short_name)}/operation", params=params, app=name, project_given=project is not None
        )

    def watch_applications(
        self,
        *,
        name: str | None = None,
        projects: Sequence[str] | None = None,
        selector: str | None = None,
        app_namespace: str | None = None,
        resource_version: str | None = None,
    ) -> ApplicationWatch:
        """Return a watch of application events. The HTTP stream opens on first iteration.

        Use `async with client.watch_applications(...) as watch: async for event in watch:`
        or call `await watch.aclose()`. See `ApplicationWatch` for resuming.
        """
        short_name, namespace = split_app_name(name, app_namespace) if name else (None, app_namespace)
        params: dict[str, ParamValue] = {
            "name": short_name,
            "projects": list(projects) if projects else None,
            "selector": selector,
            "appNamespace": namespace,
        }
        return ApplicationWatch(self.requester, params, resource_version=resource_version)

    async def get_resource_tree(self, name: str, *, app_namespace: str | None = None, project: str | None = None) -> ResourceTree:
        data = await self.read_app_part(name, "resource-tree", app_namespace=app_namespace, project=project)
        tree = {"nodes": data.get("nodes") or [], "orphanedNodes": data.get("orphanedNodes") or []}
        return parse_model(ResourceTree, tree, app=name, instance=self.instance)

    async def get_managed_resources(
        self, name: str, *, app_namespace: str | None = None, project: str | None = None
    ) -> list[ResourceDiff]:
        """Return the app's managed resources with live and target state (JSON strings)."""
        data = await self.read_app_part(name, "managed-resources", app_namespace=app_namespace, project=project)
        return [parse_model(ResourceDiff, item, app=name, instance=self.instance) for item in data.get("items") or []]

    async def get_events(
        self,
        name: str,
        *,
        resource_namespace: str | None = None,
        resource_name: str | None = None,
        resource_uid: str | None = None,
        app_namespace: str | None = None,
        project: str | None = None,
    ) -> list[KubeEvent]:
        """Return the Kubernetes events of the app, or of one of its resources when named."""
        extra = {"resourceNamespace": resource_namespace, "resourceName": resource_name, "resourceUID": resource_uid}
        data = await self.read_app_part(name, "events", app_namespace=app_namespace, project=project, extra=extra)
        return [parse_model(KubeEvent, item, app=name, instance=self.instance) for item in data.get("items") or []]

    async def get_logs(
        self,
        name: str,
        *,
        tail_lines: int = 100,
        container: str | None = None,
        since_seconds: int | None = None,
        kind: str | None = None,
        resource_name: str | None = None,
        pod_name: str | None = None,
        namespace: str | None = None,
        group: str | None = None,
        filter: str | None = None,
        previous: bool = False,
        app_namespace: str | None = None,
        project: str | None = None,
    ) -> list[LogEntry]:
        """Return the last `tail_lines` log lines of the app's pods (no follow).

        Argo CD 3.6 streams newline-delimited `{"result": LogEntry}` and ends with an entry
        marked `last`, which is left out. More than 10 matching pods is an `InvalidRequestError`.
        """
        short_name, app_ns = split_app_name(name, app_namespace)
        params: dict[str, ParamValue] = {
            "tailLines": tail_lines,
            "container": container,
            "sinceSeconds": since_seconds,
            "kind": kind,
            "resourceName": resource_name,
            "podName": pod_name,
            "namespace": namespace,
            "group": group,
            "filter": filter,
            "previous": previous or None,
            "follow": False,
            "appNamespace": app_ns,
            "project": project,
        }
        read_timeout = self.requester.http.timeout.read
        response = await self.requester.open_stream(
            f"{app_path(short_name)}/logs", params=params, app=name, project_given=project is not None, read_timeout=read_timeout
        )
        try:
            return await self.read_log_lines(response, name)
        finally:
            await response.aclose()

    async def get_version(self) -> VersionInfo:
        """Return the server's version. Argo CD 3.6 sends Go field names (`Version`, `BuildDate`)."""
        data = await self.requester.call_json("GET", "/api/version")
        return parse_model(VersionInfo, {lower_first(key): value for key, value in data.items()}, instance=self.instance)

    async def get_user_info(self) -> UserInfo:
        """Return the token's user. `logged_in` is False when Argo CD ignored the token."""
        data = await self.requester.call_json("GET", "/api/v1/session/userinfo")
        return parse_model(UserInfo, data, instance=self.instance)

    async def read_app_part(
        self,
        name: str,
        part: str,
        *,
        app_namespace: str | None,
        project: str | None,
        extra: Mapping[str, ParamValue] | None = None,
    ) -> dict[str, Any]:
        short_name, namespace = split_app_name(name, app_namespace)
        params = {**(extra or {}), "appNamespace": namespace, "project": project}
        return await self.requester.call_json(
            "GET", f"{app_path(short_name)}/{part}", params=params, app=name, project_given=project is not None
        )

    async def read_log_lines(self, response: httpx.Response, name: str) -> list[LogEntry]:
        where = {"app": name, "instance": self.instance, "path": response.request.url.path, "method": "GET"}
        scrubbed = self.requester.scrubbed
        entries: list[LogEntry] = []
        try:
            async for line in response.aiter_lines():
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except ValueError as exc:
                    message = f"Argo CD sent a log line that is not JSON: {line[:200]!r}"
                    raise scrubbed(UnexpectedResponseError(message, **where)) from exc
                if not isinstance(data, dict):
                    message = f"Argo CD sent a log line that is not a JSON object: {line[:200]!r}"
                    raise scrubbed(UnexpectedResponseError(message, **where))
                if "error" in data:
                    raise scrubbed(error_for_stream_envelope(data["error"], **where))

                entry = parse_model(LogEntry, data.get("result") or {}, **where)
                if entry.last:
                    break
                entries.append(entry)
        except httpx.TransportError as exc:
            # A read timeout or a dropped connection after the response status was already good.
            raise scrubbed(error_for_transport(exc, **where)) from exc
        return entries


def split_app_name(name: str, app_namespace: str | None = None) -> tuple[str, str | None]:
    """Split `namespace/name` into the name and the app namespace to send as `appNamespace`."""
    if "/" not in name:
        return name, app_namespace

    namespace, _, short_name = name.partition("/")
    if not namespace or not short_name or "/" in short_name:
        raise InvalidRequestError(f"Invalid app name {name!r}: expected NAME or NAMESPACE/NAME", app=name)
    if app_namespace and app_namespace != namespace:
        raise InvalidRequestError(
            f"App {name!r} names namespace {namespace!r} but app_namespace is {app_namespace!r}", app=name
        )
    return short_name, namespace


def app_path(short_name: str) -> str:
    return f"{APPLICATIONS_PATH}/{quote(short_name, safe='')}"


def sync_strategy_body(strategy: SyncStrategy | Mapping[str, Any] | None, force: bool) -> dict[str, Any] | None:
    """Build the wire strategy, `{"apply": {"force": ...}}` or `{"hook": {...}}` (not swagger's shape)."""
    if strategy is None:
        return {"apply": {"force": True}} if force else None
    if isinstance(strategy, Mapping):
        return dict(strategy)
    if strategy not in ("apply", "hook"):
        raise InvalidRequestError(f"Sync strategy must be 'apply' or 'hook', got {strategy!r}")
    return {strategy: {"force": force}}


def sync_resource_body(item: str | Mapping[str, str]) -> dict[str, str]:
    """Build one `{group, kind, name, namespace}` entry from a mapping or a CLI-style string."""
    if isinstance(item, Mapping):
        return {key: item[key] for key in ("group", "kind", "name", "namespace") if item.get(key) is not None}

    parts = item.split(":")
    if len(parts) != 3 or not parts[1] or not parts[2]:
        raise InvalidRequestError(f"Invalid resource {item!r}: expected GROUP:KIND:NAME or GROUP:KIND:NAMESPACE/NAME")
    group, kind, qualified = parts
    namespace, _, name = qualified.rpartition("/")
    resource = {"group": group, "kind": kind, "name": name}
    if namespace:
        resource["namespace"] = namespace
    return resource


def lower_first(key: str) -> str:
    return key[:1].lower() + key[1:]
