"""Choose the apps of a run from the listed applications.

A pattern is a shell-style glob (`*`, `?`, `[abc]`) matched case-insensitively against
each app's name, or against `namespace/name` when the pattern contains a slash. The
matches are sorted by name. An explicit list keeps the given order, and a name that no
listed app carries is an error, so nothing is synced. The project and label-selector
filters apply to both forms. Apps being deleted (`metadata.deletionTimestamp` set) are
left out and reported.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass, field

from argonaut_mcp.argocd.models import Application
from argonaut_mcp.rollout.labels import LabelSelector, parse_selector
from argonaut_mcp.rollout.params import BatchSyncParams

MAX_CLOSEST_NAMES = 5
CLOSEST_NAME_CUTOFF = 0.5


@dataclass
class Selection:
    """The apps to roll out, in rollout order, and the apps matched but left out."""

    apps: list[Application] = field(default_factory=list)
    being_deleted: list[str] = field(default_factory=list)


class SelectionError(Exception):
    """Raised when the selection matches nothing or names apps that do not exist.

    `closest_names` suggests existing names that resemble what was asked for.
    """

    def __init__(self, message: str, closest_names: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.closest_names = list(closest_names)


def select_applications(available: Sequence[Application], params: BatchSyncParams) -> Selection:
    """Return the apps that `params` selects from `available`.

    Raises `SelectionError` when a pattern matches nothing, when a listed name is unknown
    or ambiguous, or when a listed app fails the project or selector filter.
    """
    if params.apps is not None:
        chosen = select_by_names(available, params.apps)
        reject_filtered_names(chosen, params)
    else:
        chosen = select_by_pattern(available, params)
    return split_being_deleted(chosen)


def display_name(app: Application) -> str:
    return app.qualified_name()


def select_by_pattern(available: Sequence[Application], params: BatchSyncParams) -> list[Application]:
    pattern = (params.pattern or "").lower()
    matched = [app for app in available if fnmatch.fnmatchcase(glob_subject(app, pattern), pattern)]
    filtered = [app for app in matched if passes_filters(app, params)]
    if not filtered:
        raise no_match_error(available, matched, params)
    return sorted(filtered, key=display_name)


def glob_subject(app: Application, pattern: str) -> str:
    subject = display_name(app) if "/" in pattern else app.name
    return subject.lower()


def no_match_error(available: Sequence[Application], matched: Sequence[Application], params: BatchSyncParams) -> SelectionError:
    if matched:
        filters = describe_filters(params)
        names = ", ".join(display_name(app) for app in matched[:MAX_CLOSEST_NAMES])
        return SelectionError(
            f"pattern {params.pattern!r} matches {len(matched)} application(s) ({names}), "
            f"but none passes the filter {filters}"
        )

    query = "".join(char for char in (params.pattern or "") if char not in "*?[]")
    closest = closest_names(query, [display_name(app) for app in available])
    hint = f"; closest names: {', '.join(closest)}" if closest else ""
    return SelectionError(f"no application matches pattern {params.pattern!r}{hint}", closest)


def closest_names(query: str, names: Sequence[str]) -> list[str]:
    """Return up to five names similar to `query`, most similar first (difflib ratio)."""
    lowered = {name.lower(): name for name in names}
    matches = difflib.get_close_matches(query.lower(), list(lowered), n=MAX_CLOSEST_NAMES, cutoff=CLOSEST_NAME_CUTOFF)
    return [lowered[match] for match in matches]


def select_by_names(available: Sequence[Application], names: Sequence[str]) -> list[Application]:
    """Return the apps named in `names`, in that order; raise `SelectionError` for unknown or ambiguous names."""
    by_qualified = {display_name(app): app for app in available}
    by_name: dict[str, list[Application]] = {}
    for app in available:
        by_name.setdefault(app.name, []).append(app)

    chosen: list[Application] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for name in names:
        if name in by_qualified:
            chosen.append(by_qualified[name])
        elif len(by_name.get(name, [])) == 1:
            chosen.append(by_name[name][0])
        elif name in by_name:
            ambiguous.append(name)
        else:
            unknown.append(name)

    if unknown:
        raise unknown_names_error(unknown, list(by_qualified))
    if ambiguous:
        raise SelectionError(
            f"application name(s) {', '.join(ambiguous)} exist in several namespaces; write them as namespace/name"
        )
    return chosen


def unknown_names_error(unknown: Sequence[str], known: Sequence[str]) -> SelectionError:
    closest: list[str] = []
    for name in unknown:
        closest.extend(match for match in closest_names(name, known) if match not in closest)
    hint = f"; closest names: {', '.join(closest)}" if closest else ""
    return SelectionError(
        f"unknown application(s): {', '.join(unknown)} (nothing was synced){hint}", closest
    )


def reject_filtered_names(chosen: Sequence[Application], params: BatchSyncParams) -> None:
    outside = [display_name(app) for app in chosen if not passes_filters(app, params)]
    if outside:
        raise SelectionError(
            f"application(s) {', '.join(outside)} do not pass the filter {describe_filters(params)} "
            "(nothing was synced)"
        )


def passes_filters(app: Application, params: BatchSyncParams) -> bool:
    if params.project is not None and app.spec.project != params.project:
        return False
    selector = selector_of(params)
    return selector is None or selector.matches(app.metadata.labels)


def selector_of(params: BatchSyncParams) -> LabelSelector | None:
    return parse_selector(params.selector) if params.selector else None


def describe_filters(params: BatchSyncParams) -> str:
    filters = []
    if params.project is not None:
        filters.append(f"project={params.project}")
    if params.selector is not None:
        filters.append(f"selector={params.selector!r}")
    return " and ".join(filters)


def split_being_deleted(chosen: Sequence[Application]) -> Selection:
    selection = Selection()
    for app in chosen:
        if app.being_deleted:
            selection.being_deleted.append(display_name(app))
        else:
            selection.apps.append(app)
    return selection
