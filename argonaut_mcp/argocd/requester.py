"""Send one Argo CD API request: wire rules, retries and error mapping.

The wire rules are those of the Argo CD 3.6 REST gateway. Every non-GET request carries
`Content-Type: application/json` exactly (DELETE included), and errors come back as
`{"error", "code", "message"}`. A path prefix in the server URL is kept because the
`httpx.AsyncClient` base URL carries it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from argonaut_mcp.argocd.errors import (
    ArgoCDConnectionError,
    ArgoCDError,
    UnexpectedResponseError,
    error_for_status,
    error_for_transport,
    html_page_error,
    looks_like_html,
    redirect_error,
    scrub_secret,
)
from argonaut_mcp.argocd.retry import RETRYABLE_STATUSES, RetryPolicy, never_reached_server
from argonaut_mcp.config import validation_summary

logger = logging.getLogger("argonaut_mcp.argocd")

JSON_CONTENT_TYPE = "application/json"
ParamValue = str | int | bool | Sequence[str] | None


class Requester:
    """Send requests through an injected `httpx.AsyncClient` for one Argo CD instance."""

    def __init__(self, http: httpx.AsyncClient, *, instance: str, retry: RetryPolicy) -> None:
        self.http = http
        self.instance = instance
        self.retry = retry

    async def call_json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, ParamValue] | None = None,
        body: Mapping[str, Any] | None = None,
        app: str | None = None,
        project_given: bool = False,
        timeout_hint: str = "",
    ) -> dict[str, Any]:
        """Send a request and return its decoded JSON object.

        GET requests are retried on transient failures. Other methods are retried only
        when the request surely never reached the server.
        """
        request = self.build_request(method, path, params=params, body=body)
        context = RequestContext(app=app, project_given=project_given, timeout_hint=timeout_hint)
        response = await self.send(request, context, stream=False)
        self.raise_for_response(response, response.content, context)
        return self.decode_json(response, context)

    async def open_stream(
        self,
        path: str,
        *,
        params: Mapping[str, ParamValue] | None = None,
        app: str | None = None,
        project_given: bool = False,
        read_timeout: float | None = None,
    ) -> httpx.Response:
        """Open a streamed GET and return the response once its status is known to be good.

        `read_timeout` bounds the wait for each chunk. None waits forever, as a watch must,
        because Argo CD 3.6 sends no keepalive on newline-delimited streams. The caller
        must `aclose()` the response.
        """
        base = self.http.timeout
        timeout = httpx.Timeout(connect=base.connect, read=read_timeout, write=base.write, pool=base.pool)
        request = self.build_request("GET", path, params=params, timeout=timeout)
        context = RequestContext(app=app, project_given=project_given)
        response = await self.send(request, context, stream=True)
        if response.status_code >= 300 or looks_like_html(b"", response.headers.get("content-type", "")):
            body = await self.read_and_close(response, context)
            self.raise_for_response(response, body, context)
        return response

    def build_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, ParamValue] | None = None,
        body: Mapping[str, Any] | None = None,
        timeout: httpx.Timeout | None = None,
    ) -> httpx.Request:
        headers = {"Accept": JSON_CONTENT_TYPE}
        content = None
        if method != "GET":
            headers["Content-Type"] = JSON_CONTENT_TYPE
            content = json.dumps(body).encode() if body is not None else b""

        extra: dict[str, Any] = {}
        if timeout is not None:
            extra["timeout"] = timeout
        return self.http.build_request(
            method, path, params=query_params(params), headers=headers, content=content, **extra
        )

    async def send(self, request: httpx.Request, context: RequestContext, *, stream: bool) -> httpx.Response:
        """Send `request`, retrying transient failures as `self.retry` allows."""
        idempotent = request.method == "GET"
        attempt = 1
        while True:
            started = time.perf_counter()
            try:
                response = await self.http.send(request, stream=stream)
            except httpx.TransportError as exc:
                error = self.transport_error(exc, request, context)
                if not self.may_retry_transport(exc, error, idempotent, attempt):
                    raise error from exc
                await self.wait_before_retry(request, attempt, error.message)
            else:
                self.log_call(request, response, started)
                if not (idempotent and response.status_code in RETRYABLE_STATUSES and attempt < self.retry.max_attempts):
                    return response
                await response.aclose()
                await self.wait_before_retry(request, attempt, f"HTTP {response.status_code}")
            attempt += 1

    def may_retry_transport(self, exc: httpx.TransportError, error: ArgoCDError, idempotent: bool, attempt: int) -> bool:
        if attempt >= self.retry.max_attempts:
            return False
        if isinstance(error, ArgoCDConnectionError) and error.reason in ("tls", "tls_verify"):
            return False
        return idempotent or never_reached_server(exc)

    async def wait_before_retry(self, request: httpx.Request, attempt: int, cause: str) -> None:
        delay = self.retry.delay(attempt)
        logger.warning(
            "Retrying %s %s on instance %s after attempt %d of %d failed (%s), next try in %.2f s",
            request.method,
            request.url.path,
            self.instance,
            attempt,
            self.retry.max_attempts,
            cause,
            delay,
        )
        await self.retry.sleep(delay)

    def log_call(self, request: httpx.Request, response: httpx.Response, started: float) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.debug(
            "%s %s -> %d in %.0f ms (instance %s)",
            request.method,
            request.url.path,
            response.status_code,
            elapsed_ms,
            self.instance,
        )

    def raise_for_response(self, response: httpx.Response, body: bytes, context: RequestContext) -> None:
        """Raise the matching `ArgoCDError` unless `response` is a 2xx with a JSON body."""
        status = response.status_code
        content_type = response.headers.get("content-type", "")
        where = self.error_context(response.request, context)
        if 300 <= status < 400:
            raise redirect_error(status, response.headers.get("location", ""), **where)
        if status >= 400:
            error = error_for_status(status, body, content_type, project_given=context.project_given, **where)
            raise self.scrubbed(error)
        if looks_like_html(body, content_type):
            raise html_page_error(status, **where)

    def decode_json(self, response: httpx.Response, context: RequestContext) -> dict[str, Any]:
        """Decode a JSON object body. An empty body (as DELETE may return) decodes to `{}`."""
        if not response.content.strip():
            return {}

        where = self.error_context(response.request, context)
        try:
            data = response.json()
        except ValueError as exc:
            excerpt = self.scrub(response.text[:200])
            message = f"Argo CD returned a body that is not JSON: {excerpt!r}"
            raise UnexpectedResponseError(message, status=response.status_code, **where) from exc
        if not isinstance(data, dict):
            message = f"Argo CD returned a JSON {type(data).__name__} where an object was expected"
            raise UnexpectedResponseError(message, status=response.status_code, **where)
        return data

    async def read_and_close(self, response: httpx.Response, context: RequestContext) -> bytes:
        try:
            return await response.aread()
        except httpx.TransportError as exc:
            raise self.transport_error(exc, response.request, context) from exc
        finally:
            await response.aclose()

    def transport_error(self, exc: httpx.TransportError, request: httpx.Request, context: RequestContext) -> ArgoCDError:
        where = self.error_context(request, context)
        return self.scrubbed(error_for_transport(exc, timeout_hint=context.timeout_hint, **where))

    def error_context(self, request: httpx.Request, context: RequestContext) -> dict[str, Any]:
        return {"app": context.app, "instance": self.instance, "path": request.url.path, "method": request.method}

    def scrubbed(self, error: ArgoCDError) -> ArgoCDError:
        """Remove the bearer token from the error's message, should a server echo it."""
        error.message = self.scrub(error.message)
        error.args = (error.message,)
        return error

    def scrub(self, text: str) -> str:
        authorization = self.http.headers.get("authorization", "")
        token = authorization.removeprefix("Bearer ").strip()
        return scrub_secret(text, token or None)


@dataclass(frozen=True)
class RequestContext:
    """Details an error about one request names beyond the request itself."""

    app: str | None = None
    project_given: bool = False
    timeout_hint: str = ""


def query_params(params: Mapping[str, ParamValue] | None) -> list[tuple[str, str]]:
    """Flatten query parameters: drop None, repeat list values, write booleans as true/false."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
        elif isinstance(value, (list, tuple)):
            pairs.extend((key, str(item)) for item in value)
        else:
            pairs.append((key, str(value)))
    return pairs


ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_model(model_type: type[ModelT], data: Any, **context: Any) -> ModelT:
    """Validate Argo CD data into `model_type`, raising `UnexpectedResponseError` when it does not fit.

    The error names the first three fields and reasons only, never the values, which may
    contain secrets.
    """
    try:
        return model_type.model_validate(data)
    except ValidationError as exc:
        problems = validation_summary(exc, limit=3)
        message = f"Argo CD returned a {model_type.__name__} that does not match the expected shape ({problems})"
        raise UnexpectedResponseError(message, **context) from None
