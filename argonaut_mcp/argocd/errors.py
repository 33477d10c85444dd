"""Errors raised by the Argo CD client.

Every failure of a call surfaces as one subclass of `ArgoCDError`, chosen once, at the
client boundary, from the HTTP status, the gRPC code in Argo CD's error body, or the
transport error::

    ArgoCDError
    ├── AuthenticationError        401: no token, or an expired or invalid one
    ├── PermissionDeniedError      403: not permitted, or (without a project) not found
    ├── NotFoundError              404
    ├── InvalidRequestError        400 and 415
    │   └── OperationInProgressError   400 with gRPC code 9: an operation already runs
    ├── ConflictError              409
    ├── ServerError                5xx
    ├── UnexpectedResponseError    an HTML page, a redirect or a body that is not JSON
    ├── ArgoCDTimeoutError         no response in time
    └── ArgoCDConnectionError      DNS, refused connection, TLS or another network failure

Each error keeps Argo CD's own message (`message`), the HTTP status and gRPC code, the app,
the instance name and the request path. `str(error)` adds what to do next. No error ever
contains the bearer token: the client removes it from any text it puts in an error.
"""

from __future__ import annotations

import json
import socket
import ssl
from typing import Any

import httpx

MAX_BODY_CHARS = 500


class ArgoCDError(Exception):
    """Base of every error the Argo CD client raises."""

    hint: str = ""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        grpc_code: int | None = None,
        app: str | None = None,
        instance: str | None = None,
        path: str | None = None,
        method: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.status = status
        self.grpc_code = grpc_code
        self.app = app
        self.instance = instance
        self.path = path
        self.method = method
        if hint is not None:
            self.hint = hint
        super().__init__(message)

    def context(self) -> str:
        """Describe where the error happened: app, instance, method and path."""
        parts = []
        if self.app:
            parts.append(f"app '{self.app}'")
        if self.instance:
            parts.append(f"instance '{self.instance}'")
        if self.path:
            parts.append(f"{self.method or 'request'} {self.path}")
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = self.message
        context = self.context()
        if context:
            text = f"{text} ({context})"
        if self.hint:
            text = f"{text}. {self.hint}"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self)!r})"


class AuthenticationError(ArgoCDError):
    """401: Argo CD did not accept the token (missing, expired or malformed)."""

    hint = (
        "The Argo CD token is missing, expired or invalid: create a new one "
        "(argocd account generate-token) and set it as ARGOCD_AUTH_TOKEN or the instance's token"
    )


class PermissionDeniedError(ArgoCDError):
    """403: not permitted, or not found.

    Argo CD 3.6 returns 403 for an app that does not exist, so as not to reveal which apps
    exist. Only a call that names the project gets a real 404 for a missing app.
    """

    hint = (
        "The app is not found or not permitted, because Argo CD returns 403 for both. "
        "Pass the app's project to tell the two apart"
    )


class NotFoundError(ArgoCDError):
    """404: the object does not exist."""


class InvalidRequestError(ArgoCDError):
    """400 or 415: Argo CD rejected the request as invalid."""


class OperationInProgressError(InvalidRequestError):
    """400 with gRPC code 9: the app already has an operation, and Argo CD keeps no queue."""

    hint = "Wait until the app's current operation finishes, or terminate it, then sync again"


class ConflictError(ArgoCDError):
    """409: the object changed or already exists."""


class ServerError(ArgoCDError):
    """5xx: Argo CD (or a proxy in front of it) failed."""


class UnexpectedResponseError(ArgoCDError):
    """A response that is not Argo CD's JSON: an HTML page, a redirect or another body."""


class ArgoCDTimeoutError(ArgoCDError):
    """No response within the configured timeout."""


class ArgoCDConnectionError(ArgoCDError):
    """The request could not reach Argo CD.

    `reason` is one of `dns`, `refused`, `tls`, `tls_verify` or `network`.
    """

    def __init__(self, message: str, *, reason: str = "network", **context: Any) -> None:
        self.reason = reason
        super().__init__(message, **context)


