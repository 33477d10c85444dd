"""Structured output of the read tools and the status tools (camelCase JSON, as the rollout contracts)."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from argonaut_mcp.rollout.contracts import BatchSyncProgress, BatchSyncResult, NextStep, RunStatus


class OutputModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)


# The fields of one list_applications row, in the fixed order of ApplicationPage.columns.
ListColumn = Literal["name", "project", "sync", "health", "operation", "revision", "namespace"]
LIST_COLUMNS: tuple[ListColumn, ...] = get_args(ListColumn)

COLUMNS_DESCRIPTION = (
    "names of the fields that differ between rows, in this order: name (app name, or namespace/name "
    "for an app outside the control-plane namespace), project, sync (sync status), health (health status), "
    "operation (phase of the current or last operation), revision (synced revision, a Git SHA shortened "
    "to 7 characters), namespace (destination namespace); name is always present"
)


class ApplicationRow(OutputModel):
    """One app of list_applications before the page packs it into columns; fields as in LIST_COLUMNS."""

    name: str
    project: str
    sync: str
    health: str
    operation: str | None = None
    revision: str | None = None
    namespace: str | None = None


class ApplicationPage(OutputModel):
    """A page of matching apps in columnar form, plus totals over every match.

    A field with the same value on every row of the page appears once in `common`, and the
    others are named in `columns` and carried by each array of `rows`. Each of the seven
    fields (name, project, sync, health, operation, revision, namespace) is in exactly one
    of the two, except on a page without rows, where `columns` names all seven.
    """

    total: int = Field(description="apps that match the filters, over all pages")
    offset: int
    limit: int
    returned: int
    has_more: bool = Field(description="true when more matches follow: call again with offset + returned")
    health_totals: dict[str, int] = Field(description="matching apps per health status")
    sync_totals: dict[str, int] = Field(description="matching apps per sync status")
    columns: list[ListColumn] = Field(description=COLUMNS_DESCRIPTION)
    rows: list[list[str | None]] = Field(
        description="one array per app, sorted by name, with the values of `columns` in the same order; "
        "null means the app has no value for that field"
    )
    common: dict[ListColumn, str | None] = Field(
        description="the fields that have the same value on every row of this page, with that value "
        "(null: no row has a value for it); these fields are not repeated in `rows`"
    )


class OperationSummary(OutputModel):
    phase: str | None = None
    message: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    revision: str | None = None
    running: bool = Field(default=False, description="true while Argo CD still runs the operation")


class ResourceSummary(OutputModel):
    kind: str
    name: str
    namespace: str | None = None
    health: str | None = None
    sync: str | None = None
    message: str | None = None


class DeploymentSummary(OutputModel):
    id: int | None = None
    revision: str | None = None
    deployed_at: str | None = None


class ConditionSummary(OutputModel):
    type: str
    message: str


class ApplicationSummary(OutputModel):
    """One app's state: what get_application returns."""

    name: str
    app_namespace: str | None = None
    project: str
    repo: str | None = None
    path: str | None = None
    target_revision: str | None = None
    destination_server: str | None = None
    destination_namespace: str | None = None
    auto_sync: bool = False
    sync: str
    sync_revision: str | None = None
    health: str
    health_message: str | None = None
    operation: OperationSummary | None = None
    conditions: list[ConditionSummary] = Field(default_factory=list)
    resource_health: dict[str, int] = Field(default_factory=dict, description="managed resources per health status")
    out_of_sync_resources: int = 0
    unhealthy_resources: list[ResourceSummary] = Field(
        default_factory=list, description="managed resources whose health is not Healthy (at most 20)"
    )
    unhealthy_total: int = 0
    recent_deployments: list[DeploymentSummary] = Field(default_factory=list, description="newest first")


SyncOutcome = Literal["requested", "ready", "failed", "cancelled"]


class SyncApplicationResult(OutputModel):
    """The outcome of sync_application."""

    app: str
    outcome: SyncOutcome = Field(
        description="requested: sync accepted, not waited for; ready: Synced and Healthy; "
        "failed: the sync failed or the app was not ready within the timeout; cancelled: the call was cancelled"
    )
    message: str
    sync: str = "Unknown"
    health: str = "Unknown"
    health_message: str | None = None
    operation_phase: str | None = None
    revision: str | None = None
    dry_run: bool = False
    attempts: int = 0
    duration_seconds: float = 0.0
    run_id: str | None = None
    next_steps: list[NextStep] = Field(default_factory=list)


class RunStatusReport(OutputModel):
    """A batch_sync run as the registry last recorded it."""

    run_id: str
    status: RunStatus
    done: bool
    message: str
    progress: BatchSyncProgress | None = None
    result: BatchSyncResult | None = None
