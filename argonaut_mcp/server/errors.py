"""Translate Argo CD client errors into tool errors a model can act on.

MCPServer (mcp 2.3) returns only "Error executing tool NAME" for an exception that is not a
`ToolError`, so every tool catches the client's `ArgoCDError` here and re-raises it as a
`ToolError` whose message names the app, the instance and the next step.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from mcp.server.mcpserver.exceptions import ToolError

from argonaut_mcp.argocd import ArgoCDClient
from argonaut_mcp.argocd.errors import (
    ArgoCDConnectionError,
    ArgoCDError,
    ArgoCDTimeoutError,
    AuthenticationError,
    InvalidRequestError,
    NotFoundError,
    OperationInProgressError,
    PermissionDeniedError,
    ServerError,
    UnexpectedResponseError,
)
from argonaut_mcp.rollout.selection import closest_names

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_SUGGESTIONS = 5


@contextmanager
def argocd_errors(action: str, *, app: str | None = None, instance: str) -> Iterator[None]:
    """Re-raise an `ArgoCDError` raised inside the block as a `ToolError`.

    `action` is a short phrase such as "read the logs of" that completes the sentence
    "Could not ... APP".
    """
    try:
        yield
    except ArgoCDError as error:
        message = describe_argocd_error(error, action=action, app=app or error.app, instance=instance)
        logger.warning("Argo CD call failed on instance %s (app %s): %s", instance, app or error.app, error.message)
        raise ToolError(message) from error


async def call_for_app(client: ArgoCDClient, action: str, app: str, call: Callable[[], Awaitable[T]]) -> T:
    """Await `call()`; turn an `ArgoCDError` into a ToolError, suggesting names when the app is missing."""
    try:
        return await call()
    except ArgoCDError as error:
        message = describe_argocd_error(error, action=action, app=app, instance=client.instance)
        logger.warning("Argo CD call failed on instance %s (app %s): %s", client.instance, app, error.message)
        if isinstance(error, (NotFoundError, PermissionDeniedError)):
            message += await similar_names_hint(client, app)
        raise ToolError(message) from error


async def similar_names_hint(client: ArgoCDClient, name: str) -> str:
    """Suggest existing apps: the same name in another namespace, else names that look alike."""
    try:
        listed = await client.list_applications(summary=True)
    except ArgoCDError:
        return ""

    short_name = name.split("/")[-1]
    qualified = [app.qualified_name() for app in listed.items]
    same_name = [
        candidate
        for app, candidate in zip(listed.items, qualified, strict=True)
        if app.name == short_name and candidate != name
    ]
    suggestions = same_name or closest_names(short_name, qualified)
    if not suggestions:
        return ""
    return f" Did you mean {', '.join(suggestions[:MAX_SUGGESTIONS])}?"


def describe_argocd_error(error: ArgoCDError, *, action: str, app: str | None, instance: str) -> str:
    """Build one message: what failed, on which app and instance, Argo CD's reason, what to do next."""
    target = f"application '{app}'" if app else "applications"
    where = f"on Argo CD instance '{instance}'"
    reason = error.message

    if isinstance(error, (NotFoundError, PermissionDeniedError)):
        # Argo CD 3.6 returns 403 both for a missing app and for one the token may not read.
        return (
            f"Could not {action} {target} {where}: not found, or the token is not permitted to see it "
            f"({reason}). Call list_applications to check the exact name and its app namespace."
        )
    if isinstance(error, AuthenticationError):
        return (
            f"Could not {action} {target} {where}: the token was rejected (401, {reason}). "
            "Check that the instance's token is current (ARGOCD_AUTH_TOKEN or the config file); "
            "`argonaut-mcp check` tests every configured instance."
        )
    if isinstance(error, OperationInProgressError):
        return (
            f"Could not {action} {target} {where}: another operation is already in progress ({reason}). "
            "Call get_application to watch its phase, and retry once it has finished."
        )
    if isinstance(error, InvalidRequestError):
        return (
            f"Argo CD rejected the request to {action} {target} {where}: {reason}. "
            "Check the arguments (revision, resource kind and name, container)."
        )
    if isinstance(error, ServerError):
        return (
            f"Argo CD {where} failed to {action} {target} with a server error ({reason}). "
            "Retry in a moment; if it persists, check the Argo CD server logs."
        )
    if isinstance(error, ArgoCDTimeoutError):
        return f"Argo CD {where} did not answer in time while trying to {action} {target}. Retry in a moment."
    if isinstance(error, ArgoCDConnectionError):
        return (
            f"Could not connect to Argo CD instance '{instance}' to {action} {target} ({reason}). "
            "Check the instance's server URL and port (ARGOCD_SERVER or the config file), and that Argo CD "
            "is reachable from this machine; `argonaut-mcp check` tests every configured instance."
        )
    if isinstance(error, UnexpectedResponseError):
        return (
            f"Argo CD {where} returned something other than JSON when asked to {action} {target} ({reason}). "
            "The server URL probably lacks Argo CD's path prefix (such as /argocd)."
        )
    return f"Could not {action} {target} {where}: {reason}."
