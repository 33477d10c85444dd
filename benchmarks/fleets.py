"""The fleets the benchmarks run on: a generated rollout fleet and samples of the `large` fleet.

Times are simulated seconds on the sandbox clock. An app's ready time is the sum of its
attempt's steps (start, run, reconcile, progress), as the sandbox controller plays them.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

from argonaut_mcp.sandbox import BUILTIN_SCENARIOS, Attempt, Scenario

ROLLOUT_PREFIX = "rollout-"
# Share of an app's ready time spent in each controller step of the generated fleet.
STEP_SHARES = {"start": 0.1, "run": 0.4, "reconcile": 0.2}


def ready_time(attempt: dict[str, float]) -> float:
    """Seconds from an accepted sync until the app is Synced and Healthy, for a one-try attempt."""
    return round(sum(attempt.get(step, 0.0) for step in ("start", "run", "reconcile", "progress")), 3)


def split_ready_time(total: float) -> dict[str, float]:
    """Split `total` seconds into the controller steps, which add up to `total` exactly."""
    steps = {step: round(total * share, 3) for step, share in STEP_SHARES.items()}
    steps["progress"] = round(total - sum(steps.values()), 3)
    return steps


def rollout_scenario(count: int = 31, *, seed: int = 0, fastest: float = 1.0, slowest: float = 4.0) -> dict[str, Any]:
    """Build a scenario dict of `count` apps named `rollout-NN`, OutOfSync and Healthy before the rollout.

    Each app's ready time is drawn uniformly from [fastest, slowest] by a generator seeded
    with `seed`, so a seed always gives the same fleet.
    """
    generator = random.Random(seed)
    apps = []
    for number in range(1, count + 1):
        total = round(generator.uniform(fastest, slowest), 3)
        apps.append(
            {
                "name": f"{ROLLOUT_PREFIX}{number:02d}",
                "project": "bench",
                "labels": {"team": "bench", "tier": "web"},
                "destNamespace": f"bench-{number:02d}",
                "sync": "OutOfSync",
                "health": "Healthy",
                "attempts": [split_ready_time(total)],
            }
        )
    return {
        "name": f"rollout-{count}",
        "description": f"{count} apps whose ready times are spread between {fastest} and {slowest} s (seed {seed})",
        "apps": apps,
    }


def ready_times(scenario: dict[str, Any]) -> dict[str, float]:
    """Return each app's ready time in a scenario dict made by `rollout_scenario`."""
    return {app["name"]: ready_time(app["attempts"][0]) for app in scenario["apps"]}


def write_scenario(scenario: dict[str, Any], folder: Path) -> Path:
    """Write a scenario dict as a JSON scenario file in `folder` and return its path."""
    path = folder / f"{scenario['name']}.json"
    path.write_text(json.dumps(scenario, indent=1), encoding="utf-8")
    return path


def large_sample(count: int, *, seed: int = 0) -> Scenario:
    """Pick `count` apps evenly from the built-in `large` fleet (2,000 apps, mixed projects)."""
    large = BUILTIN_SCENARIOS["large"](seed)
    if count >= len(large.apps):
        return large
    step = len(large.apps) / count
    apps = tuple(large.apps[int(index * step)] for index in range(count))
    return replace(large, name=f"large-{count}", description=f"{count} apps of the large fleet", apps=apps)


def ready_at_once(scenario: Scenario, ready_seconds: float) -> Scenario:
    """Return a copy of `scenario` where every app is ready `ready_seconds` after its sync is accepted."""
    steps = split_ready_time(ready_seconds)
    attempt = Attempt(start=steps["start"], run=steps["run"], reconcile=steps["reconcile"], progress=steps["progress"])
    apps = tuple(replace(app, attempts=(attempt,), operation_at_start=None, deletion=None) for app in scenario.apps)
    return replace(scenario, apps=apps, description=f"{scenario.description}; every app ready {ready_seconds} s after its sync")
