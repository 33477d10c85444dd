"""Scenarios: which apps the sandbox serves, how each behaves after a sync, and which faults.

A scenario is a built-in name (see `fleets.py`) or a JSON or TOML file. File schema (JSON
shown; every key is optional unless marked; times are simulated seconds, floats allowed):

    {
      "name": "my-fleet",                  // shown in stats; default: the file name
      "description": "...",
      "base": "default",                   // start from a built-in scenario's apps and faults
      "defaults": {ATTEMPT},               // attempt script used where an app sets none
      "faults": {
        "errorRate": 0.2,                  // share of /api requests that fail with 500, 502 or 503
        "tokenTtl": 600,                   // the token expires this long after start
        "watchDropEvery": 30,              // each watch stream ends this long after it opened
        "slowSeconds": 0.5,                // every /api response waits this long first
        "keepaliveSeconds": 15             // SSE keepalive comment interval
      },
      "traps": {"retry-trap": "app-name"}, // labels for tests; free-form
      "apps": [{                           // an app whose name is in `base` replaces it
        "name": "mentor-web-example",      // required
        "namespace": "argocd",             // apps outside "argocd" need appNamespace
        "project": "default",
        "labels": {"team": "web"},
        "repoURL": "https://git.example.com/web.git", "path": "deploy", "targetRevision": "main",
        "destNamespace": "web",
        "sync": "OutOfSync",               // initial status.sync.status
        "health": "Healthy",               // initial status.health.status
        "autoSync": false,                 // spec.syncPolicy.automated
        "attempts": [{ATTEMPT}, ...],      // attempt N uses entry N; the last one repeats
        "operationAtStart": {ATTEMPT},     // an operation already running at time 0 (as
                                           // auto-sync starts one); `run` is its remaining time
        "deletion": {"afterSync": 1.5, "at": null, "grace": 1.0}
                                           // deletionTimestamp set `afterSync` seconds after
                                           // the first accepted sync (or at time `at`), the
                                           // app removed `grace` seconds later
      }]
    }

    ATTEMPT = {
      "start": 0.0,          // sync accepted -> operationState.phase Running
      "run": 1.0,            // Running -> the operation ends
      "phase": "Succeeded",  // how it ends: Succeeded, Failed or Error
      "retries": 0,          // failed tries Argo CD retries inside this operation first; each
                             // shows phase Running WITH finishedAt and "Retrying attempt #N"
      "retryBackoff": 2.0,   // how long each of those retry states lasts
      "reconcile": 0.5,      // operation end -> reconciledAt and the new sync status
      "progress": 1.0,       // reconcile -> the final health (Progressing meanwhile)
      "health": "Healthy",   // final health after success; "Progressing" stays stuck
      "message": null        // operationState.message at the end (default: Argo CD's)
    }
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

OPERATION_PHASES = ("Succeeded", "Failed", "Error")
HEALTH_CODES = ("Healthy", "Progressing", "Degraded", "Suspended", "Missing", "Unknown")
SYNC_CODES = ("Synced", "OutOfSync", "Unknown")


@dataclass(frozen=True)
class Attempt:
    """The controller's script for one sync attempt; times in simulated seconds."""

    start: float = 0.0
    run: float = 1.0
    phase: str = "Succeeded"
    retries: int = 0
    retry_backoff: float = 2.0
    reconcile: float = 0.5
    progress: float = 1.0
    health: str = "Healthy"
    message: str | None = None

    def __post_init__(self) -> None:
        if self.phase not in OPERATION_PHASES:
            raise ValueError(f"invalid attempt phase {self.phase!r}: expected one of {', '.join(OPERATION_PHASES)}")
        if self.health not in HEALTH_CODES:
            raise ValueError(f"invalid attempt health {self.health!r}: expected one of {', '.join(HEALTH_CODES)}")
        for name in ("start", "run", "retry_backoff", "reconcile", "progress"):
            if getattr(self, name) < 0:
                raise ValueError(f"attempt {name} must not be negative, got {getattr(self, name)}")

    @property
    def ready_after(self) -> float:
        """Seconds from the accepted sync until the app is ready, when it gets there."""
        retrying = self.retries * (self.run + self.retry_backoff)
        return self.start + retrying + self.run + self.reconcile + self.progress


@dataclass(frozen=True)
class Deletion:
    """When an app is deleted: relative to its first accepted sync, or at a fixed time."""

    after_sync: float | None = None
    at: float | None = None
    grace: float = 1.0


@dataclass(frozen=True)
class AppSpec:
    """One application of a fleet and its controller script."""

    name: str
    namespace: str = "argocd"
    project: str = "default"
    labels: dict[str, str] = field(default_factory=dict)
    repo_url: str = "https://git.example.com/platform/deployments.git"
    path: str = ""
    target_revision: str = "main"
    dest_namespace: str = ""
    sync: str = "OutOfSync"
    health: str = "Healthy"
    auto_sync: bool = False
    attempts: tuple[Attempt, ...] = ()
    operation_at_start: Attempt | None = None
    deletion: Deletion | None = None

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("every app needs a name")
        if self.sync not in SYNC_CODES:
            raise ValueError(f"app {self.name}: invalid sync status {self.sync!r}")
        if self.health not in HEALTH_CODES:
            raise ValueError(f"app {self.name}: invalid health {self.health!r}")

    def attempt(self, number: int, default: Attempt) -> Attempt:
        """Return the script of attempt `number` (1-based); the last listed one repeats."""
        if not self.attempts:
            return default
        return self.attempts[min(number, len(self.attempts)) - 1]


