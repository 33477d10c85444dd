"""An embedded Argo CD stand-in: the demo's backend, every end-to-end test's fixture.

It imitates Argo CD 3.6 from the outside over HTTP + JSON: list, get, sync, terminate, the
watch stream and the diagnosis endpoints. A simulated controller reproduces the real one's
traps, and the package adds fleets shaped like a platform team's, fault injection and
request statistics. It imports nothing from the rest of argonaut_mcp, so client and
stand-in cannot share a wrong assumption.

    clock = ManualClock()
    sandbox = Sandbox("traps", clock=clock)
    async with sandbox.serve() as base_url:
        ...  # point a client at base_url with sandbox.token
        await clock.advance(5)
"""

from .clock import ManualClock, ScaledClock
from .fleets import BUILTIN as BUILTIN_SCENARIOS
from .sandbox import Sandbox
from .scenario import AppSpec, Attempt, Deletion, Faults, Scenario

__all__ = [
    "BUILTIN_SCENARIOS",
    "AppSpec",
    "Attempt",
    "Deletion",
    "Faults",
    "ManualClock",
    "Sandbox",
    "ScaledClock",
    "Scenario",
]
