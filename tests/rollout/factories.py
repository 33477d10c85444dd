"""Build Application models for the rollout tests, in Argo CD's JSON shape."""

from __future__ import annotations

from typing import Any

from argonaut_mcp.argocd.models import Application


def make_app(
    name: str,
    *,
    namespace: str = "argocd",
    project: str = "default",
    labels: dict[str, str] | None = None,
    resource_version: int | None = 100,
    sync: str = "Synced",
    health: str = "Healthy",
    health_message: str | None = None,
    operation: dict[str, Any] | None = None,
    phase: str | None = None,
    message: str | None = None,
    started_at: str | None = None,
    finished_at: str | None = None,
    reconciled_at: str | None = None,
    auto_sync: bool = False,
    deleting: bool = False,
) -> Application:
    metadata: dict[str, Any] = {"name": name, "namespace": namespace, "labels": labels or {}}
    if resource_version is not None:
        metadata["resourceVersion"] = str(resource_version)
    if deleting:
        metadata["deletionTimestamp"] = "2026-08-03T09:00:00Z"

    status: dict[str, Any] = {
        "sync": {"status": sync},
        "health": {"status": health, **({"message": health_message} if health_message else {})},
    }
    if reconciled_at:
        status["reconciledAt"] = reconciled_at
    if phase:
        status["operationState"] = {
            "phase": phase,
            "message": message,
            "startedAt": started_at,
            "finishedAt": finished_at,
        }

    spec: dict[str, Any] = {"project": project}
    if auto_sync:
        spec["syncPolicy"] = {"automated": {"prune": True}}

    return Application.model_validate({"metadata": metadata, "spec": spec, "status": status, "operation": operation})
