"""Built-in fleets and custom scenario files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from argonaut_mcp.sandbox import Attempt, ManualClock, Sandbox
from argonaut_mcp.sandbox.fleets import BUILTIN

from .helpers import running

# The paths a client lists with when it wants a compact summary of every app.
SUMMARY_FIELDS = ",".join(
    "items." + path
    for path in (
        "metadata.name",
        "metadata.namespace",
        "metadata.labels",
        "metadata.deletionTimestamp",
        "spec.project",
        "spec.destination",
        "status.sync.status",
        "status.sync.revision",
        "status.health",
        "status.operationState.phase",
        "status.operationState.startedAt",
        "status.operationState.finishedAt",
        "operation.sync",
    )
)


def _compact_size(item: dict) -> int:
    return len(json.dumps(item, separators=(",", ":")))


@pytest.mark.anyio
async def test_default_fleet_full_objects_are_large() -> None:
    async with running("default") as env:
        items = (await env.client.get("/api/v1/applications")).json()["items"]

    sizes = [_compact_size(item) for item in items]
    assert sum(sizes) / len(sizes) >= 5000


@pytest.mark.anyio
async def test_default_fleet_trimmed_items_are_small() -> None:
    async with running("default") as env:
        await env.sync("mentor-web-westbrook")
        items = (await env.client.get("/api/v1/applications", params={"fields": SUMMARY_FIELDS})).json()["items"]

    sizes = [_compact_size(item) for item in items]
    assert max(sizes) <= 600
    assert len(items) == 54


def test_default_fleet_shape() -> None:
    sandbox = Sandbox("default", clock=ManualClock())
    apps = sandbox.store.apps()
    names = [app["metadata"]["name"] for app in apps]
    mentor_web = [name for name in names if name.startswith("mentor-web-")]
    projects = {app["spec"]["project"] for app in apps}
    unrelated = [app for app in apps if app["spec"]["project"] != "mentor"]

    assert len(mentor_web) >= 31
    assert {app["spec"]["project"] for app in apps if app["metadata"]["name"] in mentor_web} == {"mentor"}
    assert {"mentor-api", "mentor-worker"} <= set(names)
    assert len(projects) >= 4
    assert 18 <= len(unrelated) <= 22
    assert {app["metadata"]["namespace"] for app in apps} == {"argocd", "team-data"}
    assert all(app["status"]["history"] for app in apps)
    assert all("kubectl.kubernetes.io/last-applied-configuration" in app["metadata"]["annotations"] for app in apps)


def test_builtin_scenarios_build() -> None:
    counts = {name: len(Sandbox(name, clock=ManualClock()).store) for name in BUILTIN if name != "large"}

    assert counts == {"default": 54, "healthy": 54, "one-broken": 54, "traps": 54, "flaky": 54}


def test_large_fleet_has_2000_apps() -> None:
    sandbox = Sandbox("large", clock=ManualClock())
    names = [app["metadata"]["name"] for app in sandbox.store.apps()]

    assert len(names) == 2000
    assert len(set(names)) == 2000
    assert sum(name.startswith("mentor-web-") for name in names) == 1333


def test_same_seed_gives_same_timings() -> None:
    first = Sandbox("healthy", clock=ManualClock(), seed=7).scenario
    second = Sandbox("healthy", clock=ManualClock(), seed=7).scenario
    other = Sandbox("healthy", clock=ManualClock(), seed=8).scenario

    assert first.apps == second.apps
    assert first.apps != other.apps
    ready = [spec.attempts[0].ready_after for spec in first.apps]
    assert min(ready) >= 1.0
    assert max(ready) <= 4.0


def test_unknown_scenario_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown scenario 'nope'"):
        Sandbox("nope", clock=ManualClock())


@pytest.mark.anyio
async def test_custom_scenario_file_sets_timings(tmp_path: Path) -> None:
    scenario = {
        "name": "two-apps",
        "description": "two apps with fixed ready times",
        "faults": {"keepaliveSeconds": 5},
        "apps": [
            {"name": "fast", "project": "web", "labels": {"tier": "web"}, "attempts": [{"start": 0, "run": 0.5, "reconcile": 0.25, "progress": 0.25}]},
            {
                "name": "slow",
                "project": "web",
                "attempts": [{"run": 1, "phase": "Failed"}, {"start": 1, "run": 1, "reconcile": 1, "progress": 1, "health": "Degraded"}],
            },
        ],
    }
    path = tmp_path / "two-apps.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")

    async with running(str(path)) as env:
        await env.sync("fast")
        await env.sync("slow")
        await env.clock.advance(2)
        await env.sync("slow")
        await env.clock.advance(5)
        stats = env.sandbox.stats()
        slow = await env.get_app("slow")

    assert env.sandbox.scenario.name == "two-apps"
    assert env.sandbox.faults.keepalive_seconds == 5
    assert stats["apps"]["fast"]["readyAt"] == [1.0]
    assert [end["phase"] for end in stats["apps"]["slow"]["operationEnds"]] == ["Failed", "Succeeded"]
    assert slow["status"]["health"]["status"] == "Degraded"


def test_custom_scenario_extends_builtin(tmp_path: Path) -> None:
    path = tmp_path / "variant.toml"
    path.write_text(
        '''
base = "healthy"
description = "healthy fleet, one extra app"

[defaults]
run = 2.0

[[apps]]
name = "guestbook"
health = "Degraded"
sync = "OutOfSync"

[[apps]]
name = "extra"
project = "default"
''',
        encoding="utf-8",
    )

    sandbox = Sandbox(path, clock=ManualClock())

    assert len(sandbox.store) == 55
    assert sandbox.application("guestbook")["status"]["health"]["status"] == "Degraded"
    assert sandbox.scenario.default_attempt == Attempt(run=2.0)
    assert sandbox.scenario.app("extra").attempts == ()


def test_scenario_file_with_unknown_key_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"apps": [{"name": "x", "attempts": [{"duration": 3}]}]}), encoding="utf-8")

    with pytest.raises(ValueError, match="unknown keys duration"):
        Sandbox(str(path), clock=ManualClock())


def test_scenario_dict_with_bad_phase_is_rejected() -> None:
    with pytest.raises(ValueError, match="invalid attempt phase 'Done'"):
        Sandbox({"apps": [{"name": "x", "attempts": [{"phase": "Done"}]}]}, clock=ManualClock())
