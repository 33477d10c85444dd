"""Async client for the Argo CD REST API: models, errors, retries and the watch stream.

This layer deals with HTTP and Argo CD only, and has no notion of MCP or batches.
"""

from argonaut_mcp.argocd.client import SUMMARY_FIELDS, ArgoCDClient, split_app_name
from argonaut_mcp.argocd.connect import build_http_client, open_client
from argonaut_mcp.argocd.errors import (
    ArgoCDConnectionError,
    ArgoCDError,
    ArgoCDTimeoutError,
    AuthenticationError,
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    OperationInProgressError,
    PermissionDeniedError,
    ServerError,
    UnexpectedResponseError,
)
from argonaut_mcp.argocd.retry import NO_RETRY, RetryPolicy
from argonaut_mcp.argocd.watch import ApplicationWatch

__all__ = [
    "NO_RETRY",
    "SUMMARY_FIELDS",
    "ApplicationWatch",
    "ArgoCDClient",
    "ArgoCDConnectionError",
    "ArgoCDError",
    "ArgoCDTimeoutError",
    "AuthenticationError",
    "ConflictError",
    "InvalidRequestError",
    "NotFoundError",
    "OperationInProgressError",
    "PermissionDeniedError",
    "RetryPolicy",
    "ServerError",
    "UnexpectedResponseError",
    "build_http_client",
    "open_client",
    "split_app_name",
]
