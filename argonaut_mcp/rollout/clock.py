"""The clock the rollout measures deadlines with.

The engine reads time only through a `Clock`, so tests can hand it the sandbox's manual
clock and move time forward instead of sleeping. The sandbox's clocks satisfy this protocol
by shape; the sandbox imports nothing from this package.
"""

from __future__ import annotations

import time
from typing import Protocol

import anyio


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic scale; only differences are meaningful."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """Real monotonic time."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(max(seconds, 0.0))
