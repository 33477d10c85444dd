"""The simulated application controller: what happens to an app after a sync is accepted.

Per attempt, from the app's script (`scenario.Attempt`), as Argo CD 3.6's controller does it:

1. Sync accepted (API server): `operation` set, `status.operationState` cleared; sync and
   health keep their OLD values (the stale-Healthy window).
2. `start` s later: `operationState.phase` Running, `startedAt` set.
3. `run` s later the operation ends: Succeeded, Failed or Error, `finishedAt` set,
   `operation` cleared. With `retries`, each failed try first shows phase Running WITH
   `finishedAt` and "Retrying attempt #N" for `retry_backoff` s, then runs again.
4. `reconcile` s later: `reconciledAt` set, sync status Synced (OutOfSync after a failure),
   health Progressing.
5. `progress` s later: the final health (Healthy, Degraded, ...). A scripted health of
   Progressing stays stuck.

Terminate sets phase Terminating. At the next clock step the operation ends Failed,
"Operation terminated". Every write goes through the store, which bumps resourceVersion.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import objects
from .clock import SandboxClock, Timer
from .errors import NO_OPERATION_TO_TERMINATE, OPERATION_IN_PROGRESS, ApiError
from .scenario import AppSpec, Attempt, Scenario
from .stats import Stats
from .store import App, AppKey, AppStore

logger = logging.getLogger(__name__)

RUNNING_MESSAGE = "one or more tasks are running"
TERMINATED_MESSAGE = "Operation terminated"
DRY_RUN = Attempt(start=0.0, run=0.5, reconcile=0.0, progress=0.0)


@dataclass
class SyncRequest:
    """The parts of `ApplicationSyncRequest` the controller uses; unknown fields are ignored."""

    revision: str = ""
    prune: bool = False
    dry_run: bool = False
    strategy: dict[str, Any] | None = None
    resources: list[dict[str, Any]] | None = None
    sync_options: list[str] = field(default_factory=list)
    retry_strategy: dict[str, Any] | None = None
    infos: list[dict[str, Any]] | None = None


@dataclass
class KubeEventRecord:
    at: float
    reason: str
    message: str
    type: str = "Normal"
    count: int = 1


@dataclass
class AppRuntime:
    """The controller's memory of one app, beside its stored object."""

    spec: AppSpec
    key: AppKey
    deployed_number: int
    desired_number: int
    attempts_started: int = 0
    timers: list[Timer] = field(default_factory=list)
    pending_reconcile: Callable[[], None] | None = None
    pending_reconcile_timer: Timer | None = None
    deletion_scheduled: bool = False
    automated_operation: bool = False
    events: list[KubeEventRecord] = field(default_factory=list)

    def cancel_timers(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.timers.clear()
        self.pending_reconcile = None
        self.pending_reconcile_timer = None


class Controller:
    def __init__(self, store: AppStore, clock: SandboxClock, stats: Stats, scenario: Scenario) -> None:
        self._store = store
        self._clock = clock
        self._stats = stats
        self._scenario = scenario
        self.runtimes: dict[AppKey, AppRuntime] = {}

    # -- fleet ---------------------------------------------------------------------------

    def populate(self) -> None:
        """Create every app of the scenario at simulated time 0 and schedule its script."""
        for spec in self._scenario.apps:
            self.create(spec)

    def create(self, spec: AppSpec) -> App:
        deployed = 7 + sum(map(ord, spec.name)) % 9
        desired = deployed if spec.sync == "Synced" and spec.operation_at_start is None else deployed + 1
        app = objects.build_application(spec, self._clock.epoch, deployed_number=deployed, desired_number=desired)
        runtime = AppRuntime(spec, (spec.namespace, spec.name), deployed, desired)
        self.runtimes[runtime.key] = runtime

        if spec.operation_at_start is not None:
            self._start_automated_operation(runtime, app, spec.operation_at_start)
        stored = self._store.add(app)

        if spec.deletion is not None and spec.deletion.at is not None:
            runtime.deletion_scheduled = True
            self._clock.call_at(spec.deletion.at, lambda: self.delete(runtime.key, grace=spec.deletion.grace))
        return stored

    def _start_automated_operation(self, runtime: AppRuntime, app: App, attempt: Attempt) -> None:
        """Give a new app an auto-sync operation that is already running at time 0."""
        revision = objects.revision_sha(runtime.spec.name, runtime.desired_number)
        operation = {
            "sync": objects.sync_operation(revision, prune=True),
            "initiatedBy": {"automated": True},
            "retry": {"limit": 5},
        }
        app["spec"]["syncPolicy"]["automated"] = {"prune": True, "selfHeal": True}
        app["operation"] = operation
        app["status"]["sync"]["status"] = "OutOfSync"
        app["status"]["operationState"] = {
            "operation": copy.deepcopy(operation),
            "phase": "Running",
            "message": RUNNING_MESSAGE,
            "startedAt": self._clock.timestamp(-20.0),
        }
        runtime.automated_operation = True
        self._record(runtime, "OperationStarted", f"Initiated automated sync to '{revision}'")
        self._schedule(runtime, attempt.run, lambda: self._end_try(runtime, attempt, 1, revision))

    # -- API actions ---------------------------------------------------------------------

    def accept_sync(self, key: AppKey, request: SyncRequest, username: str) -> App:
        """Set the operation as Argo CD's API server does; raises `ApiError` when it cannot."""
        runtime = self.runtimes[key]
        app = self._store.get(key)
        assert app is not None

        if app.get("operation") is not None:
            self._stats.sync_rejected(key)
            raise ApiError(9, OPERATION_IN_PROGRESS)
        if app["metadata"].get("deletionTimestamp"):
            # NOTE: the status (400) matches Argo CD's source, but the code and message for
            # syncing an app being deleted are not checked against it.
            raise ApiError(3, f'application "{key[1]}" is being deleted')

        attempt = self._next_attempt(runtime, request)
        revision_label = request.revision or app["spec"]["source"].get("targetRevision", "HEAD")
        target = self._target_sha(runtime, request.revision)
        operation = self._operation(app, request, revision_label, username)

        runtime.cancel_timers()
        runtime.automated_operation = False
        updated = self._write(key, lambda new: _set_operation(new, operation))
        self._stats.sync_accepted(key)
        self._record(runtime, "OperationStarted", f"{username} initiated sync to {revision_label} ({target})")
        logger.debug("sandbox accepted sync of %s, attempt %d", key[1], runtime.attempts_started)

        self._schedule(runtime, attempt.start, lambda: self._begin(runtime, attempt, target, request.dry_run))
        self._schedule_deletion_after_sync(runtime)
        return updated

    def terminate(self, key: AppKey) -> None:
        app = self._store.get(key)
        assert app is not None
        if app.get("operation") is None or app["status"].get("operationState") is None:
            raise ApiError(3, NO_OPERATION_TO_TERMINATE)

        runtime = self.runtimes[key]
        runtime.cancel_timers()
        self._write(key, lambda new: new["status"]["operationState"].__setitem__("phase", "Terminating"))
        self._stats.terminated(key)
        self._schedule(runtime, 0.0, lambda: self._finish_terminated(runtime))

    def refresh(self, key: AppKey) -> None:
        """Compare the app with Git now: a pending reconcile runs at once, else `reconciledAt` moves."""
        runtime = self.runtimes[key]
        if runtime.pending_reconcile is not None:
            reconcile = runtime.pending_reconcile
            if runtime.pending_reconcile_timer is not None:
                runtime.pending_reconcile_timer.cancel()
            runtime.pending_reconcile = None
            runtime.pending_reconcile_timer = None
            reconcile()
            return
        now = self._clock.timestamp()
        self._write(key, lambda new: new["status"].__setitem__("reconciledAt", now))

    def delete(self, key: AppKey, *, grace: float = 1.0) -> None:
        """Set `deletionTimestamp` now and remove the app `grace` seconds later (0: at once)."""
        runtime = self.runtimes.get(key)
        if runtime is None or self._store.get(key) is None:
            return
        runtime.cancel_timers()
        now = self._clock.timestamp()
        self._write(key, lambda new: _mark_deleting(new, now))
        self._record(runtime, "DeletionStarted", "application deletion started (cascade: foreground)")
        if grace <= 0:
            self._remove(runtime)
        else:
            self._schedule(runtime, grace, lambda: self._remove(runtime))

    # -- script steps --------------------------------------------------------------------

    def _begin(self, runtime: AppRuntime, attempt: Attempt, target: str, dry_run: bool) -> None:
        now = self._clock.timestamp()

        def start(app: App) -> None:
            app["status"]["operationState"] = {
                "operation": copy.deepcopy(app["operation"]),
                "phase": "Running",
                "message": RUNNING_MESSAGE,
                "startedAt": now,
            }

        self._write(runtime.key, start)
        self._schedule(runtime, attempt.run, lambda: self._end_try(runtime, attempt, 1, target, dry_run))

    def _end_try(self, runtime: AppRuntime, attempt: Attempt, try_number: int, target: str, dry_run: bool = False) -> None:
        if try_number <= attempt.retries and not dry_run:
            self._enter_retry_wait(runtime, attempt, try_number, target)
        else:
            self._finish(runtime, attempt, target, dry_run)

    def _enter_retry_wait(self, runtime: AppRuntime, attempt: Attempt, try_number: int, target: str) -> None:
        """Record a failed try with Argo CD retries left: phase stays Running, `finishedAt` is set."""
        now = self._clock.timestamp()
        retry_at = self._clock.wall_time(self._clock.now() + attempt.retry_backoff)
        message = (
            f"{_failure_message(runtime.spec.name)}. Retrying attempt #{try_number} at "
            f"{retry_at.strftime('%I:%M%p').lstrip('0')}."
        )

        def wait(app: App) -> None:
            state = app["status"]["operationState"]
            state.update(phase="Running", message=message, finishedAt=now, retryCount=try_number)
            state["syncResult"] = {"resources": objects.sync_result_resources(runtime.spec, failed=True), "revision": target, "source": objects.source_of(runtime.spec)}

        self._write(runtime.key, wait)
        self._schedule(runtime, attempt.retry_backoff, lambda: self._retry(runtime, attempt, try_number + 1, target))

    def _retry(self, runtime: AppRuntime, attempt: Attempt, try_number: int, target: str) -> None:
        def resume(app: App) -> None:
            state = app["status"]["operationState"]
            state.pop("finishedAt", None)
            state.pop("syncResult", None)
            state["message"] = RUNNING_MESSAGE

        self._write(runtime.key, resume)
        self._schedule(runtime, attempt.run, lambda: self._end_try(runtime, attempt, try_number, target))

    def _finish(self, runtime: AppRuntime, attempt: Attempt, target: str, dry_run: bool) -> None:
        phase = attempt.phase if not dry_run else "Succeeded"
        message = attempt.message or _end_message(phase, runtime.spec.name, dry_run)
        now = self._clock.now()
        succeeded = phase == "Succeeded" and not dry_run
        automated = runtime.automated_operation

        def end(app: App) -> None:
            state = app["status"]["operationState"]
            state.update(phase=phase, message=message, finishedAt=self._clock.timestamp(now))
            state["syncResult"] = {"resources": objects.sync_result_resources(runtime.spec, failed=phase != "Succeeded"), "revision": target, "source": objects.source_of(runtime.spec)}
            app.pop("operation", None)
            if succeeded:
                _append_history(app, runtime.spec, target, state["startedAt"], self._clock.timestamp(now), automated=automated)

        self._write(runtime.key, end)
        if succeeded and target == objects.revision_sha(runtime.spec.name, runtime.desired_number):
            runtime.deployed_number = runtime.desired_number
        self._stats.operation_ended(runtime.key, phase, automated=automated)
        outcome = "succeeded" if phase == "Succeeded" else "failed"
        self._record(runtime, "OperationCompleted", f"Sync operation to {target} {outcome}", "Normal" if phase == "Succeeded" else "Warning")
        self._schedule_reconcile(runtime, attempt, phase, target, dry_run)

    def _finish_terminated(self, runtime: AppRuntime) -> None:
        now = self._clock.timestamp()

        def end(app: App) -> None:
            state = app["status"]["operationState"]
            state.update(phase="Failed", message=TERMINATED_MESSAGE, finishedAt=now)
            app.pop("operation", None)

        self._write(runtime.key, end)
        self._stats.operation_ended(runtime.key, "Failed", automated=runtime.automated_operation)
        self._record(runtime, "OperationCompleted", "Sync operation terminated", "Warning")
        self._schedule_reconcile(runtime, Attempt(phase="Failed"), "Failed", "", False)

    def _schedule_reconcile(self, runtime: AppRuntime, attempt: Attempt, phase: str, target: str, dry_run: bool) -> None:
        def reconcile() -> None:
            runtime.pending_reconcile = None
            runtime.pending_reconcile_timer = None
            self._reconcile(runtime, attempt, phase, target, dry_run)

        runtime.pending_reconcile = reconcile
        runtime.pending_reconcile_timer = self._schedule(runtime, attempt.reconcile, reconcile)

    def _reconcile(self, runtime: AppRuntime, attempt: Attempt, phase: str, target: str, dry_run: bool) -> None:
        now = self._clock.timestamp()
        succeeded = phase == "Succeeded" and not dry_run
        spec = runtime.spec
        previous = self._store.get(runtime.key)
        assert previous is not None
        old_sync = previous["status"]["sync"]["status"]
        old_health = previous["status"]["health"]["status"]
        new_health = old_health
        if succeeded:
            new_health = "Progressing" if attempt.progress > 0 or attempt.health == "Progressing" else attempt.health

        def compare(app: App) -> None:
            status = app["status"]
            status["reconciledAt"] = now
            if dry_run:
                return
            if succeeded:
                status["sync"]["status"] = "Synced"
                status["sync"]["revision"] = target
                status["summary"]["images"][0] = objects.image_for(spec, target)
            else:
                status["sync"]["status"] = "OutOfSync"
            status["resources"] = objects.resource_statuses(spec, status["sync"]["status"])
            if new_health != old_health:
                status["health"] = objects.health_of(new_health, spec.name, now)

        self._write(runtime.key, compare)
        new_sync = "OutOfSync"
        if succeeded:
            new_sync = "Synced"
        elif dry_run:
            new_sync = old_sync
        if new_sync != old_sync:
            self._record(runtime, "ResourceUpdated", f"Updated sync status: {old_sync} -> {new_sync}")
        if new_health != old_health:
            self._record(runtime, "ResourceUpdated", f"Updated health status: {old_health} -> {new_health}")
        if succeeded and new_health == "Progressing" and attempt.health != "Progressing":
            self._schedule(runtime, attempt.progress, lambda: self._settle_health(runtime, attempt.health))

    def _settle_health(self, runtime: AppRuntime, health: str) -> None:
        now = self._clock.timestamp()
        spec = runtime.spec

        def settle(app: App) -> None:
            status = app["status"]
            status["health"] = objects.health_of(health, spec.name, now)

        self._write(runtime.key, settle)
        self._record(runtime, "ResourceUpdated", f"Updated health status: Progressing -> {health}", "Normal" if health == "Healthy" else "Warning")

    def _remove(self, runtime: AppRuntime) -> None:
        runtime.cancel_timers()
        self._store.remove(runtime.key)
        self._stats.app_removed(runtime.key)

    # -- helpers -------------------------------------------------------------------------

    def _next_attempt(self, runtime: AppRuntime, request: SyncRequest) -> Attempt:
        if request.dry_run:
            return DRY_RUN
        runtime.attempts_started += 1
        return runtime.spec.attempt(runtime.attempts_started, self._scenario.default_attempt)

    def _target_sha(self, runtime: AppRuntime, revision: str) -> str:
        if len(revision) == 40 and all(char in "0123456789abcdef" for char in revision):
            return revision
        return objects.revision_sha(runtime.spec.name, runtime.desired_number)

    def _operation(self, app: App, request: SyncRequest, revision: str, username: str) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if request.sync_options:
            extra["syncOptions"] = list(request.sync_options)
        if request.strategy:
            extra["syncStrategy"] = copy.deepcopy(request.strategy)
        if request.resources:
            extra["resources"] = copy.deepcopy(request.resources)
        retry = request.retry_strategy or app["spec"].get("syncPolicy", {}).get("retry") or {}
        operation: dict[str, Any] = {
            "sync": objects.sync_operation(revision, prune=request.prune, dry_run=request.dry_run, extra=extra),
            "initiatedBy": {"username": username},
            "retry": copy.deepcopy(retry),
        }
        if request.infos:
            operation["info"] = copy.deepcopy(request.infos)
        return operation

    def _schedule_deletion_after_sync(self, runtime: AppRuntime) -> None:
        deletion = runtime.spec.deletion
        if deletion is None or deletion.after_sync is None or runtime.deletion_scheduled:
            return
        runtime.deletion_scheduled = True
        # Not kept in runtime.timers: a later sync or terminate must not cancel the deletion.
        self._clock.call_later(deletion.after_sync, lambda: self.delete(runtime.key, grace=deletion.grace))

    def _schedule(self, runtime: AppRuntime, delay: float, callback: Callable[[], None]) -> Timer:
        runtime.timers = [item for item in runtime.timers if not item.cancelled]
        timer = self._clock.call_later(delay, callback)
        runtime.timers.append(timer)
        return timer

    def _write(self, key: AppKey, mutate: Callable[[App], None]) -> App:
        updated = self._store.update(key, mutate)
        assert updated is not None, f"app {key} vanished during a controller step"
        return updated

    def _record(self, runtime: AppRuntime, reason: str, message: str, kind: str = "Normal") -> None:
        runtime.events.append(KubeEventRecord(self._clock.now(), reason, message, kind))


def _set_operation(app: App, operation: dict[str, Any]) -> None:
    app["operation"] = operation
    app["status"].pop("operationState", None)


def _mark_deleting(app: App, now: str) -> None:
    app["metadata"]["deletionTimestamp"] = now
    app["metadata"]["deletionGracePeriodSeconds"] = 0


def _append_history(app: App, spec: AppSpec, revision: str, started: str, deployed: str, *, automated: bool) -> None:
    history = app["status"].setdefault("history", [])
    number = (history[-1]["id"] + 1) if history else 0
    entry = objects.history_entry(spec, number, revision, _parse(started), _parse(deployed), automated=automated)
    history.append(entry)
    del history[: max(len(history) - objects.HISTORY_LENGTH, 0)]


def _parse(timestamp: str) -> datetime:
    return datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ")


def _failure_message(name: str) -> str:
    return f'one or more objects failed to apply, reason: Deployment.apps "{name}" is invalid: spec.template.spec.containers[0].image: Required value'


def _end_message(phase: str, name: str, dry_run: bool) -> str:
    if phase == "Succeeded":
        return "successfully synced (no more tasks)" if dry_run else "successfully synced (all tasks run)"
    if phase == "Error":
        return (
            "ComparisonError: Failed to load target state: failed to generate manifest for source 1 of 1: "
            "rpc error: code = Unknown desc = Manifest generation error (cached): `helm template .` failed exit status 1"
        )
    return _failure_message(name)