STATUS_ERRORS: dict[int, type[ArgoCDError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    415: InvalidRequestError,
}

GRPC_FAILED_PRECONDITION = 9

WRONG_PREFIX_HINT = (
    "The server URL probably lacks or has a wrong path prefix: Argo CD served with "
    "--rootpath /argocd needs the URL https://HOST/argocd"
)


def error_for_status(
    status: int,
    body: bytes,
    content_type: str,
    *,
    project_given: bool = False,
    **context: Any,
) -> ArgoCDError:
    """Build the error for an HTTP response with an error status or an unusable body.

    `context` takes the keyword arguments of `ArgoCDError` (app, instance, path, method).
    Argo CD 3.6 sends `{"error": MSG, "code": GRPC_CODE, "message": MSG}`, but a 415 from
    its gateway has a plain-text body.
    """
    if looks_like_html(body, content_type) and status < 500:
        return html_page_error(status, **context)
    if looks_like_html(body, content_type):
        message = f"Argo CD or a proxy in front of it failed with HTTP {status} and an HTML error page"
        return ServerError(message, status=status, **context)

    message, grpc_code = parse_error_body(body)
    if not message:
        message = f"Argo CD returned HTTP {status} with no message"

    if status == 400 and grpc_code == GRPC_FAILED_PRECONDITION and "in progress" in message:
        return OperationInProgressError(message, status=status, grpc_code=grpc_code, **context)
    if status == 403 and project_given:
        hint = "The token's account lacks permission for this action in this project"
        return PermissionDeniedError(message, status=status, grpc_code=grpc_code, hint=hint, **context)

    error_type = STATUS_ERRORS.get(status)
    if error_type is None:
        error_type = ServerError if status >= 500 else ArgoCDError
    return error_type(message, status=status, grpc_code=grpc_code, **context)


def error_for_stream_envelope(envelope: Any, **context: Any) -> ArgoCDError:
    """Build the error for a stream line `{"error": {"grpc_code", "http_code", "message"}}`."""
    if not isinstance(envelope, dict):
        return UnexpectedResponseError(f"Argo CD sent a malformed stream error: {envelope!r}"[:MAX_BODY_CHARS], **context)

    status = envelope.get("http_code") or 500
    body = json.dumps({"message": envelope.get("message", ""), "code": envelope.get("grpc_code")}).encode()
    return error_for_status(int(status), body, "application/json", **context)


def html_page_error(status: int, **context: Any) -> UnexpectedResponseError:
    message = f"Expected Argo CD's JSON API but got an HTML page (HTTP {status})"
    return UnexpectedResponseError(message, status=status, hint=WRONG_PREFIX_HINT, **context)


def redirect_error(status: int, location: str, **context: Any) -> UnexpectedResponseError:
    """Build the error for a 3xx: Argo CD 3.6 with TLS on redirects plain HTTP to https."""
    message = f"Argo CD redirected the request to {location or 'an unknown location'}"
    hint = "Configure the server URL with the scheme and prefix the redirect points to (often https://)"
    return UnexpectedResponseError(message, status=status, hint=hint, **context)


def looks_like_html(body: bytes, content_type: str) -> bool:
    if "html" in content_type.lower():
        return True
    start = body.lstrip()[:15].lower()
    return start.startswith(b"<!doctype html") or start.startswith(b"<html")


def parse_error_body(body: bytes) -> tuple[str, int | None]:
    """Return Argo CD's message and gRPC code from an error body, or its text when not JSON."""
    try:
        data = json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace").strip()[:MAX_BODY_CHARS], None

    if not isinstance(data, dict):
        return str(data)[:MAX_BODY_CHARS], None
    message = data.get("message") or data.get("error") or ""
    code = data.get("code")
    return str(message)[:MAX_BODY_CHARS], code if isinstance(code, int) else None


def error_for_transport(exc: httpx.TransportError, *, timeout_hint: str = "", **context: Any) -> ArgoCDError:
    """Map an httpx transport error to an `ArgoCDTimeoutError` or `ArgoCDConnectionError`."""
    if isinstance(exc, httpx.TimeoutException):
        message = f"Argo CD did not respond in time ({type(exc).__name__})"
        return ArgoCDTimeoutError(message, hint=timeout_hint or None, **context)

    reason = connection_failure_reason(exc)
    message, hint = CONNECTION_MESSAGES[reason]
    return ArgoCDConnectionError(f"{message}: {exc}", reason=reason, hint=hint, **context)


CONNECTION_MESSAGES: dict[str, tuple[str, str]] = {
    "dns": (
        "Cannot resolve the Argo CD host name",
        "Check the host name in the server URL, and your DNS or VPN",
    ),
    "refused": (
        "Connection refused",
        "Check the host and port in the server URL, and that Argo CD (or its port-forward) is running",
    ),
    "tls": (
        "TLS handshake failed",
        "If the server speaks plain HTTP (argocd-server --insecure), use an http:// URL",
    ),
    "tls_verify": (
        "The server's TLS certificate is not trusted",
        "Set ca_bundle (ARGONAUT_CA_BUNDLE) to the CA that signed it, or insecure = true "
        "(ARGONAUT_INSECURE=1) to skip verification",
    ),
    "network": (
        "Cannot connect to Argo CD",
        "Check the server URL and the network path to it",
    ),
}

DNS_FAILURE_TEXTS = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "getaddrinfo failed",
    "no address associated with hostname",
)


def connection_failure_reason(exc: BaseException) -> str:
    """Classify a connection failure as `dns`, `refused`, `tls`, `tls_verify` or `network`.

    httpx 0.29 wraps the cause in a chain (httpx.ConnectError → httpcore.ConnectError →
    OSError), so the whole chain and any exception group in it are searched.
    """
    causes = list(exception_chain(exc))
    if any(isinstance(cause, ssl.SSLCertVerificationError) for cause in causes):
        return "tls_verify"
    if any(isinstance(cause, ssl.SSLError) for cause in causes):
        return "tls"
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return "dns"
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return "refused"

    text = " ".join(str(cause).lower() for cause in causes)
    if any(marker in text for marker in DNS_FAILURE_TEXTS):
        return "dns"
    if "connection refused" in text or "connect call failed" in text:
        return "refused"
    if "certificate verify failed" in text:
        return "tls_verify"
    if "[ssl" in text:
        return "tls"
    return "network"


def exception_chain(exc: BaseException) -> list[BaseException]:
    """Return `exc`, its causes and contexts, and the members of exception groups among them."""
    seen: list[BaseException] = []
    pending = [exc]
    while pending:
        current = pending.pop()
        if any(current is known for known in seen):
            continue
        seen.append(current)
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                pending.append(linked)
    return seen


def scrub_secret(text: str, secret: str | None) -> str:
    """Replace every occurrence of `secret` in `text` with `***`."""
    if not secret:
        return text
    return text.replace(secret, "***")
