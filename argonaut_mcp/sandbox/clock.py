"""Clocks of the sandbox: simulated seconds, timers for the controller, and sleepers.

Both clocks count simulated seconds from 0.0 and map them to wall-clock timestamps through
`epoch` (Argo CD writes RFC 3339 timestamps with one-second precision). Both satisfy the
rollout engine's clock protocol by shape (`now()`, `async sleep(seconds)`), so a test hands
the same clock to the sandbox and to the engine.

- `ManualClock` moves only when a test calls `advance()`, so no test sleeps.
- `ScaledClock` follows real time multiplied by `scale`, for the demo and the CLI.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

import anyio

logger = logging.getLogger(__name__)

DEFAULT_EPOCH = datetime(2026, 8, 3, 9, 0, 0, tzinfo=UTC)


class ActivityMonitor(Protocol):
    """The activity counters `ManualClock.advance` reads to decide whether the system has settled."""

    def busy(self) -> bool:
        """True while an HTTP request is being handled or a watch event is not yet written."""
        ...

    def request_count(self) -> int:
        """Number of HTTP requests started so far."""
        ...


@dataclass(order=True)
class Timer:
    """A callback due at a simulated time; `cancel()` makes it a no-op."""

    deadline: float
    sequence: int
    callback: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


@dataclass(order=True)
class _Sleeper:
    deadline: float
    sequence: int
    event: anyio.Event = field(compare=False)
    done: bool = field(default=False, compare=False)


class _TimerQueue:
    """Timers ordered by (deadline, creation order)."""

    def __init__(self) -> None:
        self._heap: list[Timer] = []
        self._sequence = itertools.count()

    def add(self, deadline: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(deadline, next(self._sequence), callback)
        heapq.heappush(self._heap, timer)
        return timer

    def next_deadline(self) -> float | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].deadline if self._heap else None

    def pop_due(self, now: float) -> list[Timer]:
        due = []
        while self._heap and self._heap[0].deadline <= now:
            timer = heapq.heappop(self._heap)
            if not timer.cancelled:
                due.append(timer)
        return due


def run_timers(timers: list[Timer]) -> None:
    """Run due timers in order; a failing callback is logged and does not stop the others."""
    for timer in timers:
        if timer.cancelled:
            continue
        timer.cancelled = True
        try:
            timer.callback()
        except Exception:
            logger.exception("sandbox timer callback failed")


class SandboxClock:
    """Common part of both clocks: the epoch, timers and timestamp formatting."""

    def __init__(self, epoch: datetime) -> None:
        self.epoch = epoch.replace(microsecond=0)
        self._timers = _TimerQueue()

    def now(self) -> float:
        raise NotImplementedError

    async def sleep(self, seconds: float) -> None:
        raise NotImplementedError

    def call_at(self, deadline: float, callback: Callable[[], None]) -> Timer:
        """Schedule `callback` at simulated time `deadline` (seconds)."""
        return self._timers.add(deadline, callback)

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        return self.call_at(self.now() + max(delay, 0.0), callback)

    def fire_due(self) -> None:
        """Run the timers already due. A no-op for `ManualClock`, whose timers run in `advance`."""

    def wall_time(self, seconds: float | None = None) -> datetime:
        """Return the wall-clock moment of simulated `seconds` (default: now), truncated to the second."""
        at = self.now() if seconds is None else seconds
        return self.epoch + timedelta(seconds=math.floor(at))

    def timestamp(self, seconds: float | None = None) -> str:
        """RFC 3339 with one-second precision, as Argo CD writes `metav1.Time`."""
        return self.wall_time(seconds).strftime("%Y-%m-%dT%H:%M:%SZ")


class ManualClock(SandboxClock):
    """Simulated time that moves only when a test calls `advance()`.

    `sleep()` parks the caller until simulated time reaches its deadline. Controller timers
    run inside `advance()`.

    Settle rule, applied before the first step, after every step and at the end of
    `advance()`: the system has settled after `quiet_turns` consecutive event-loop turns
    (`await anyio.sleep(0)`) in which no attached sandbox was busy and no new HTTP request
    started. A sandbox is busy while it handles an HTTP request or a published watch event
    is not yet written to its socket. A request parked in `sleep()` (a slow response) and a
    watch stream waiting for events are not busy. The loop never sleeps in real time and is
    bounded by `max_settle_turns`.

    So a client in the same event loop that reacts to a watch line with a request is counted
    at the simulated second the line was written, provided it reaches the server within
    `quiet_turns` event-loop turns.

    NOTE: a client that waits on a thread or on real time between a response and its next
    request (a DNS lookup, `anyio.to_thread`, a real sleep) may not be waited for.

    """

    def __init__(
        self,
        start: float = 0.0,
        *,
        epoch: datetime = DEFAULT_EPOCH,
        quiet_turns: int = 50,
        max_settle_turns: int = 200_000,
    ) -> None:
        super().__init__(epoch)
        self._now = float(start)
        self._sleepers: list[_Sleeper] = []
        self._sleeper_sequence = itertools.count()
        self._monitors: list[ActivityMonitor] = []
        self._advancing = False
        self.quiet_turns = quiet_turns
        self.max_settle_turns = max_settle_turns

    def now(self) -> float:
        return self._now

    def attach(self, monitor: ActivityMonitor) -> None:
        """Let `advance()` wait for this sandbox to settle. The sandbox calls it itself."""
        if monitor not in self._monitors:
            self._monitors.append(monitor)

    async def sleep(self, seconds: float) -> None:
        """Park until simulated time reaches now + `seconds`; 0 or less only yields once."""
        if seconds <= 0:
            await anyio.sleep(0)
            return

        sleeper = _Sleeper(self._now + seconds, next(self._sleeper_sequence), anyio.Event())
        heapq.heappush(self._sleepers, sleeper)
        try:
            await sleeper.event.wait()
        finally:
            sleeper.done = True

    async def advance(self, seconds: float) -> None:
        """Move simulated time forward by `seconds`, stepping through every due deadline.

        Timers and sleepers run in deadline order. At each deadline the controller's timers
        run first, then the sleepers due are released, then the system settles (see the class
        docstring). Timers that a step schedules at or before the target run in the same call.
        Raises `RuntimeError` when called while another `advance()` runs, and when the
        system does not settle within `max_settle_turns` event-loop turns.
        """
        if seconds < 0:
            raise ValueError(f"cannot move the clock backwards: advance({seconds})")
        if self._advancing:
            raise RuntimeError("advance() is already running; await it before calling it again")

        self._advancing = True
        try:
            target = self._now + seconds
            await self.settle()
            while (deadline := self._next_deadline()) is not None and deadline <= target:
                self._now = max(self._now, deadline)
                self._run_step()
                await self.settle()
            self._now = target
            await self.settle()
        finally:
            self._advancing = False

    async def settle(self) -> None:
        """Wait, in event-loop turns only, until the system has settled (see the class docstring)."""
        quiet = 0
        last_count = self._request_count()
        for _ in range(self.max_settle_turns):
            await anyio.sleep(0)
            count = self._request_count()
            if count != last_count or self._busy():
                quiet = 0
                last_count = count
                continue
            quiet += 1
            if quiet >= self.quiet_turns:
                return
        raise RuntimeError(
            f"the sandbox did not settle within {self.max_settle_turns} event-loop turns: "
            "a request is still being handled or watch events are not being read"
        )

    def _run_step(self) -> None:
        run_timers(self._timers.pop_due(self._now))
        while self._sleepers and self._sleepers[0].deadline <= self._now:
            sleeper = heapq.heappop(self._sleepers)
            if not sleeper.done:
                sleeper.event.set()

    def _next_deadline(self) -> float | None:
        while self._sleepers and self._sleepers[0].done:
            heapq.heappop(self._sleepers)
        candidates = [self._timers.next_deadline()]
        if self._sleepers:
            candidates.append(self._sleepers[0].deadline)
        present = [deadline for deadline in candidates if deadline is not None]
        return min(present) if present else None

    def _busy(self) -> bool:
        return any(monitor.busy() for monitor in self._monitors)

    def _request_count(self) -> int:
        return sum(monitor.request_count() for monitor in self._monitors)


class ScaledClock(SandboxClock):
    """Real monotonic time multiplied by `scale` (2.0: two simulated seconds per real second).

    Timers run from `run_timers_forever()`, which the sandbox starts while it serves, and
    from `fire_due()`, which the sandbox calls on every request, so timers also run when the
    ASGI app is driven without a server.
    """

    def __init__(self, scale: float = 1.0, *, epoch: datetime | None = None) -> None:
        if scale <= 0:
            raise ValueError(f"time scale must be positive, got {scale}")
        super().__init__(epoch or datetime.now(UTC))
        self.scale = scale
        self._started = time.monotonic()
        self._timers_changed: anyio.Event | None = None

    def now(self) -> float:
        return (time.monotonic() - self._started) * self.scale

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(max(seconds, 0.0) / self.scale)

    def call_at(self, deadline: float, callback: Callable[[], None]) -> Timer:
        timer = super().call_at(deadline, callback)
        if self._timers_changed is not None:
            self._timers_changed.set()
        return timer

    def fire_due(self) -> None:
        run_timers(self._timers.pop_due(self.now()))

    async def run_timers_forever(self) -> None:
        """Run each timer when its deadline passes; returns only when cancelled."""
        while True:
            self.fire_due()
            self._timers_changed = anyio.Event()
            deadline = self._timers.next_deadline()
            wait = math.inf if deadline is None else max(deadline - self.now(), 0.0) / self.scale
            with anyio.move_on_after(wait):
                await self._timers_changed.wait()
