"""The data a rollout reports: progress snapshots while it runs and the final result.

These models are the contract between the engine and every consumer (the MCP adapter, the
demo's terminal view, the browser panel, tests). JSON keys are camelCase.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

ProgressPhase = Literal[
    "resolving",
    "batch_start",
    "syncing",
    "polling",
    "batch_complete",
    "batch_failed",
    "retrying",
    "complete",
    "aborted",
    "cancelled",
]

RunStatus = Literal["running", "complete", "aborted", "cancelled", "no_match", "invalid", "dry_run"]

# Fate of one app: READY and done, FAILED out of attempts, left IN_FLIGHT at an abort or
# cancel, SKIPPED (never touched, or deleted during the rollout), or still PENDING / SYNCING /
# WAITING while the run goes on.
AppFate = Literal["pending", "syncing", "waiting", "ready", "failed", "in_flight", "skipped"]

BatchOutcome = Literal["pending", "running", "complete", "failed", "cancelled", "skipped"]


class ContractModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)


class AppStatus(ContractModel):
    """One app as the rollout last saw it."""

    name: str
    sync: str = "Unknown"
    health: str = "Unknown"
    phase: str | None = Field(default=None, description="Argo CD operation phase, if any")
    fate: AppFate = "pending"
    attempts: int = 0
    message: str | None = None
    last_error: str | None = Field(
        default=None, description="why the app's previous attempt failed, kept while it is retried"
    )


class BatchSyncProgress(ContractModel):
    """A snapshot sent on every phase change, app status change and heartbeat."""

    run_id: str
    phase: ProgressPhase
    total_apps: int
    total_batches: int
    current_batch: int = Field(description="1-based; 0 before the first batch starts")
    batch_apps: list[str] = Field(default_factory=list)
    app_statuses: dict[str, AppStatus] = Field(
        default_factory=dict, description="the apps of the current batch, by name"
    )
    attempt: int = Field(default=0, description="highest attempt among the batch's apps")
    max_retries: int = 0
    ready_apps: int = Field(default=0, description="apps READY so far, over all batches")
    progress: float = Field(
        default=0.0,
        description="ready_apps plus a fraction below 1 that grows with the time since the last READY; "
        "never decreases during a run, equals total_apps only when every app is READY",
    )
    elapsed_seconds: float = 0.0
    batch_elapsed_seconds: float = 0.0
    message: str = ""


class BatchReport(ContractModel):
    number: int
    apps: list[str]
    attempts: int = 0
    duration_seconds: float = 0.0
    outcome: BatchOutcome = "pending"


class AppReport(ContractModel):
    name: str
    sync: str = "Unknown"
    health: str = "Unknown"
    health_message: str | None = None
    phase: str | None = None
    fate: AppFate = "pending"
    attempts: int = 0
    error: str | None = None


class NextStep(ContractModel):
    """Diagnosis hint for an app that failed: its health message and the tools to call."""

    app: str
    reason: str
    tools: list[str] = Field(default_factory=list)


class PlannedBatch(ContractModel):
    number: int
    apps: list[str]


class BatchSyncResult(ContractModel):
    run_id: str
    status: RunStatus
    message: str = ""
    pattern: str | None = None
    total_apps: int = 0
    batch_size: int = 0
    max_retries: int = 0
    plan: list[PlannedBatch] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    batches: list[BatchReport] = Field(default_factory=list)
    apps: list[AppReport] = Field(default_factory=list)
    completed: list[str] = Field(default_factory=list)
    failed: list[str] = Field(default_factory=list)
    in_flight: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list)
    excluded: list[str] = Field(
        default_factory=list,
        description="apps matched but left out on purpose: being deleted, or already Synced and Healthy",
    )
    closest_names: list[str] = Field(default_factory=list)
    next_steps: list[NextStep] = Field(default_factory=list)
    duration_seconds: float = 0.0
