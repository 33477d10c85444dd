"""Split the selected apps into batches and warn about what may disturb the rollout."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from argonaut_mcp.argocd.models import Application
from argonaut_mcp.rollout.attempts import has_operation
from argonaut_mcp.rollout.contracts import PlannedBatch


@dataclass
class Plan:
    """Batches in rollout order, the apps left out as already up to date, and warnings."""

    batches: list[PlannedBatch] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def app_names(self) -> list[str]:
        return [name for batch in self.batches for name in batch.apps]


def build_plan(apps: Sequence[Application], batch_size: int, *, only_out_of_sync: bool = False) -> Plan:
    """Return the plan for `apps` (already in rollout order), `batch_size` apps per batch.

    With `only_out_of_sync`, apps that are already Synced and Healthy with no operation
    are left out, which is how a re-run resumes an aborted rollout.
    """
    to_sync = list(apps)
    up_to_date: list[str] = []
    if only_out_of_sync:
        up_to_date = [app.qualified_name() for app in apps if is_up_to_date(app)]
        to_sync = [app for app in apps if not is_up_to_date(app)]

    names = [app.qualified_name() for app in to_sync]
    return Plan(batches=split_batches(names, batch_size), up_to_date=up_to_date, warnings=plan_warnings(to_sync))


def split_batches(names: Sequence[str], batch_size: int) -> list[PlannedBatch]:
    """Cut `names` into consecutive batches of `batch_size` (the last may be shorter), numbered from 1."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    return [
        PlannedBatch(number=index // batch_size + 1, apps=list(names[index : index + batch_size]))
        for index in range(0, len(names), batch_size)
    ]


def is_up_to_date(app: Application) -> bool:
    return app.status.sync.status == "Synced" and app.status.health.status == "Healthy" and app.operation is None


def plan_warnings(apps: Sequence[Application]) -> list[str]:
    """Return one warning per kind of risk, naming the apps concerned."""
    warnings: list[str] = []

    auto_sync = names_where(apps, lambda app: app.auto_sync_enabled)
    if auto_sync:
        warnings.append(
            f"auto-sync is on for {auto_sync}: Argo CD may sync these apps outside their batch"
        )

    degraded = names_where(apps, lambda app: app.status.health.status == "Degraded")
    if degraded:
        warnings.append(f"already Degraded before the rollout: {degraded}")

    busy = names_where(apps, has_operation)
    if busy:
        warnings.append(
            f"an operation is running on {busy}: each will be synced after that operation ends"
        )
    return warnings


def names_where(apps: Sequence[Application], predicate: Callable[[Application], bool]) -> str:
    return ", ".join(app.qualified_name() for app in apps if predicate(app))
