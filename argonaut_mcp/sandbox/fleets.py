"""Built-in scenarios: a fleet shaped like a platform team's, and variants of it.

The default fleet has 31 `mentor-web-<client>` apps (invented client names) in project
`mentor`, plus two `mentor-*` apps that a `mentor-web-*` pattern must not match. 21 unrelated
apps live in projects `platform`, `data`, `payments` and `default`. The `data` apps live in
namespace `team-data` (Argo CD's apps in any namespace). Timings come from a seeded
generator keyed by app name, so a seed always gives the same fleet.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

from .scenario import AppSpec, Attempt, Deletion, Faults, Scenario

CLIENTS = (
    "alderbrook", "ashgrove", "bluefinch", "briarcliff", "cedarpoint", "cobaltridge", "driftwood",
    "dunmore", "elmstead", "emberly", "fernhollow", "foxglen", "glenhaven", "granitefalls",
    "harborline", "hollowmere", "ironvale", "juniperlane", "kestrelbay", "lakeshore", "maplecrest",
    "marrowdale", "oakhurst", "pinecove", "quarrystone", "redmoor", "silverbirch", "thornfield",
    "westbrook", "yarrowfield", "zephyrton",
)

_OTHER_APPS = (
    # (name, project, namespace, auto-sync)
    ("cert-manager", "platform", "argocd", True),
    ("cluster-autoscaler", "platform", "argocd", True),
    ("external-dns", "platform", "argocd", True),
    ("external-secrets", "platform", "argocd", True),
    ("ingress-nginx", "platform", "argocd", True),
    ("kube-prometheus-stack", "platform", "argocd", True),
    ("loki", "platform", "argocd", True),
    ("metrics-server", "platform", "argocd", True),
    ("tempo", "platform", "argocd", True),
    ("velero", "platform", "argocd", False),
    ("airflow", "data", "team-data", False),
    ("clickhouse", "data", "team-data", False),
    ("kafka-connect", "data", "team-data", False),
    ("superset", "data", "team-data", False),
    ("fraud-scoring", "payments", "argocd", False),
    ("ledger", "payments", "argocd", False),
    ("payments-api", "payments", "argocd", False),
    ("payments-worker", "payments", "argocd", False),
    ("guestbook", "default", "argocd", False),
    ("status-page", "default", "argocd", False),
    ("docs-site", "default", "argocd", False),
)


def mentor_web_names() -> list[str]:
    return [f"mentor-web-{client}" for client in CLIENTS]


def spread_attempt(name: str, seed: int) -> Attempt:
    """Build a successful attempt whose ready time falls between 1 and 4 simulated seconds."""
    rng = random.Random(f"{seed}:{name}")
    return Attempt(
        start=round(rng.uniform(0.0, 0.5), 1),
        run=round(rng.uniform(0.5, 1.5), 1),
        reconcile=round(rng.uniform(0.2, 0.8), 1),
        progress=round(rng.uniform(0.3, 1.2), 1),
    )


def _mentor_app(name: str, seed: int, client: str) -> AppSpec:
    return AppSpec(
        name=name,
        project="mentor",
        labels={
            "app.kubernetes.io/name": "mentor-web",
            "team": "mentor",
            "tier": "web",
            "client": client,
            "env": "prod",
        },
        repo_url="https://git.example.com/mentor/mentor-deploy.git",
        path=f"clients/{client}/web",
        target_revision="main",
        dest_namespace=f"mentor-{client}",
        sync="OutOfSync",
        health="Healthy",
        attempts=(spread_attempt(name, seed),),
    )


def _other_app(name: str, project: str, namespace: str, auto_sync: bool, seed: int) -> AppSpec:
    return AppSpec(
        name=name,
        namespace=namespace,
        project=project,
        labels={"app.kubernetes.io/name": name, "team": project, "env": "prod"},
        repo_url=f"https://git.example.com/{project}/{project}-apps.git",
        path=f"apps/{name}",
        target_revision="main" if project != "platform" else "release-2026.07",
        dest_namespace=name,
        sync="Synced",
        health="Healthy",
        auto_sync=auto_sync,
        attempts=(spread_attempt(name, seed),),
    )


def _fleet(seed: int) -> list[AppSpec]:
    apps = [_mentor_app(f"mentor-web-{client}", seed, client) for client in CLIENTS]
    apps.append(replace(_mentor_app("mentor-api", seed, "shared"), labels={"app.kubernetes.io/name": "mentor-api", "team": "mentor", "tier": "api", "env": "prod"}, path="services/api"))
    apps.append(replace(_mentor_app("mentor-worker", seed, "shared"), labels={"app.kubernetes.io/name": "mentor-worker", "team": "mentor", "tier": "worker", "env": "prod"}, path="services/worker"))
    apps.extend(_other_app(name, project, namespace, auto, seed) for name, project, namespace, auto in _OTHER_APPS)
    return apps


def _replace_app(apps: list[AppSpec], name: str, **changes: object) -> None:
    for index, spec in enumerate(apps):
        if spec.name == name:
            apps[index] = replace(spec, **changes)
            return
    raise KeyError(name)


def healthy(seed: int = 0) -> Scenario:
    return Scenario(
        name="healthy",
        description="The default fleet; every sync succeeds and every app becomes Healthy within 1-4 s.",
        apps=tuple(_fleet(seed)),
    )


def default(seed: int = 0) -> Scenario:
    apps = _fleet(seed)
    first_fails = "mentor-web-hollowmere"
    _replace_app(apps, first_fails, attempts=(Attempt(start=0.2, run=1.0, phase="Failed", reconcile=0.5), spread_attempt(first_fails, seed)))
    _replace_app(apps, "superset", sync="OutOfSync", health="Degraded", attempts=(Attempt(health="Degraded"),))
    return Scenario(
        name="default",
        description=(
            "A platform team's fleet: 31 mentor-web apps OutOfSync with a new revision, 2 other "
            "mentor apps, 21 unrelated apps (superset Degraded). mentor-web-hollowmere's first "
            "sync fails, its second succeeds."
        ),
        apps=tuple(apps),
        traps={"first-sync-fails": first_fails, "degraded-unrelated": "superset"},
    )


def one_broken(seed: int = 0) -> Scenario:
    apps = _fleet(seed)
    broken = "mentor-web-elmstead"
    _replace_app(apps, broken, attempts=(Attempt(start=0.2, run=1.0, reconcile=0.5, progress=1.5, health="Degraded"),))
    return Scenario(
        name="one-broken",
        description=f"The healthy fleet, except that {broken} turns Degraded after every sync.",
        apps=tuple(apps),
        traps={"broken": broken},
    )


TRAP_APPS = {
    "stale-healthy": "mentor-web-alderbrook",
    "retry-trap": "mentor-web-ashgrove",
    "running-at-start": "mentor-web-bluefinch",
    "deleted-during-rollout": "mentor-web-briarcliff",
    "first-sync-fails": "mentor-web-cedarpoint",
    "error-then-success": "mentor-web-cobaltridge",
    "stuck-progressing": "mentor-web-driftwood",
}


def traps(seed: int = 0) -> Scenario:
    apps = _fleet(seed)
    _replace_app(apps, TRAP_APPS["stale-healthy"], sync="Synced", attempts=(Attempt(start=1.0, run=1.0, reconcile=3.0, progress=1.0),))
    _replace_app(apps, TRAP_APPS["retry-trap"], attempts=(Attempt(start=0.5, run=1.0, retries=1, retry_backoff=3.0, reconcile=0.5, progress=1.0),))
    _replace_app(apps, TRAP_APPS["running-at-start"], auto_sync=True, operation_at_start=Attempt(run=4.0, reconcile=0.5, progress=1.0))
    _replace_app(apps, TRAP_APPS["deleted-during-rollout"], deletion=Deletion(after_sync=1.5, grace=1.0), attempts=(Attempt(start=0.5, run=3.0),))
    _replace_app(apps, TRAP_APPS["first-sync-fails"], attempts=(Attempt(start=0.2, run=1.0, phase="Failed"), Attempt(start=0.2, run=1.0)))
    _replace_app(apps, TRAP_APPS["error-then-success"], attempts=(Attempt(start=0.2, run=0.5, phase="Error"), Attempt(start=0.2, run=1.0)))
    _replace_app(apps, TRAP_APPS["stuck-progressing"], attempts=(Attempt(start=0.2, run=1.0, health="Progressing"),))
    return Scenario(
        name="traps",
        description="The healthy fleet with one mentor-web app per Argo CD trap; `traps` names them.",
        apps=tuple(apps),
        traps=dict(TRAP_APPS),
    )


def flaky(seed: int = 0) -> Scenario:
    return Scenario(
        name="flaky",
        description="The healthy fleet behind a flaky server: 20% of /api responses are 5xx, watch streams drop every 2 s.",
        apps=tuple(_fleet(seed)),
        faults=Faults(error_rate=0.2, watch_drop_every=2.0),
    )


_WORDS_A = (
    "amber", "brisk", "cinder", "dapple", "ember", "fable", "gilded", "hazel", "indigo", "jasper",
    "kindle", "lumen", "mossy", "nimble", "onyx", "pebble", "quill", "russet", "sable", "tawny",
    "umber", "velvet", "willow", "xenial", "yonder", "zinnia", "azure", "bramble", "copper", "dusky",
)
_WORDS_B = (
    "anchor", "beacon", "canyon", "delta", "estuary", "falcon", "grove", "harbor", "island", "jetty",
    "kestrel", "lagoon", "meadow", "nook", "orchard", "prairie", "quay", "ridge", "summit", "thicket",
    "upland", "valley", "warren", "yard", "zenith", "bluff", "cove", "dune", "fjord", "glade",
)


def _generated_names(count: int) -> list[str]:
    """`count` distinct `word-word` names, with a `-N` suffix once the pairs run out."""
    names: list[str] = []
    for round_number in itertools.count(1):
        for first in _WORDS_A:
            for second in _WORDS_B:
                suffix = "" if round_number == 1 else f"-{round_number}"
                names.append(f"{first}-{second}{suffix}")
                if len(names) == count:
                    return names
    return names


def large(seed: int = 0, size: int = 2000) -> Scenario:
    """`size` apps: two thirds `mentor-web-<word>-<word>` in project mentor, the rest spread."""
    names = _generated_names(size)
    mentor_count = size * 2 // 3
    apps = [_mentor_app(f"mentor-web-{client}", seed, client) for client in names[:mentor_count]]
    projects = ("platform", "data", "payments", "default")
    for index in range(size - mentor_count):
        project = projects[index % len(projects)]
        apps.append(_other_app(f"svc-{names[mentor_count + index]}", project, "argocd", False, seed))
    return Scenario(name="large", description=f"{size} apps, {mentor_count} of them mentor-web-*.", apps=tuple(apps))


BUILTIN = {
    "default": default,
    "healthy": healthy,
    "one-broken": one_broken,
    "traps": traps,
    "flaky": flaky,
    "large": large,
}


def builtin_scenario(name: str, seed: int = 0) -> Scenario:
    """Build the built-in scenario `name`; raises `ValueError` for an unknown name."""
    if name not in BUILTIN:
        raise ValueError(f"unknown scenario {name!r}: expected one of {', '.join(BUILTIN)} or a file path")
    return BUILTIN[name](seed)
