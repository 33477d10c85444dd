"""One app's attempts within its batch: sync, wait for readiness, retry or give up.

Each attempt sends one sync request and waits up to `health_timeout_seconds` (on the
run's Clock, counted from the moment Argo CD accepted the sync) for the readiness rule
to say READY or FAILED. FAILED ends the attempt at once. A timeout first terminates our
operation if it still runs, because Argo CD refuses a sync while an operation exists.
An app never has two syncs of ours at a time. When Argo CD rejects a sync with "another
operation is already in progress", the app waits for that operation to end and then syncs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from argonaut_mcp.argocd.errors import (
    ArgoCDConnectionError,
    ArgoCDError,
    ArgoCDTimeoutError,
    InvalidRequestError,
    OperationInProgressError,
    ServerError,
)
from argonaut_mcp.argocd.models import Application
from argonaut_mcp.rollout.clock import Clock
from argonaut_mcp.rollout.params import BatchSyncParams
from argonaut_mcp.rollout.readiness import Readiness, ReadinessState, assess
from argonaut_mcp.rollout.state import AppRun
from argonaut_mcp.rollout.waiting import AppStates, read_state, wait_event_until

if TYPE_CHECKING:
    from argonaut_mcp.argocd import ArgoCDClient

logger = logging.getLogger(__name__)

# Pause before sending a request again after a transient failure (5xx, 429, timeout, network).
TRANSIENT_RETRY_SECONDS = 2.0
BUSY_PHASES = ("Running", "Terminating")


class AttemptOutcome(StrEnum):
    READY = "ready"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    REJECTED = "rejected"
    DELETED = "deleted"


class SyncRejectedError(Exception):
    """Argo CD rejected the sync for a reason that another attempt cannot fix (403, 400, 401, 404)."""


class AppDeletedError(Exception):
    """The app got a deletionTimestamp, or a DELETED watch event, while the run waited for it."""


@dataclass
class AttemptContext:
    """The client, clock, settings and callbacks that the attempts of a batch's apps share."""

    client: ArgoCDClient
    clock: Clock
    params: BatchSyncParams
    states: AppStates
    report: Callable[[], Awaitable[None]]
    enter_retry: Callable[[], Awaitable[None]]
    warnings: list[str]


async def drive_app(ctx: AttemptContext, app: AppRun) -> bool:
    """Run attempts until the app is READY, deleted, or out of attempts.

    Return False only when the app is out of attempts, which aborts the run. An app
    deleted during the rollout is skipped with a warning, and its batch goes on.
    """
    while app.attempts < ctx.params.max_attempts:
        app.attempts += 1
        if app.attempts > 1:
            logger.info("retrying app %s: attempt %d of %d", app.name, app.attempts, ctx.params.max_attempts)
            await ctx.enter_retry()

        outcome = await run_attempt(ctx, app)
        if outcome is AttemptOutcome.READY:
            app.fate = "ready"
            app.error = None
            await ctx.report()
            return True
        if outcome is AttemptOutcome.DELETED:
            return await skip_deleted(ctx, app)
        if outcome is AttemptOutcome.REJECTED:
            break

    app.fate = "failed"
    logger.warning("app %s failed after %d attempt(s): %s", app.name, app.attempts, app.error)
    await ctx.report()
    return False


async def skip_deleted(ctx: AttemptContext, app: AppRun) -> bool:
    app.fate = "skipped"
    app.error = "the app was deleted during the rollout"
    ctx.warnings.append(f"{app.name} was deleted during the rollout and was skipped")
    logger.warning("app %s is being deleted, so the run skips it", app.name)
    await ctx.report()
    return True


async def run_attempt(ctx: AttemptContext, app: AppRun) -> AttemptOutcome:
    app.fate = "syncing"
    await ctx.report()
    try:
        return await sync_and_wait(ctx, app)
    except AppDeletedError:
        return AttemptOutcome.DELETED
    except SyncRejectedError as exc:
        app.error = str(exc)
        await read_state(ctx.client, ctx.states, app.name)
        return AttemptOutcome.DELETED if ctx.states.is_being_deleted(app.name) else AttemptOutcome.REJECTED


async def sync_and_wait(ctx: AttemptContext, app: AppRun) -> AttemptOutcome:
    if not await request_sync(ctx, app):
        return AttemptOutcome.TIMED_OUT

    app.fate = "waiting"
    await ctx.report()
    await read_state(ctx.client, ctx.states, app.name)

    readiness = await wait_for_verdict(ctx, app)
    if readiness is not None and readiness.state is ReadinessState.READY:
        return AttemptOutcome.READY
    if readiness is not None:
        app.error = readiness.reason
        logger.warning("sync of app %s failed on attempt %d: %s", app.name, app.attempts, readiness.reason)
        return AttemptOutcome.FAILED

    app.error = f"health timeout: not Synced and Healthy within {ctx.params.health_timeout_seconds} s; last status: {app.message}"
    logger.warning("app %s timed out on attempt %d: %s", app.name, app.attempts, app.message)
    await terminate_if_running(ctx, app)
    return AttemptOutcome.TIMED_OUT


