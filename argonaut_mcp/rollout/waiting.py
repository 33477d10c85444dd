"""Sources of app state for a batch (the watch stream and the safety poll), and waits on a Clock.

`AppStates` keeps the newest observed state of each app of a batch (by resourceVersion)
and wakes every waiter when one changes. The watch stream feeds it as events arrive,
and a poll every `poll_interval_seconds` backs the stream up, because Argo CD drops
events for slow readers. All waiting is measured on the injected `Clock`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import anyio

from argonaut_mcp.argocd.errors import ArgoCDError
from argonaut_mcp.argocd.models import Application
from argonaut_mcp.rollout.clock import Clock

if TYPE_CHECKING:
    from argonaut_mcp.argocd import ArgoCDClient

logger = logging.getLogger(__name__)

# The argocd CLI waits this long before it reconnects a watch (Argo CD 3.6 `app wait`).
WATCH_RECONNECT_SECONDS = 1.0
# Consecutive watch failures (an error, or a stream that ended without one event) after
# which the batch stops watching and relies on the poll alone.
MAX_WATCH_FAILURES = 5
# Up to this many apps in a batch, each app gets its own name-filtered watch stream, as
# `argocd app wait` does. Larger batches share one stream scoped by the run's filters.
MAX_PER_APP_WATCHES = 10
# Reads in flight at once during a safety poll, to spare Argo CD on large batches.
MAX_CONCURRENT_POLLS = 20


class AppStates:
    """The newest observed state of each app of a batch, keyed by qualified name."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = set(names)
        self._latest: dict[str, Application] = {}
        self._deleted: set[str] = set()
        self._changed = anyio.Event()
        self.watch_broken = False

    def observe(self, app: Application) -> bool:
        """Keep `app` if it belongs to the batch and is newer than the state seen before, and wake waiters."""
        name = app.qualified_name()
        if name not in self.names:
            return False

        known = self._latest.get(name)
        if known is not None and app.metadata.resource_version and app.resource_version_number <= known.resource_version_number:
            return False

        self._latest[name] = app
        self._notify()
        return True

    def observe_deleted(self, app: Application) -> None:
        """Record a DELETED watch event: the app no longer exists in Argo CD."""
        name = app.qualified_name()
        if name in self.names and name not in self._deleted:
            self._deleted.add(name)
            self._notify()

    def is_being_deleted(self, name: str) -> bool:
        latest = self._latest.get(name)
        return name in self._deleted or (latest is not None and latest.being_deleted)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = anyio.Event()

    def latest(self, name: str) -> Application | None:
        return self._latest.get(name)

    def version_of(self, name: str) -> int:
        app = self._latest.get(name)
        return app.resource_version_number if app else 0

    def changed(self) -> anyio.Event:
        """Return the event that the next change sets. Take it before checking the state."""
        return self._changed


async def wait_event_until(clock: Clock, event: anyio.Event, deadline: float) -> None:
    """Return when `event` is set or `clock` reaches `deadline`, whichever comes first."""
    async with anyio.create_task_group() as group:

        async def alarm() -> None:
            await clock.sleep(deadline - clock.now())
            group.cancel_scope.cancel()

        group.start_soon(alarm)
        await event.wait()
        group.cancel_scope.cancel()


def watch_filters(names: Sequence[str], scope: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the filters of the watch streams for a batch's apps.

    `scope` contains the run's `projects`, `selector` and `app_namespace` filters, used for a
    shared stream when the batch is larger than `MAX_PER_APP_WATCHES`.
    """
    if len(names) <= MAX_PER_APP_WATCHES:
        return [{"name": name} for name in names]
    return [{key: value for key, value in scope.items() if value}]


async def follow_watch(client: ArgoCDClient, states: AppStates, clock: Clock, filters: dict[str, Any]) -> None:
    """Feed `states` from a watch stream, reconnecting from the last resourceVersion seen.

    After `MAX_WATCH_FAILURES` failures in a row the watch gives up, sets
    `states.watch_broken` and logs it. The batch then learns only from the safety poll.
    """
    resource_version: str | None = None
    failures = 0
    while failures < MAX_WATCH_FAILURES:
        watch = client.watch_applications(**filters, resource_version=resource_version)
        events = 0
        try:
            async with contextlib.aclosing(watch):
                async for event in watch:
                    events += 1
                    if event.type == "DELETED":
                        states.observe_deleted(event.application)
                    else:
                        states.observe(event.application)
        except ArgoCDError as exc:
            logger.warning("watch %s failed, reconnecting from resourceVersion %s: %s", filters, watch.resource_version, exc)
        resource_version = watch.resource_version or resource_version

        failures = 0 if events else failures + 1
        await clock.sleep(WATCH_RECONNECT_SECONDS)

    states.watch_broken = True
    logger.warning(
        "watch %s failed %d times in a row, falling back to the safety poll for the rest of this batch",
        filters,
        MAX_WATCH_FAILURES,
    )


async def poll_states(
    client: ArgoCDClient, states: AppStates, clock: Clock, interval: float, names_to_poll: Callable[[], Iterable[str]]
) -> None:
    """Every `interval` seconds, read each app that `names_to_poll()` returns and feed `states`.

    At most `MAX_CONCURRENT_POLLS` reads are in flight at a time.
    """
    limiter = anyio.CapacityLimiter(MAX_CONCURRENT_POLLS)

    async def read_limited(name: str) -> None:
        async with limiter:
            await read_state(client, states, name)

    while True:
        await clock.sleep(interval)
        names = list(names_to_poll())
        async with anyio.create_task_group() as group:
            for name in names:
                group.start_soon(read_limited, name)


async def read_state(client: ArgoCDClient, states: AppStates, name: str) -> Application | None:
    """Read one app into `states` and return it. A failed read is logged and returns None."""
    try:
        app = await client.get_application(name)
    except ArgoCDError as exc:
        logger.warning("reading app %s failed: %s", name, exc)
        return None
    states.observe(app)
    return app
