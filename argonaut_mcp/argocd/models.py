"""Pydantic models of the Argo CD objects we read.

Field names follow Argo CD's JSON (Go field names, camelCase) through aliases, and the
Python attributes are snake_case. Unknown fields are ignored, so a newer Argo CD that adds
fields still parses. Every field of an Application and its parts has a default, because
`fields` trimming on list calls removes most of an Application.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

SyncStatusCode = Literal["Synced", "OutOfSync", "Unknown"]
HealthStatusCode = Literal["Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown"]
OperationPhase = Literal["Running", "Terminating", "Failed", "Error", "Succeeded"]


class ArgoModel(BaseModel):
    """Base of every Argo CD model: camelCase on the wire, unknown fields ignored."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class ObjectMeta(ArgoModel):
    name: str = ""
    namespace: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    resource_version: str | None = None
    creation_timestamp: str | None = None
    deletion_timestamp: str | None = None


class ApplicationSource(ArgoModel):
    repo_url: str | None = Field(default=None, alias="repoURL")
    path: str | None = None
    target_revision: str | None = None
    chart: str | None = None


class ApplicationDestination(ArgoModel):
    server: str | None = None
    name: str | None = None
    namespace: str | None = None


class SyncPolicy(ArgoModel):
    automated: dict[str, Any] | None = None
    sync_options: list[str] = Field(default_factory=list)


class ApplicationSpec(ArgoModel):
    project: str = "default"
    source: ApplicationSource | None = None
    sources: list[ApplicationSource] = Field(default_factory=list)
    destination: ApplicationDestination | None = None
    sync_policy: SyncPolicy | None = None


class SyncStatus(ArgoModel):
    status: str = "Unknown"
    revision: str | None = None


class HealthStatus(ArgoModel):
    status: str = "Unknown"
    message: str | None = None


class SyncOperationResult(ArgoModel):
    revision: str | None = None
    resources: list[dict[str, Any]] = Field(default_factory=list)


class OperationState(ArgoModel):
    phase: str | None = None
    message: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    retry_count: int | None = None
    sync_result: SyncOperationResult | None = None
    operation: dict[str, Any] | None = None


class ApplicationCondition(ArgoModel):
    type: str = ""
    message: str = ""
    last_transition_time: str | None = None


class ResourceStatus(ArgoModel):
    """One entry of `status.resources`: a managed resource with its sync and health."""

    group: str | None = None
    version: str | None = None
    kind: str = ""
    namespace: str | None = None
    name: str = ""
    status: str | None = None
    health: HealthStatus | None = None
    hook: bool | None = None
    requires_pruning: bool | None = None


class RevisionHistory(ArgoModel):
    id: int | None = None
    revision: str | None = None
    deployed_at: str | None = None
    deploy_started_at: str | None = None
    source: ApplicationSource | None = None


class ApplicationStatus(ArgoModel):
    sync: SyncStatus = Field(default_factory=SyncStatus)
    health: HealthStatus = Field(default_factory=HealthStatus)
    operation_state: OperationState | None = None
    reconciled_at: str | None = None
    conditions: list[ApplicationCondition] = Field(default_factory=list)
    resources: list[ResourceStatus] = Field(default_factory=list)
    history: list[RevisionHistory] = Field(default_factory=list)
    summary: dict[str, Any] | None = None


class Application(ArgoModel):
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: ApplicationSpec = Field(default_factory=ApplicationSpec)
    status: ApplicationStatus = Field(default_factory=ApplicationStatus)
    operation: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.metadata.name

    def qualified_name(self, control_plane_namespace: str | None = None) -> str:
        """Return `namespace/name` for an app outside the control-plane namespace, else `name`.

        Argo CD (since 2.5) can manage apps in other namespaces, which must be addressed with
        `appNamespace`. Without a known control-plane namespace, a namespace is added only
        when the app carries one and it is not `argocd`.
        """
        namespace = self.metadata.namespace
        control = control_plane_namespace or "argocd"
        if namespace and namespace != control:
            return f"{namespace}/{self.metadata.name}"
        return self.metadata.name

    @property
    def resource_version_number(self) -> int:
        """`metadata.resourceVersion` as an integer (0 when absent), compared as Argo CD does."""
        try:
            return int(self.metadata.resource_version or 0)
        except ValueError:
            return 0

    @property
    def auto_sync_enabled(self) -> bool:
        policy = self.spec.sync_policy
        return policy is not None and policy.automated is not None

    @property
    def being_deleted(self) -> bool:
        return self.metadata.deletion_timestamp is not None


class ApplicationList(ArgoModel):
    items: list[Application] = Field(default_factory=list)
    resource_version: str | None = None


class WatchEvent(ArgoModel):
    """One event of the application watch stream: `ADDED`, `MODIFIED` or `DELETED`."""

    type: str
    application: Application


class ResourceNode(ArgoModel):
    """A node of the resource tree. On the wire `group/kind/name/...` sit at the node's top level."""

    group: str | None = None
    version: str | None = None
    kind: str = ""
    namespace: str | None = None
    name: str = ""
    uid: str | None = None
    parent_refs: list[dict[str, Any]] = Field(default_factory=list)
    health: HealthStatus | None = None
    info: list[dict[str, Any]] = Field(default_factory=list)
    images: list[str] = Field(default_factory=list)
    created_at: str | None = None


class ResourceTree(ArgoModel):
    nodes: list[ResourceNode] = Field(default_factory=list)
    orphaned_nodes: list[ResourceNode] = Field(default_factory=list)


class ResourceDiff(ArgoModel):
    """An entry of managed-resources. `target_state` and `live_state` are JSON strings."""

    group: str | None = None
    kind: str = ""
    namespace: str | None = None
    name: str = ""
    target_state: str | None = None
    live_state: str | None = None
    modified: bool | None = None
    hook: bool | None = None


class EventSource(ArgoModel):
    component: str | None = None
    host: str | None = None


class ObjectReference(ArgoModel):
    kind: str | None = None
    namespace: str | None = None
    name: str | None = None
    uid: str | None = None


class KubeEvent(ArgoModel):
    """A Kubernetes Event as Argo CD returns it from the events endpoint."""

    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    involved_object: ObjectReference = Field(default_factory=ObjectReference)
    reason: str | None = None
    message: str | None = None
    type: str | None = None
    count: int | None = None
    first_timestamp: str | None = None
    last_timestamp: str | None = None
    source: EventSource | None = None


class LogEntry(ArgoModel):
    content: str = ""
    time_stamp: str | None = None
    pod_name: str | None = None
    last: bool | None = None


class VersionInfo(ArgoModel):
    version: str = ""
    build_date: str | None = None
    git_commit: str | None = None
    platform: str | None = None


class UserInfo(ArgoModel):
    logged_in: bool = False
    username: str | None = None
    iss: str | None = None
    groups: list[str] = Field(default_factory=list)
