"""The optional allow-lists: which apps and projects the write tools may sync.

`allowed_apps` contains globs matched case-insensitively against an app's name and its
`namespace/name`; `allowed_projects` contains project names. An empty list allows everything;
when both are set, an app must pass both.
"""

from __future__ import annotations

import fnmatch
import logging

from mcp.server.mcpserver.exceptions import ToolError

from argonaut_mcp.argocd import ArgoCDClient
from argonaut_mcp.argocd.models import Application
from argonaut_mcp.config import Settings
from argonaut_mcp.rollout.params import BatchSyncParams
from argonaut_mcp.rollout.selection import SelectionError, select_applications
from argonaut_mcp.server.errors import argocd_errors

logger = logging.getLogger(__name__)

MAX_NAMES = 10


def has_allow_list(settings: Settings) -> bool:
    return bool(settings.allowed_apps or settings.allowed_projects)


def is_allowed(app: Application, settings: Settings) -> bool:
    if settings.allowed_projects and app.spec.project not in settings.allowed_projects:
        return False
    if not settings.allowed_apps:
        return True
    subjects = {app.name.lower(), app.qualified_name().lower()}
    return any(
        fnmatch.fnmatchcase(subject, pattern.lower()) for pattern in settings.allowed_apps for subject in subjects
    )


async def check_allowed(client: ArgoCDClient, params: BatchSyncParams, settings: Settings) -> None:
    """Raise a ToolError naming the selected apps that the allow-lists exclude; nothing is synced then.

    The selection is resolved here the way the engine resolves it. A selection that matches
    nothing passes, so that the engine reports it with its closest names.
    """
    if not has_allow_list(settings):
        return
    with argocd_errors("list", instance=client.instance):
        listed = await client.list_applications(app_namespace=params.app_namespace, summary=True)
    try:
        selection = select_applications(listed.items, params)
    except SelectionError:
        return

    denied = [app.qualified_name() for app in selection.apps if not is_allowed(app, settings)]
    if not denied:
        return
    listed_names = ", ".join(denied[:MAX_NAMES]) + (
        f" and {len(denied) - MAX_NAMES} more" if len(denied) > MAX_NAMES else ""
    )
    logger.warning(
        "Refused to sync %d app(s) outside the allow-lists on instance %s: %s",
        len(denied),
        client.instance,
        listed_names,
    )
    raise ToolError(
        f"Not allowed to sync {listed_names}: this server only syncs apps matching {describe(settings)}. "
        "Narrow the pattern or the list of apps. Nothing was synced."
    )


def describe(settings: Settings) -> str:
    parts = []
    if settings.allowed_apps:
        parts.append(f"allowed_apps {', '.join(settings.allowed_apps)}")
    if settings.allowed_projects:
        parts.append(f"allowed_projects {', '.join(settings.allowed_projects)}")
    return " and ".join(parts)
