"""Read endpoints for diagnosis: resource tree, managed resources, events, logs, version, session.

The live objects are derived from the app's current state: a Degraded app's pods are in
CrashLoopBackOff and log a panic, a Progressing app has a pod still starting.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from . import objects
from .controller import AppRuntime
from .errors import ApiError
from .http import find_app, json_response, read_json_body
from .objects import WEB_RESOURCES, ResourceTemplate
from .store import App

if TYPE_CHECKING:
    from .sandbox import Sandbox

REPLICAS = 3
MAX_LOG_PODS = 10
VERSION = {
    "Version": "v3.6.0+37ee009",
    "BuildDate": "2026-08-01T10:12:44Z",
    "GitCommit": "37ee0097a3c1d5e8f2b4a6c9d0e1f2a3b4c5d6e7",
    "GitTag": "v3.6.0",
    "GitTreeState": "clean",
    "GoVersion": "go1.25.3",
    "Compiler": "gc",
    "Platform": "linux/amd64",
    "KustomizeVersion": "v5.7.1 2025-07-23T12:45:29Z",
    "HelmVersion": "v3.18.4+gd80839c",
    "KubectlVersion": "v0.34.0",
    "JsonnetVersion": "v0.21.0",
}


class DiagnosticEndpoints:
    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    def _lookup(self, request: Request, param: str) -> tuple[App, AppRuntime]:
        query = request.query_params
        key, app = find_app(self._sandbox, request.path_params[param], query.get("appNamespace"), query.get("project"))
        return app, self._sandbox.controller.runtimes[key]

    async def resource_tree(self, request: Request) -> Response:
        app, runtime = self._lookup(request, "applicationName")
        return json_response({"nodes": tree_nodes(app, runtime)})

    async def managed_resources(self, request: Request) -> Response:
        app, runtime = self._lookup(request, "applicationName")
        return json_response({"items": managed_resources(app, runtime)})

    async def events(self, request: Request) -> Response:
        app, runtime = self._lookup(request, "name")
        resource_name = request.query_params.get("resourceName")
        items = resource_events(app, runtime, resource_name, self._sandbox) if resource_name else app_events(app, runtime, self._sandbox)
        return json_response({"metadata": {"resourceVersion": str(self._sandbox.store.resource_version)}, "items": items})

    async def logs(self, request: Request) -> Response:
        app, runtime = self._lookup(request, "name")
        pods = select_pods(app, runtime, request.query_params)
        if len(pods) > MAX_LOG_PODS:
            raise ApiError(3, "max pods to view logs are reached. Please provide more granular query")
        lines = log_lines(app, runtime, pods, request.query_params, self._sandbox)
        body = "".join(json.dumps({"result": line}, separators=(",", ":")) + "\n" for line in lines)
        return Response(body, media_type="application/json")

    async def version(self, request: Request) -> Response:
        return json_response(VERSION)

    async def user_info(self, request: Request) -> Response:
        try:
            claims = self._sandbox.authenticate(request)
        except ApiError:
            return json_response({"loggedIn": False})
        return json_response({"loggedIn": True, "username": claims.get("sub", "admin"), "iss": claims.get("iss", "argocd")})

    async def create_session(self, request: Request) -> Response:
        body = await read_json_body(request)
        if body.get("username") != "admin" or body.get("password") != self._sandbox.admin_password:
            raise ApiError(16, "Invalid username or password")
        return json_response({"token": self._sandbox.issue_token()})


def _namespace(app: App) -> str:
    return app["spec"]["destination"].get("namespace", app["metadata"]["name"])


def _health(app: App) -> str:
    return app["status"].get("health", {}).get("status", "Unknown")


def _revision_number(runtime: AppRuntime) -> int:
    return runtime.deployed_number


def _pod_names(app: App, runtime: AppRuntime) -> list[str]:
    name = app["metadata"]["name"]
    hash_part = objects.revision_sha(name, _revision_number(runtime))[:10]
    return [f"{name}-{hash_part}-{suffix}" for suffix in ("x7k2p", "m4q9d", "t8w3z")[:REPLICAS]]


def _replica_set_name(app: App, runtime: AppRuntime) -> str:
    name = app["metadata"]["name"]
    return f"{name}-{objects.revision_sha(name, _revision_number(runtime))[:10]}"


def _ref(template: ResourceTemplate, app: App) -> dict[str, Any]:
    name = app["metadata"]["name"] + template.suffix
    ref: dict[str, Any] = {"version": template.version, "kind": template.kind, "namespace": _namespace(app), "name": name, "uid": objects.uid_for(_namespace(app), template.kind, name)}
    if template.group:
        ref["group"] = template.group
    return ref


def _pod_status(app: App, index: int) -> str:
    health = _health(app)
    if health == "Degraded":
        return "CrashLoopBackOff"
    if health == "Progressing" and index == REPLICAS - 1:
        return "ContainerCreating"
    return "Running"


def tree_nodes(app: App, runtime: AppRuntime) -> list[dict[str, Any]]:
    """Resource-tree nodes. On the wire a node's `group/kind/name/...` sit at its top level."""
    created = app["metadata"]["creationTimestamp"]
    health = _health(app)
    nodes = []
    deployment_ref: dict[str, Any] | None = None
    for template in WEB_RESOURCES:
        node = _ref(template, app)
        node["resourceVersion"] = str(40_000 + runtime.deployed_number)
        node["createdAt"] = created
        if template.has_health:
            node["health"] = {"status": health if template.kind == "Deployment" else "Healthy"}
            if template.kind == "Deployment" and health != "Healthy":
                message = objects.health_message(health, app["metadata"]["name"])
                if message:
                    node["health"]["message"] = message
        if template.kind == "Deployment":
            node["info"] = [{"name": "Revision", "value": f"Rev:{runtime.deployed_number}"}]
            deployment_ref = {key: node[key] for key in ("group", "kind", "namespace", "name", "uid") if key in node}
        nodes.append(node)

    replica_set = _ref(ResourceTemplate("apps", "v1", "ReplicaSet", "", True), app)
    replica_set["name"] = _replica_set_name(app, runtime)
    replica_set["uid"] = objects.uid_for(_namespace(app), "ReplicaSet", replica_set["name"])
    replica_set.update(parentRefs=[deployment_ref] if deployment_ref else [], info=[{"name": "Revision", "value": f"Rev:{runtime.deployed_number}"}], health={"status": health}, createdAt=created)
    nodes.append(replica_set)

    image = app["status"]["summary"]["images"][0]
    parent = {key: replica_set[key] for key in ("group", "kind", "namespace", "name", "uid")}
    for index, pod_name in enumerate(_pod_names(app, runtime)):
        status = _pod_status(app, index)
        pod_health = {"Running": "Healthy", "ContainerCreating": "Progressing"}.get(status, "Degraded")
        nodes.append({
            "version": "v1", "kind": "Pod", "namespace": _namespace(app), "name": pod_name,
            "uid": objects.uid_for(_namespace(app), "Pod", pod_name),
            "parentRefs": [parent],
            "info": [{"name": "Status Reason", "value": status}, {"name": "Node", "value": f"worker-pool-a-{index}"}, {"name": "Containers", "value": "1/1" if status == "Running" else "0/1"}],
            "images": [image],
            "health": {"status": pod_health},
            "createdAt": created,
        })
    return nodes


