"""A reference implementation of the naive rollout design, to measure ours against.

The naive design is the loop of a simple rollout script. It lists every app (full
objects). Per batch, it sends one sync per app, then polls each app with one GET every
fixed interval until every app of the batch reports health `Healthy`. It looks at nothing else: not the
operation, not the sync status, not whether the state it reads is newer than its sync.

Right after a sync, Argo CD 3.6 still reports the app's old sync and health status (the
controller has not run the operation yet), so an app that was Healthy before reads Healthy
at once. Whether the naive design advances on that stale Healthy depends on when it first
looks: `check_first=True` checks right after the syncs, `False` sleeps one interval first.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from argonaut_mcp.rollout.clock import Clock

if TYPE_CHECKING:
    from argonaut_mcp.argocd import ArgoCDClient
    from argonaut_mcp.argocd.models import Application

logger = logging.getLogger(__name__)


class NaiveTimeoutError(Exception):
    """A batch was not Healthy after the maximum number of polls."""


@dataclass(frozen=True)
class NaiveOptions:
    """Settings of the naive rollout. `poll_interval` is in seconds of the clock it is given."""

    batch_size: int = 3
    poll_interval: float = 10.0
    check_first: bool = False
    max_polls: int = 60


@dataclass
class NaiveRun:
    """Record of a naive rollout: its batches in order and the polls each one took."""

    batches: list[list[str]] = field(default_factory=list)
    polls: list[int] = field(default_factory=list)
    started_at: float = 0.0
    ended_at: float = 0.0


def split_batches(names: Sequence[str], batch_size: int) -> list[list[str]]:
    """Split `names` in order into batches of `batch_size` (the last one may be smaller)."""
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, got {batch_size}")
    return [list(names[start : start + batch_size]) for start in range(0, len(names), batch_size)]


def select_names(apps: Sequence[Application], pattern: str) -> list[str]:
    """Return the names matching the glob `pattern`, sorted, as `argocd app list | grep` would list them."""
    return sorted(app.name for app in apps if fnmatch.fnmatchcase(app.name, pattern))


def all_healthy(healths: Sequence[str]) -> bool:
    """Apply the naive gate: every app reports health `Healthy`, whatever the rest of its status is."""
    return bool(healths) and all(health == "Healthy" for health in healths)


async def read_healths(client: ArgoCDClient, batch: Sequence[str]) -> list[str]:
    """Read each app of the batch with one GET, one after another, as a script loop does."""
    healths = []
    for name in batch:
        app = await client.get_application(name)
        healths.append(app.status.health.status or "Unknown")
    return healths


async def wait_healthy(client: ArgoCDClient, batch: Sequence[str], clock: Clock, options: NaiveOptions) -> int:
    """Poll the batch until every app reads Healthy and return the number of polls taken."""
    polls = 0
    if options.check_first:
        polls += 1
        if all_healthy(await read_healths(client, batch)):
            return polls

    while polls < options.max_polls:
        await clock.sleep(options.poll_interval)
        polls += 1
        if all_healthy(await read_healths(client, batch)):
            return polls
    raise NaiveTimeoutError(f"batch {', '.join(batch)} not Healthy after {polls} polls")


async def run_naive_rollout(client: ArgoCDClient, pattern: str, clock: Clock, options: NaiveOptions) -> NaiveRun:
    """Roll a sync out the naive way over the apps whose names match `pattern`."""
    run = NaiveRun(started_at=clock.now())
    listed = await client.list_applications()
    run.batches = split_batches(select_names(listed.items, pattern), options.batch_size)

    for number, batch in enumerate(run.batches, start=1):
        for name in batch:
            await client.sync_application(name)
        run.polls.append(await wait_healthy(client, batch, clock, options))
        logger.debug("naive rollout: batch %d of %d advanced after %d poll(s)", number, len(run.batches), run.polls[-1])

    run.ended_at = clock.now()
    return run