async def request_sync(ctx: AttemptContext, app: AppRun) -> bool:
    """Send the sync, waiting out a running operation and transient errors.

    Return True once Argo CD accepted it, with the app's baseline and deadline set, or
    False when no sync was accepted within `health_timeout_seconds`. Raise
    `SyncRejectedError` when Argo CD rejects the request itself.
    """
    give_up_at = ctx.clock.now() + ctx.params.health_timeout_seconds
    while True:
        try:
            response = await send_sync(ctx, app)
        except OperationInProgressError:
            logger.info("app %s already has an operation in progress, waiting for it to end before syncing", app.name)
            if not await wait_for_operation_end(ctx, app, give_up_at):
                app.error = f"the operation already running on the app did not end within {ctx.params.health_timeout_seconds} s"
                return False
            continue
        except ArgoCDError as exc:
            # NOTE: a 5xx or timeout may come after Argo CD accepted the sync. The next try then
            # gets "operation in progress", waits for that operation, and syncs once more.
            if not is_transient(exc):
                raise SyncRejectedError(f"Argo CD rejected the sync: {exc.message}") from exc
            logger.warning("sync request for app %s failed, retrying in %s s: %s", app.name, TRANSIENT_RETRY_SECONDS, exc)
            if ctx.clock.now() + TRANSIENT_RETRY_SECONDS >= give_up_at:
                app.error = f"sync request kept failing: {exc.message}"
                return False
            await ctx.clock.sleep(TRANSIENT_RETRY_SECONDS)
            continue

        app.accepted_syncs += 1
        app.baseline = response.resource_version_number
        app.deadline = ctx.clock.now() + ctx.params.health_timeout_seconds
        ctx.states.observe(response)
        logger.info("sync of app %s accepted (attempt %d, resourceVersion %s)", app.name, app.attempts, app.baseline)
        return True


async def send_sync(ctx: AttemptContext, app: AppRun) -> Application:
    params = ctx.params
    app.sync_request_pending = True
    try:
        return await ctx.client.sync_application(
            app.name,
            revision=params.revision,
            prune=params.prune,
            sync_options=params.sync_options,
        )
    finally:
        app.sync_request_pending = False


async def wait_for_operation_end(ctx: AttemptContext, app: AppRun, give_up_at: float) -> bool:
    """Wait until a newer state of the app shows no operation. Return False if `give_up_at` passes first."""
    fresh = await read_state(ctx.client, ctx.states, app.name)
    if fresh is not None and not has_operation(fresh):
        return True

    seen_version = ctx.states.version_of(app.name)
    while True:
        changed = ctx.states.changed()
        raise_if_deleted(ctx, app)
        latest = ctx.states.latest(app.name)
        if latest is not None and latest.resource_version_number > seen_version and not has_operation(latest):
            return True
        if ctx.clock.now() >= give_up_at:
            return False
        await wait_event_until(ctx.clock, changed, give_up_at)


def is_transient(exc: ArgoCDError) -> bool:
    """Return whether trying the same request again later may succeed.

    A 5xx counts even when its body is a proxy's HTML page (`UnexpectedResponseError`).
    """
    if isinstance(exc, (ServerError, ArgoCDTimeoutError, ArgoCDConnectionError)):
        return True
    return exc.status is not None and (exc.status >= 500 or exc.status == 429)


def has_operation(app: Application) -> bool:
    state = app.status.operation_state
    return app.operation is not None or (state is not None and state.phase in BUSY_PHASES)


async def wait_for_verdict(ctx: AttemptContext, app: AppRun) -> Readiness | None:
    """Wait for READY or FAILED. Return None when the attempt's deadline passes first."""
    assert app.baseline is not None and app.deadline is not None
    while True:
        changed = ctx.states.changed()
        raise_if_deleted(ctx, app)
        readiness = current_readiness(ctx, app)
        if readiness is not None and app.observe(readiness):
            await ctx.report()
        if readiness is not None and readiness.state is not ReadinessState.WAITING:
            return readiness
        if ctx.clock.now() >= app.deadline:
            return None
        await wait_event_until(ctx.clock, changed, app.deadline)


def raise_if_deleted(ctx: AttemptContext, app: AppRun) -> None:
    if ctx.states.is_being_deleted(app.name):
        raise AppDeletedError(app.name)


def current_readiness(ctx: AttemptContext, app: AppRun) -> Readiness | None:
    latest = ctx.states.latest(app.name)
    if latest is None or app.baseline is None:
        return None
    return assess(latest, app.baseline)


async def terminate_if_running(ctx: AttemptContext, app: AppRun) -> None:
    """Terminate our operation if the app may still run it.

    Argo CD's "no operation is in progress" error is logged and ignored.
    """
    latest = ctx.states.latest(app.name)
    if latest is not None and latest.resource_version_number > (app.baseline or 0) and not has_operation(latest):
        return

    logger.info("terminating the running sync operation of app %s before its next attempt", app.name)
    try:
        await ctx.client.terminate_operation(app.name)
    except InvalidRequestError as exc:
        logger.info("app %s had no operation to terminate: %s", app.name, exc.message)
    except ArgoCDError as exc:
        logger.warning("terminating the operation of app %s failed: %s", app.name, exc)