def managed_resources(app: App, runtime: AppRuntime) -> list[dict[str, Any]]:
    """Managed resources with target and live states as JSON strings, as Argo CD sends them."""
    out_of_sync = app["status"]["sync"]["status"] != "Synced"
    items = []
    for template in WEB_RESOURCES:
        ref = _ref(template, app)
        live = _manifest(template, app, runtime.deployed_number)
        target = _manifest(template, app, runtime.desired_number)
        item: dict[str, Any] = {key: ref[key] for key in ("group", "kind", "namespace", "name") if key in ref}
        item["targetState"] = json.dumps(target, separators=(",", ":"))
        item["liveState"] = json.dumps(live, separators=(",", ":"))
        item["normalizedLiveState"] = item["liveState"]
        item["predictedLiveState"] = item["targetState"]
        item["modified"] = out_of_sync and live != target
        item["resourceVersion"] = str(40_000 + runtime.deployed_number)
        items.append(item)
    return items


def _manifest(template: ResourceTemplate, app: App, revision_number: int) -> dict[str, Any]:
    name = app["metadata"]["name"]
    api_version = f"{template.group}/{template.version}" if template.group else template.version
    manifest: dict[str, Any] = {
        "apiVersion": api_version,
        "kind": template.kind,
        "metadata": {"name": name + template.suffix, "namespace": _namespace(app), "labels": {"app.kubernetes.io/instance": name}},
    }
    if template.kind == "Deployment":
        image = objects.image_for_app(app, objects.revision_sha(name, revision_number))
        manifest["spec"] = {"replicas": REPLICAS, "template": {"spec": {"containers": [{"name": "web", "image": image}]}}}
    elif template.kind == "ConfigMap":
        manifest["data"] = {"RELEASE": objects.revision_sha(name, revision_number)[:8]}
    return manifest


def _event(app: App, sandbox: Sandbox, index: int, at: float, reason: str, message: str, kind: str, involved: dict[str, Any], component: str) -> dict[str, Any]:
    stamp = sandbox.clock.timestamp(at)
    name = app["metadata"]["name"]
    return {
        "metadata": {"name": f"{involved['name']}.{objects.revision_sha(name, index)[:16]}", "namespace": involved.get("namespace", "argocd"), "uid": objects.uid_for("event", name, str(index)), "resourceVersion": str(50_000 + index), "creationTimestamp": stamp},
        "involvedObject": involved,
        "reason": reason,
        "message": message,
        "source": {"component": component},
        "firstTimestamp": stamp,
        "lastTimestamp": stamp,
        "count": 1,
        "type": kind,
        "reportingComponent": component,
    }


