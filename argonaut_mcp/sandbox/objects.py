"""Wire-shaped Argo CD objects (Go JSON field names) built from an `AppSpec`.

Full Applications are as large as real ones (5-10 KB): managed resources, ten revisions of
history, the last operation's result, and the annotations that `kubectl apply` and Argo CD
notifications leave. Fields that Go's `omitempty` drops (false, empty) are left out here too.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .scenario import AppSpec

App = dict[str, Any]

IN_CLUSTER = "https://kubernetes.default.svc"
HISTORY_LENGTH = 10


@dataclass(frozen=True)
class ResourceTemplate:
    group: str
    version: str
    kind: str
    suffix: str
    has_health: bool


WEB_RESOURCES = (
    ResourceTemplate("", "v1", "ServiceAccount", "", False),
    ResourceTemplate("", "v1", "ConfigMap", "-config", False),
    ResourceTemplate("", "v1", "ConfigMap", "-nginx", False),
    ResourceTemplate("external-secrets.io", "v1", "ExternalSecret", "-secrets", True),
    ResourceTemplate("", "v1", "Service", "", True),
    ResourceTemplate("apps", "v1", "Deployment", "", True),
    ResourceTemplate("autoscaling", "v2", "HorizontalPodAutoscaler", "", True),
    ResourceTemplate("policy", "v1", "PodDisruptionBudget", "", True),
    ResourceTemplate("networking.k8s.io", "v1", "Ingress", "", True),
    ResourceTemplate("monitoring.coreos.com", "v1", "ServiceMonitor", "", False),
)


def revision_sha(name: str, number: int) -> str:
    """Return a stable 40-hex commit id for revision `number` of app `name`."""
    return hashlib.sha1(f"{name}:{number}".encode()).hexdigest()


def uid_for(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(parts)))


def rfc3339(moment: datetime) -> str:
    """RFC 3339 in UTC with one-second precision, as Kubernetes writes `metav1.Time`."""
    return moment.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def image_for(spec: AppSpec, revision: str) -> str:
    return f"registry.example.com/{spec.project}/{spec.labels.get('app.kubernetes.io/name', spec.name)}:{revision[:8]}"


def image_for_app(app: App, revision: str) -> str:
    """Return the same image name as `image_for`, from a stored Application."""
    labels = app["metadata"].get("labels", {})
    return f"registry.example.com/{app['spec']['project']}/{labels.get('app.kubernetes.io/name', app['metadata']['name'])}:{revision[:8]}"


def source_of(spec: AppSpec) -> dict[str, Any]:
    release = spec.name
    return {
        "repoURL": spec.repo_url,
        "path": spec.path or f"apps/{spec.name}",
        "targetRevision": spec.target_revision,
        "helm": {
            "releaseName": release,
            "valueFiles": ["values.yaml", "values-prod.yaml"],
            "parameters": [
                {"name": "replicaCount", "value": "3"},
                {"name": "ingress.host", "value": f"{spec.name}.apps.example.com"},
            ],
        },
    }


def destination_of(spec: AppSpec) -> dict[str, Any]:
    return {"server": IN_CLUSTER, "namespace": spec.dest_namespace or spec.name}


def spec_of(spec: AppSpec) -> dict[str, Any]:
    sync_policy: dict[str, Any] = {
        "syncOptions": ["CreateNamespace=true", "PrunePropagationPolicy=foreground", "PruneLast=true"],
        "retry": {"limit": 2, "backoff": {"duration": "5s", "factor": 2, "maxDuration": "3m0s"}},
    }
    if spec.auto_sync:
        sync_policy["automated"] = {"prune": True, "selfHeal": True}
    return {
        "project": spec.project,
        "source": source_of(spec),
        "destination": destination_of(spec),
        "syncPolicy": sync_policy,
        "revisionHistoryLimit": HISTORY_LENGTH,
    }


def annotations_of(spec: AppSpec) -> dict[str, str]:
    applied = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": spec.name, "namespace": spec.namespace, "labels": spec.labels},
        "spec": spec_of(spec),
    }
    team = spec.labels.get("team", spec.project)
    return {
        "kubectl.kubernetes.io/last-applied-configuration": json.dumps(applied, separators=(",", ":"), sort_keys=True) + "\n",
        "notifications.argoproj.io/subscribe.on-sync-failed.slack": f"{team}-deploys",
        "notifications.argoproj.io/subscribe.on-health-degraded.slack": f"{team}-alerts",
        "link.argocd.argoproj.io/runbook": f"https://runbooks.example.com/{team}/{spec.name}",
        "argocd.argoproj.io/manifest-generate-paths": ".",
    }


def resource_statuses(spec: AppSpec, sync_status: str) -> list[dict[str, Any]]:
    """`status.resources`: one entry per managed resource.

    Argo CD 3.x no longer persists resource health here by default
    (`resourceHealthSource: appTree`); the resource tree carries it.
    """
    namespace = destination_of(spec)["namespace"]
    entries = []
    for template in WEB_RESOURCES:
        entry: dict[str, Any] = {"version": template.version, "kind": template.kind, "namespace": namespace, "name": spec.name + template.suffix}
        if template.group:
            entry["group"] = template.group
        entry["status"] = "Synced" if template.kind not in ("Deployment", "ConfigMap") else sync_status
        entries.append(entry)
    return entries


def sync_result_resources(spec: AppSpec, *, failed: bool) -> list[dict[str, Any]]:
    """`syncResult.resources`: the per-resource outcome of one sync."""
    namespace = destination_of(spec)["namespace"]
    results = []
    for template in WEB_RESOURCES:
        result: dict[str, Any] = {"version": template.version, "kind": template.kind, "namespace": namespace, "name": spec.name + template.suffix}
        if template.group:
            result["group"] = template.group
        if failed and template.kind == "Deployment":
            result["status"] = "SyncFailed"
            result["message"] = 'Deployment.apps "%s" is invalid: spec.template.spec.containers[0].image: Required value' % spec.name
        else:
            result["status"] = "Synced"
            result["message"] = f"{template.kind.lower()}/{spec.name + template.suffix} configured"
        result["syncPhase"] = "Sync"
        results.append(result)
    return results


def history_entry(spec: AppSpec, number: int, revision: str, started: datetime, deployed: datetime, *, automated: bool) -> dict[str, Any]:
    initiator: dict[str, Any] = {"automated": True} if automated else {"username": "admin"}
    return {
        "id": number,
        "revision": revision,
        "deployStartedAt": rfc3339(started),
        "deployedAt": rfc3339(deployed),
        "source": source_of(spec),
        "initiatedBy": initiator,
    }


def initial_history(spec: AppSpec, epoch: datetime, deployed_number: int) -> list[dict[str, Any]]:
    """Build the last HISTORY_LENGTH deployments, one every two days, the newest `deployed_number`."""
    first = max(deployed_number - HISTORY_LENGTH + 1, 1)
    entries = []
    for number in range(first, deployed_number + 1):
        deployed = epoch - timedelta(days=2 * (deployed_number - number) + 1, hours=3)
        started = deployed - timedelta(seconds=40)
        entries.append(history_entry(spec, number, revision_sha(spec.name, number), started, deployed, automated=spec.auto_sync))
    return entries


def sync_operation(revision: str, *, prune: bool = False, dry_run: bool = False, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    sync: dict[str, Any] = {"revision": revision}
    if prune:
        sync["prune"] = True
    if dry_run:
        sync["dryRun"] = True
    sync.update(extra or {})
    return sync


def operation_state_succeeded(spec: AppSpec, revision: str, started: datetime, finished: datetime, *, automated: bool) -> dict[str, Any]:
    initiator: dict[str, Any] = {"automated": True} if automated else {"username": "admin"}
    return {
        "operation": {"sync": sync_operation(revision), "initiatedBy": initiator, "retry": {"limit": 2}},
        "phase": "Succeeded",
        "message": "successfully synced (all tasks run)",
        "syncResult": {"resources": sync_result_resources(spec, failed=False), "revision": revision, "source": source_of(spec)},
        "startedAt": rfc3339(started),
        "finishedAt": rfc3339(finished),
    }


def build_application(spec: AppSpec, epoch: datetime, *, deployed_number: int, desired_number: int) -> App:
    """A full Application as Argo CD 3.6 returns it, at simulated time 0."""
    deployed = revision_sha(spec.name, deployed_number)
    desired = revision_sha(spec.name, desired_number)
    last_finished = epoch - timedelta(days=1, hours=3)
    reconciled = epoch - timedelta(seconds=47)
    sync_status = spec.sync

    return {
        "metadata": {
            "name": spec.name,
            "namespace": spec.namespace,
            "uid": uid_for(spec.namespace, spec.name),
            "generation": 40 + deployed_number * 3,
            "creationTimestamp": rfc3339(epoch - timedelta(days=120)),
            "labels": dict(spec.labels),
            "annotations": annotations_of(spec),
            "finalizers": ["resources-finalizer.argocd.argoproj.io"],
        },
        "spec": spec_of(spec),
        "status": {
            "resources": resource_statuses(spec, sync_status),
            "sync": {
                "status": sync_status,
                "comparedTo": {"source": source_of(spec), "destination": destination_of(spec)},
                "revision": desired if sync_status == "Synced" else deployed,
            },
            "health": health_of(spec.health, spec.name, rfc3339(last_finished)),
            "history": initial_history(spec, epoch, deployed_number),
            "reconciledAt": rfc3339(reconciled),
            "operationState": operation_state_succeeded(spec, deployed, last_finished - timedelta(seconds=40), last_finished, automated=spec.auto_sync),
            "sourceType": "Helm",
            "summary": {
                "externalURLs": [f"https://{spec.name}.apps.example.com/"],
                "images": [image_for(spec, deployed), "registry.example.com/platform/nginx-unprivileged:1.27.3"],
            },
            "controllerNamespace": "argocd",
            "resourceHealthSource": "appTree",
        },
    }


def health_of(status: str, name: str, since: str) -> dict[str, Any]:
    """`status.health` with the message Argo CD derives from the Deployment's state."""
    health: dict[str, Any] = {"status": status, "lastTransitionTime": since}
    message = health_message(status, name)
    if message:
        health["message"] = message
    return health


def health_message(status: str, name: str) -> str | None:
    if status == "Progressing":
        return f'Waiting for rollout to finish: 1 of 3 updated replicas are available...'
    if status == "Degraded":
        return f'Deployment "{name}" exceeded its progress deadline'
    if status == "Missing":
        return "Resource not found in cluster"
    return None
