"""Retry policy for transient Argo CD failures: bounded exponential backoff with jitter."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import anyio
import httpx

RETRYABLE_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before trying a failed call again.

    Attempt `n` (1 for the first retry) waits `min(max_delay, base_delay * 2 ** (n - 1))`
    seconds, reduced by up to `jitter` of itself at random so that many clients do not
    retry in step. `max_attempts` counts the first try, so 1 means no retry. `sleep` and
    `random` are injectable so tests can record the delays instead of waiting.
    """

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.5
    sleep: Callable[[float], Awaitable[None]] = field(default=anyio.sleep, repr=False)
    random: Callable[[], float] = field(default=random.random, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if not 0.0 <= self.jitter <= 1.0:
            raise ValueError(f"jitter must be between 0 and 1, got {self.jitter}")

    def delay(self, attempt: int) -> float:
        """Return the seconds to wait after failed attempt number `attempt` (1-based)."""
        capped = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return capped * (1.0 - self.jitter * self.random())


NO_RETRY = RetryPolicy(max_attempts=1)


def never_reached_server(exc: httpx.TransportError) -> bool:
    """Tell whether the request surely never reached the server.

    Only a failure to open the connection (or to get one from the pool) guarantees that.
    After a read error or a read timeout, the server may have acted on the request.
    """
    return isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
