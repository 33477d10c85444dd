"""The batch_sync engine: select, split, then per batch sync, wait and decide.

A batch starts only when every app of the previous batch is READY (see `readiness`).
Each app has `max_retries + 1` attempts (see `attempts`); an app out of attempts aborts
the run, so no later batch starts. Progress goes to an async callback and to the run
registry. All timing uses the injected `Clock`, so tests move a manual clock instead of
sleeping.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import anyio
from anyio.abc import TaskGroup

from argonaut_mcp.argocd.errors import ArgoCDError
from argonaut_mcp.argocd.models import ApplicationList
from argonaut_mcp.rollout.attempts import TRANSIENT_RETRY_SECONDS, AttemptContext, drive_app, is_transient
from argonaut_mcp.rollout.clock import Clock, SystemClock
from argonaut_mcp.rollout.contracts import BatchSyncProgress, BatchSyncResult, PlannedBatch, RunStatus
from argonaut_mcp.rollout.params import BatchSyncParams, InvalidParametersError, parse_params
from argonaut_mcp.rollout.plan import Plan, build_plan
from argonaut_mcp.rollout.progress import ProgressCallback, ProgressReporter
from argonaut_mcp.rollout.runs import AppsBusyError, RunRegistry
from argonaut_mcp.rollout.selection import SelectionError, select_applications
from argonaut_mcp.rollout.state import AppRun, RunState
from argonaut_mcp.rollout.waiting import AppStates, follow_watch, poll_states, watch_filters

if TYPE_CHECKING:
    from argonaut_mcp.argocd import ArgoCDClient

logger = logging.getLogger(__name__)

# Period of the progress heartbeat while a run is going. Consumers expect one at least every 10 s.
HEARTBEAT_SECONDS = 5.0
# Tries of the initial list call when Argo CD returns a transient error.
LIST_ATTEMPTS = 5
# Real-time bound on delivering the last snapshot of a cancelled run to the callback.
CANCEL_CLEANUP_SECONDS = 1.0


async def run_batch_sync(
    client: ArgoCDClient,
    params: BatchSyncParams | Mapping[str, Any],
    *,
    on_progress: ProgressCallback | None = None,
    clock: Clock | None = None,
    registry: RunRegistry | None = None,
    run_id: str | None = None,
) -> BatchSyncResult:
    """Roll a sync out over the selected apps in batches and return the result.

    `params` is a `BatchSyncParams` or the raw arguments for `parse_params`. Invalid
    input returns a result with status `invalid` instead of raising. `run_id` may name a
    run already started in `registry`. Cancelling the calling task (or `registry.cancel`)
    stops the run within a second: the run is recorded as `cancelled` with its partial
    results, and syncs Argo CD already accepted are left to finish. After
    `registry.cancel` the function returns that cancelled result. Cancellation of the
    calling task propagates once the result is recorded. An unexpected error is recorded
    as an `aborted` result and then re-raised.
    """
    registry = registry if registry is not None else RunRegistry()
    record = registry.get(run_id) if run_id else None
    if record is None:
        record = registry.start(run_id)

    rollout = Rollout(client, clock or SystemClock(), registry, record.run_id, on_progress)
    return await rollout.execute(params)


class Rollout:
    """One run of batch_sync, from selection to the result."""

    def __init__(
        self,
        client: ArgoCDClient,
        clock: Clock,
        registry: RunRegistry,
        run_id: str,
        on_progress: ProgressCallback | None,
    ) -> None:
        self.client = client
        self.clock = clock
        self.registry = registry
        self.run_id = run_id
        self.state = RunState(run_id=run_id, params=None, started_at=clock.now(), last_ready_at=clock.now())
        self.reporter = ProgressReporter(self.state, clock, registry, on_progress)
        self.params: BatchSyncParams | None = None
        self.result: BatchSyncResult | None = None
        self.final_snapshot: BatchSyncProgress | None = None

    async def execute(self, raw: BatchSyncParams | Mapping[str, Any]) -> BatchSyncResult:
        try:
            with anyio.CancelScope() as scope:
                self.registry.attach_cancel_scope(self.run_id, scope)
                result = await self.run(raw)
            if scope.cancelled_caught:
                with anyio.CancelScope(shield=True):
                    result = await self.finish_cancelled()
            return result
        except anyio.get_cancelled_exc_class():
            with anyio.CancelScope(shield=True):
                await self.finish_cancelled()
            raise
        except Exception as exc:
            logger.exception("batch_sync run %s failed unexpectedly", self.run_id)
            self.settle_unfinished()
            with anyio.CancelScope(shield=True):
                await self.finish("aborted", f"the run stopped on an unexpected error: {exc}")
            raise

    async def run(self, raw: BatchSyncParams | Mapping[str, Any]) -> BatchSyncResult:
        try:
            self.params = raw if isinstance(raw, BatchSyncParams) else parse_params(**raw)
        except InvalidParametersError as exc:
            return await self.finish("invalid", exc.message)
        self.state.params = self.params

        await self.reporter.emit("resolving")
        plan_or_result = await self.resolve(self.params)
        if isinstance(plan_or_result, BatchSyncResult):
            return plan_or_result
        plan = plan_or_result

        if self.params.dry_run:
            return await self.finish("dry_run", describe_plan(plan, dry_run=True))
        if not plan.batches:
            return await self.finish("complete", "every selected app is already Synced and Healthy; nothing to sync")
        try:
            self.registry.claim(plan.app_names, self.run_id)
        except AppsBusyError as exc:
            return await self.finish("invalid", exc.message)

        logger.info("run %s: %s", self.run_id, describe_plan(plan, dry_run=False))
        return await self.run_batches(plan.batches)

    async def resolve(self, params: BatchSyncParams) -> Plan | BatchSyncResult:
        """List, select and plan. Return the plan, or the result when the run cannot start."""
        try:
            listed = await self.list_applications(params)
        except ArgoCDError as exc:
            return await self.finish("aborted", f"listing applications failed: {exc}")

        try:
            selection = select_applications(listed.items, params)
        except SelectionError as exc:
            self.state.closest_names = exc.closest_names
            return await self.finish("no_match", exc.message)

        self.state.excluded = list(selection.being_deleted)
        if not selection.apps:
            names = ", ".join(selection.being_deleted)
            return await self.finish("no_match", f"every selected application is being deleted: {names}")

        plan = build_plan(selection.apps, params.batch_size, only_out_of_sync=params.only_out_of_sync)
        self.state.excluded += plan.up_to_date
        self.state.warnings = plan.warnings + deletion_warnings(selection.being_deleted)
        self.state.set_plan(plan.batches, {app.qualified_name(): app for app in selection.apps})
        return plan

    async def list_applications(self, params: BatchSyncParams) -> ApplicationList:
        """List the apps (trimmed to the summary fields), trying again after transient failures."""
        for attempt in range(1, LIST_ATTEMPTS + 1):
            try:
                return await self.client.list_applications(app_namespace=params.app_namespace, summary=True)
            except ArgoCDError as exc:
                if not is_transient(exc) or attempt == LIST_ATTEMPTS:
                    raise
                logger.warning("listing applications failed (attempt %d of %d), retrying: %s", attempt, LIST_ATTEMPTS, exc)
                await self.clock.sleep(TRANSIENT_RETRY_SECONDS)
        raise AssertionError("unreachable")

    async def run_batches(self, batches: list[PlannedBatch]) -> BatchSyncResult:
        failed_batch: PlannedBatch | None = None
        async with anyio.create_task_group() as background:
            background.start_soon(self.send_heartbeats)
            for batch in batches:
                if not await self.run_batch(batch, background):
                    failed_batch = batch
                    break
            background.cancel_scope.cancel()

        if failed_batch is not None:
            return await self.finish_aborted(failed_batch)
        return await self.finish("complete", self.complete_message())

    async def run_batch(self, batch: PlannedBatch, background: TaskGroup) -> bool:
        """Sync the batch's apps and wait until all are READY (True) or one is out of attempts (False).

        The batch's watch streams and poll run in `background` under their own cancel
        scope, which is cancelled without waiting, so the next batch's syncs go out at once.
        """
        self.begin_batch(batch)
        apps = self.state.batch_apps(batch.number)
        states = AppStates(batch.apps)
        await self.reporter.emit("batch_start")

        listeners = anyio.CancelScope()
        background.start_soon(self.listen, listeners, states, apps)
        await self.reporter.emit("syncing")
        try:
            succeeded = await self.drive_batch(states, apps)
        finally:
            listeners.cancel()

        self.end_batch(batch, "complete" if succeeded else "failed")
        await self.reporter.emit("batch_complete" if succeeded else "batch_failed")
        return succeeded

    async def drive_batch(self, states: AppStates, apps: list[AppRun]) -> bool:
        assert self.params is not None
        context = AttemptContext(
            client=self.client,
            clock=self.clock,
            params=self.params,
            states=states,
            report=self.report_app_change,
            enter_retry=self.enter_retry,
            warnings=self.state.warnings,
        )
        out_of_attempts: list[str] = []

        async with anyio.create_task_group() as drivers:

            async def drive(app: AppRun) -> None:
                if not await drive_app(context, app):
                    out_of_attempts.append(app.name)
                    drivers.cancel_scope.cancel()

            for app in apps:
                drivers.start_soon(drive, app)
        return not out_of_attempts

    async def listen(self, scope: anyio.CancelScope, states: AppStates, apps: list[AppRun]) -> None:
        """Feed `states` from the watch streams and the safety poll until `scope` is cancelled."""
        assert self.params is not None
        run_filters = {
            "projects": [self.params.project] if self.params.project else None,
            "selector": self.params.selector,
            "app_namespace": self.params.app_namespace,
        }

        def waiting_names() -> list[str]:
            return [app.name for app in apps if app.fate in ("syncing", "waiting")]

        with scope:
            async with anyio.create_task_group() as group:
                for filters in watch_filters([app.name for app in apps], run_filters):
                    group.start_soon(follow_watch, self.client, states, self.clock, filters)
                group.start_soon(poll_states, self.client, states, self.clock, self.params.poll_interval_seconds, waiting_names)

    async def send_heartbeats(self) -> None:
        while True:
            await self.clock.sleep(HEARTBEAT_SECONDS)
            await self.reporter.emit()

    async def report_app_change(self) -> None:
        """Send a snapshot after an app's status changed.

        The run leaves the syncing phase once Argo CD has accepted or rejected every sync of the batch.
        """
        state = self.state
        if state.phase in ("syncing", "retrying") and not any(app.fate == "syncing" for app in state.batch_apps()):
            state.phase = "polling"
        state.note_ready_count(self.clock.now())
        await self.reporter.emit()

    async def enter_retry(self) -> None:
        await self.reporter.emit("retrying")

    def begin_batch(self, batch: PlannedBatch) -> None:
        self.state.current_batch = batch.number
        self.state.batch_started_at = self.clock.now()
        self.state.batches[batch.number - 1].outcome = "running"
        logger.info("run %s: batch %d/%d started: %s", self.run_id, batch.number, len(self.state.plan), ", ".join(batch.apps))

    def end_batch(self, batch: PlannedBatch, outcome: str) -> None:
        report = self.state.batches[batch.number - 1]
        report.outcome = outcome  # type: ignore[assignment]
        report.attempts = max((app.attempts for app in self.state.batch_apps(batch.number)), default=0)
        report.duration_seconds = round(self.clock.now() - self.state.batch_started_at, 3)
        logger.info("run %s: batch %d %s after %.0f s", self.run_id, batch.number, outcome, report.duration_seconds)

    async def finish_aborted(self, batch: PlannedBatch) -> BatchSyncResult:
        self.settle_unfinished()
        failed = ", ".join(self.state.names_with_fate("failed"))
        return await self.finish("aborted", f"aborted in batch {batch.number}/{len(self.state.plan)}: {failed} failed. {self.counts()}")

    async def finish_cancelled(self) -> BatchSyncResult:
        """Record the run as cancelled with its partial results, and deliver the last snapshot within a bounded time.

        A run whose result is already recorded keeps that result, and no snapshot is sent.
        """
        if self.result is not None:
            return self.result
        if self.state.current_batch:
            report = self.state.batches[self.state.current_batch - 1]
            if report.outcome == "running":
                self.end_batch(PlannedBatch(number=report.number, apps=report.apps), "cancelled")
        self.settle_unfinished()
        batch = f" in batch {self.state.current_batch}/{len(self.state.plan)}" if self.state.current_batch else ""
        message = f"cancelled{batch}; syncs already accepted by Argo CD were left to finish. {self.counts()}"
        with anyio.move_on_after(CANCEL_CLEANUP_SECONDS):
            return await self.finish("cancelled", message)
        return self.finish_quietly("cancelled", message)

    def settle_unfinished(self) -> None:
        for app in self.state.apps.values():
            app.settle_after_stop()
        for report in self.state.batches:
            if report.outcome == "pending":
                report.outcome = "skipped"

    async def finish(self, status: RunStatus, message: str) -> BatchSyncResult:
        """Record the last snapshot and the result in the registry, then send that snapshot."""
        if self.result is not None:
            return self.result
        result = self.finish_quietly(status, message)
        if self.final_snapshot is not None:
            await self.reporter.send(self.final_snapshot)
        return result

    def finish_quietly(self, status: RunStatus, message: str) -> BatchSyncResult:
        """Record the last snapshot (for a complete, aborted or cancelled run) and the result, without awaiting.

        Both are stored with no await in between, so a status read or a cancel never sees the
        result beside an earlier snapshot.
        """
        if self.result is not None:
            return self.result
        if status in ("complete", "aborted", "cancelled"):
            self.final_snapshot = self.reporter.record(status, message)
        result = self.state.result(status, self.clock.now(), message)
        self.result = result
        self.registry.finish(self.run_id, result)
        logger.info("run %s %s: %s", self.run_id, status, message)
        return result

    def complete_message(self) -> str:
        state = self.state
        skipped = state.names_with_fate("skipped")
        if not skipped:
            return f"all {state.total_apps} apps are Synced and Healthy after {len(state.plan)} batch(es)"
        ready = len(state.names_with_fate("ready"))
        return (
            f"{ready} of {state.total_apps} apps are Synced and Healthy after {len(state.plan)} batch(es); "
            f"deleted during the rollout and skipped: {', '.join(skipped)}"
        )

    def counts(self) -> str:
        state = self.state
        return (
            f"{len(state.names_with_fate('ready'))} completed, {len(state.names_with_fate('failed'))} failed, "
            f"{len(state.names_with_fate('in_flight'))} in flight, {len(state.names_with_fate('skipped'))} skipped"
        )


def describe_plan(plan: Plan, *, dry_run: bool) -> str:
    total = len(plan.app_names)
    text = f"{total} apps in {len(plan.batches)} batch(es)"
    if plan.up_to_date:
        text += f"; {len(plan.up_to_date)} already Synced and Healthy left out"
    return f"dry run: would sync {text}; nothing was synced" if dry_run else f"syncing {text}"


def deletion_warnings(being_deleted: list[str]) -> list[str]:
    if not being_deleted:
        return []
    return [f"left out because they are being deleted: {', '.join(being_deleted)}"]
