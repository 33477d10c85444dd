"""The mutable state of one run, and the snapshots and results built from it.

Times are seconds on the run's `Clock`. An app's fate moves pending → syncing →
waiting → ready or failed. At an abort or cancel, apps of the current batch whose
sync Argo CD accepted become in_flight, the others skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from argonaut_mcp.argocd.models import Application
from argonaut_mcp.rollout.contracts import (
    AppFate,
    AppReport,
    AppStatus,
    BatchReport,
    BatchSyncProgress,
    BatchSyncResult,
    NextStep,
    PlannedBatch,
    ProgressPhase,
    RunStatus,
)
from argonaut_mcp.rollout.params import BatchSyncParams
from argonaut_mcp.rollout.readiness import Readiness

DIAGNOSIS_TOOLS = ["get_application", "get_resource_tree", "get_application_events", "get_application_logs"]

# Time constant in seconds of the fraction that the progress value adds for the time since
# the last app became READY. After this many seconds the fraction is 0.5.
PROGRESS_TIME_CONSTANT = 60.0


@dataclass
class AppRun:
    """One app of the plan: attempts, the baseline of its current attempt, what was last seen."""

    name: str
    batch: int
    fate: AppFate = "pending"
    attempts: int = 0
    accepted_syncs: int = 0
    sync_request_pending: bool = False
    baseline: int | None = None
    deadline: float | None = None
    sync: str = "Unknown"
    health: str = "Unknown"
    health_message: str | None = None
    phase: str | None = None
    message: str | None = None
    error: str | None = None

    @classmethod
    def from_listed(cls, app: Application, batch: int) -> AppRun:
        state = app.status.operation_state
        return cls(
            name=app.qualified_name(),
            batch=batch,
            sync=app.status.sync.status,
            health=app.status.health.status,
            health_message=app.status.health.message,
            phase=state.phase if state else None,
        )

    def observe(self, readiness: Readiness) -> bool:
        """Copy what `readiness` saw, and return whether anything shown in progress snapshots changed."""
        before = self.status()
        self.sync = readiness.sync
        self.health = readiness.health
        self.health_message = readiness.health_message
        self.phase = readiness.phase
        self.message = readiness.reason
        return self.status() != before

    def status(self) -> AppStatus:
        return AppStatus(
            name=self.name,
            sync=self.sync,
            health=self.health,
            phase=self.phase,
            fate=self.fate,
            attempts=self.attempts,
            message=self.message,
            last_error=self.error,
        )

    def report(self) -> AppReport:
        return AppReport(
            name=self.name,
            sync=self.sync,
            health=self.health,
            health_message=self.health_message,
            phase=self.phase,
            fate=self.fate,
            attempts=self.attempts,
            error=self.error,
        )

    def settle_after_stop(self) -> None:
        """Set the fate of an app whose run stopped while it was still pending or in progress."""
        if self.fate in ("ready", "failed"):
            return
        touched = self.accepted_syncs > 0 or self.sync_request_pending
        self.fate = "in_flight" if touched else "skipped"


@dataclass
class RunState:
    run_id: str
    params: BatchSyncParams | None
    started_at: float
    phase: ProgressPhase = "resolving"
    plan: list[PlannedBatch] = field(default_factory=list)
    apps: dict[str, AppRun] = field(default_factory=dict)
    batches: list[BatchReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    current_batch: int = 0
    batch_started_at: float = 0.0
    last_ready_at: float = 0.0
    last_ready_count: int = 0
    last_progress: float = 0.0
    closest_names: list[str] = field(default_factory=list)

    def set_plan(self, plan: list[PlannedBatch], listed: dict[str, Application]) -> None:
        self.plan = plan
        self.batches = [BatchReport(number=batch.number, apps=list(batch.apps)) for batch in plan]
        for batch in plan:
            for name in batch.apps:
                self.apps[name] = AppRun.from_listed(listed[name], batch.number)

    @property
    def total_apps(self) -> int:
        return len(self.apps)

    @property
    def ready_apps(self) -> int:
        return sum(1 for app in self.apps.values() if app.fate == "ready")

    def batch_apps(self, number: int | None = None) -> list[AppRun]:
        number = number or self.current_batch
        if not 1 <= number <= len(self.plan):
            return []
        return [self.apps[name] for name in self.plan[number - 1].apps]

    def current_attempt(self) -> int:
        return max((app.attempts for app in self.batch_apps()), default=0)

    def note_ready_count(self, now: float) -> None:
        """Restart the progress fraction's clock when more apps are READY than last noted."""
        ready = self.ready_apps
        if ready > self.last_ready_count:
            self.last_ready_count = ready
            self.last_ready_at = now

    def progress_value(self, now: float) -> float:
        """Return apps READY plus a fraction below 1 that grows with the time since the last READY.

        The value never decreases between calls, and it reaches `total_apps` only when
        every app is READY.
        """
        ready = self.ready_apps
        if ready >= self.total_apps > 0:
            value = float(self.total_apps)
        else:
            waited = max(now - self.last_ready_at, 0.0)
            value = ready + waited / (waited + PROGRESS_TIME_CONSTANT)
        self.last_progress = max(value, self.last_progress)
        return self.last_progress

    def snapshot(self, now: float, message: str) -> BatchSyncProgress:
        """Build a progress snapshot; app statuses cover the current batch only.

        Statuses of every app on every update would cost O(apps) per snapshot, so
        O(apps²) over a large run, and make status results grow with the fleet. The
        result lists every app's fate at the end.
        """
        batch = self.batch_apps()
        return BatchSyncProgress(
            run_id=self.run_id,
            phase=self.phase,
            total_apps=self.total_apps,
            total_batches=len(self.plan),
            current_batch=self.current_batch,
            batch_apps=[app.name for app in batch],
            app_statuses={app.name: app.status() for app in batch},
            attempt=self.current_attempt(),
            max_retries=self.params.max_retries if self.params else 0,
            ready_apps=self.ready_apps,
            progress=self.progress_value(now),
            elapsed_seconds=round(now - self.started_at, 3),
            batch_elapsed_seconds=round(now - self.batch_started_at, 3) if self.current_batch else 0.0,
            message=message,
        )

    def names_with_fate(self, fate: AppFate) -> list[str]:
        return [name for name, app in self.apps.items() if app.fate == fate]

    def next_steps(self) -> list[NextStep]:
        steps = []
        for app in self.apps.values():
            if app.fate != "failed":
                continue
            health = f"health {app.health}" + (f": {app.health_message}" if app.health_message else "")
            reason = f"{health}; {app.error}" if app.error else health
            steps.append(NextStep(app=app.name, reason=reason, tools=list(DIAGNOSIS_TOOLS)))
        return steps

    def result(self, status: RunStatus, now: float, message: str) -> BatchSyncResult:
        params = self.params
        return BatchSyncResult(
            run_id=self.run_id,
            status=status,
            message=message,
            pattern=params.pattern if params else None,
            total_apps=self.total_apps,
            batch_size=params.batch_size if params else 0,
            max_retries=params.max_retries if params else 0,
            plan=self.plan,
            warnings=self.warnings,
            batches=self.batches,
            apps=[app.report() for app in self.apps.values()],
            completed=self.names_with_fate("ready"),
            failed=self.names_with_fate("failed"),
            in_flight=self.names_with_fate("in_flight"),
            skipped=self.names_with_fate("skipped"),
            excluded=self.excluded,
            closest_names=self.closest_names,
            next_steps=self.next_steps(),
            duration_seconds=round(now - self.started_at, 3),
        )