@dataclass(frozen=True)
class Faults:
    """Fault injection; every fault is off by default."""

    error_rate: float = 0.0
    token_ttl: float | None = None
    watch_drop_every: float | None = None
    slow_seconds: float = 0.0
    keepalive_seconds: float = 15.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError(f"errorRate must be between 0 and 1, got {self.error_rate}")


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    apps: tuple[AppSpec, ...]
    faults: Faults = Faults()
    default_attempt: Attempt = Attempt()
    traps: dict[str, str] = field(default_factory=dict)

    def app(self, name: str) -> AppSpec:
        for spec in self.apps:
            if spec.name == name:
                return spec
        raise KeyError(name)


def load_scenario_file(path: str | Path, builtin: Callable[[str], Scenario]) -> Scenario:
    """Read a JSON or TOML scenario file (schema in this module's docstring)."""
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    raw = tomllib.loads(text) if file.suffix == ".toml" else json.loads(text)
    if not isinstance(raw, dict):
        raise ValueError(f"scenario file {file}: expected an object at the top level")
    return scenario_from_dict(raw, builtin, default_name=file.stem)


def scenario_from_dict(raw: dict[str, Any], builtin: Callable[[str], Scenario], *, default_name: str) -> Scenario:
    _reject_unknown(raw, {"name", "description", "base", "defaults", "faults", "traps", "apps"}, "scenario")

    base = _base_scenario(raw.get("base"), builtin)
    default_attempt = _attempt(raw["defaults"], "defaults") if "defaults" in raw else base.default_attempt
    faults = _faults(raw["faults"]) if "faults" in raw else base.faults

    apps = {spec.name: spec for spec in base.apps}
    for entry in raw.get("apps", []):
        spec = _app(entry)
        apps[spec.name] = spec

    return Scenario(
        name=raw.get("name", default_name),
        description=raw.get("description", ""),
        apps=tuple(apps.values()),
        faults=faults,
        default_attempt=default_attempt,
        traps={**base.traps, **raw.get("traps", {})},
    )


def _base_scenario(name: str | None, builtin: Callable[[str], Scenario]) -> Scenario:
    if name is None:
        return Scenario(name="", description="", apps=())
    return builtin(name)


_APP_KEYS = {
    "name": "name", "namespace": "namespace", "project": "project", "labels": "labels",
    "repoURL": "repo_url", "path": "path", "targetRevision": "target_revision",
    "destNamespace": "dest_namespace", "sync": "sync", "health": "health", "autoSync": "auto_sync",
}


def _app(raw: dict[str, Any]) -> AppSpec:
    context = f"app {raw.get('name', '?')}"
    _reject_unknown(raw, set(_APP_KEYS) | {"attempts", "operationAtStart", "deletion"}, context)

    values: dict[str, Any] = {_APP_KEYS[key]: value for key, value in raw.items() if key in _APP_KEYS}
    values["attempts"] = tuple(_attempt(item, context) for item in raw.get("attempts", []))
    if "operationAtStart" in raw:
        values["operation_at_start"] = _attempt(raw["operationAtStart"], context)
    if "deletion" in raw:
        deletion = raw["deletion"]
        _reject_unknown(deletion, {"afterSync", "at", "grace"}, context + " deletion")
        values["deletion"] = Deletion(after_sync=deletion.get("afterSync"), at=deletion.get("at"), grace=deletion.get("grace", 1.0))
    return AppSpec(**values)


_ATTEMPT_KEYS = {
    "start": "start", "run": "run", "phase": "phase", "retries": "retries", "retryBackoff": "retry_backoff",
    "reconcile": "reconcile", "progress": "progress", "health": "health", "message": "message",
}


def _attempt(raw: dict[str, Any], context: str) -> Attempt:
    _reject_unknown(raw, set(_ATTEMPT_KEYS), context + " attempt")
    return Attempt(**{_ATTEMPT_KEYS[key]: value for key, value in raw.items()})


_FAULT_KEYS = {
    "errorRate": "error_rate", "tokenTtl": "token_ttl", "watchDropEvery": "watch_drop_every",
    "slowSeconds": "slow_seconds", "keepaliveSeconds": "keepalive_seconds",
}


def _faults(raw: dict[str, Any]) -> Faults:
    _reject_unknown(raw, set(_FAULT_KEYS), "faults")
    return Faults(**{_FAULT_KEYS[key]: value for key, value in raw.items()})


def _reject_unknown(raw: dict[str, Any], allowed: set[str], context: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise ValueError(f"{context}: unknown keys {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")


def with_faults(scenario: Scenario, **changes: Any) -> Scenario:
    """Return a copy of `scenario` with some fault settings changed (keyword names as in `Faults`)."""
    valid = {item.name for item in fields(Faults)}
    unknown = set(changes) - valid
    if unknown:
        raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
    return replace(scenario, faults=replace(scenario.faults, **changes))