def app_events(app: App, runtime: AppRuntime, sandbox: Sandbox) -> list[dict[str, Any]]:
    metadata = app["metadata"]
    involved = {"kind": "Application", "namespace": metadata["namespace"], "name": metadata["name"], "uid": metadata["uid"], "apiVersion": "argoproj.io/v1alpha1", "resourceVersion": metadata["resourceVersion"]}
    return [
        _event(app, sandbox, index, record.at, record.reason, record.message, record.type, involved, "argocd-server" if record.reason == "OperationStarted" else "argocd-application-controller")
        for index, record in enumerate(runtime.events)
    ]


def resource_events(app: App, runtime: AppRuntime, resource_name: str, sandbox: Sandbox) -> list[dict[str, Any]]:
    """Kubernetes events of one live resource: a pod's start, or its back-off when Degraded."""
    pods = _pod_names(app, runtime)
    if resource_name not in pods:
        return []
    index = pods.index(resource_name)
    involved = {"kind": "Pod", "namespace": _namespace(app), "name": resource_name, "uid": objects.uid_for(_namespace(app), "Pod", resource_name), "apiVersion": "v1"}
    now = sandbox.clock.now()
    image = app["status"]["summary"]["images"][0]
    events = [
        _event(app, sandbox, 100 + index * 10, now - 30, "Pulled", f'Container image "{image}" already present on machine', "Normal", involved, "kubelet"),
        _event(app, sandbox, 101 + index * 10, now - 29, "Started", "Started container web", "Normal", involved, "kubelet"),
    ]
    if _pod_status(app, index) == "CrashLoopBackOff":
        events.append(_event(app, sandbox, 102 + index * 10, now - 5, "BackOff", f"Back-off restarting failed container web in pod {resource_name}_{_namespace(app)}", "Warning", involved, "kubelet"))
    return events


def select_pods(app: App, runtime: AppRuntime, query: Any) -> list[str]:
    pods = _pod_names(app, runtime)
    pod_name = query.get("podName")
    if pod_name:
        return [pod for pod in pods if pod == pod_name]
    kind, resource_name = query.get("kind"), query.get("resourceName")
    if kind and resource_name:
        if kind == "Pod":
            return [pod for pod in pods if pod == resource_name]
        if kind in ("Deployment", "ReplicaSet") and resource_name in (app["metadata"]["name"], _replica_set_name(app, runtime)):
            return pods
        return []
    return pods


def log_lines(app: App, runtime: AppRuntime, pods: list[str], query: Any, sandbox: Sandbox) -> list[dict[str, Any]]:
    """Log entries of the selected pods, then the closing `last: true` entry."""
    tail = _int_param(query, "tailLines")
    since = _int_param(query, "sinceSeconds")
    text_filter = query.get("filter") or ""
    match_case = query.get("matchCase") == "true"
    now = sandbox.clock.now()
    entries = []
    for index, pod in enumerate(pods):
        pod_lines = _pod_log(app, _pod_status(app, index), now)
        if since is not None:
            pod_lines = [(at, text) for at, text in pod_lines if at >= now - since]
        if text_filter:
            pod_lines = [(at, text) for at, text in pod_lines if _contains(text, text_filter, match_case)]
        if tail is not None:
            pod_lines = pod_lines[-tail:] if tail > 0 else []
        for at, text in pod_lines:
            stamp = sandbox.clock.timestamp(at)
            entries.append({"content": text, "timeStamp": stamp, "timeStampStr": stamp, "podName": pod})
    entries.append({"content": "", "podName": "", "last": True})
    return entries


def _contains(text: str, needle: str, match_case: bool) -> bool:
    negate = needle.startswith("!")
    needle = needle[1:] if negate else needle
    found = needle in text if match_case else needle.lower() in text.lower()
    return found != negate


def _int_param(query: Any, name: str) -> int | None:
    raw = query.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ApiError(3, f"invalid {name} {raw!r}: expected an integer") from exc


def _pod_log(app: App, status: str, now: float) -> list[tuple[float, str]]:
    name = app["metadata"]["name"]
    revision = app["status"]["sync"].get("revision", "")[:8]
    lines = [
        (now - 120, f"starting {name} release {revision}"),
        (now - 119, "loaded configuration from /etc/mentor/config.yaml"),
        (now - 118, "listening on :8080"),
    ]
    for step in range(20):
        lines.append((now - 110 + step * 5, f'GET /healthz 200 {2 + step % 3}ms "kube-probe/1.34"'))
    if status == "CrashLoopBackOff":
        lines.append((now - 6, "error: required setting MENTOR_DATABASE_URL is not set"))
        lines.append((now - 6, "panic: configuration invalid, exiting"))
    return lines

