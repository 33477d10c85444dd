"""The demo's settings and the time arithmetic between the sandbox and the server.

The sandbox runs on a `ScaledClock`, so its controller moves `time_scale` simulated seconds
per real second. The server measures batch_sync's health timeout with the real clock, so
the demo divides the sandbox-sized timeout by the same scale before it sends it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# At real time the default scenario (31 mentor-web apps in batches of 3, each app ready
# 1 to 4 simulated seconds after its sync) ends in about a minute.
DEFAULT_TIME_SCALE = 1.0

# Sandbox apps become ready within 4 simulated seconds, so an app still not ready after 20
# is broken. Real apps take minutes, which is why batch_sync's own default is 300 s.
SANDBOX_HEALTH_TIMEOUT_SECONDS = 20

# The smallest health timeout batch_sync accepts, in seconds.
MIN_HEALTH_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class DemoOptions:
    scenario: str = "default"
    pattern: str = "mentor-web-*"
    batch_size: int = 3
    time_scale: float = DEFAULT_TIME_SCALE
    plain: bool = False

    def health_timeout_seconds(self) -> int:
        """Return the health timeout to send, in real seconds: 20 sandbox seconds scaled
        down, but never below batch_sync's minimum of 10."""
        scaled = math.ceil(SANDBOX_HEALTH_TIMEOUT_SECONDS / self.time_scale)
        return max(scaled, MIN_HEALTH_TIMEOUT_SECONDS)
