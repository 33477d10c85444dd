"""Retries of transient failures: which calls, how often, how long, and the log lines."""

from __future__ import annotations

import logging
import ssl

import httpx
import pytest

from argonaut_mcp.argocd import (
    ArgoCDConnectionError,
    ArgoCDTimeoutError,
    RetryPolicy,
    ServerError,
)
from tests.argocd.helpers import RecordingSleep, argo_error, mock_client

APP = {"metadata": {"name": "web", "resourceVersion": "7"}}


class Script:
    """A mock handler that plays a list of responses or exceptions, one per request."""

    def __init__(self, *steps: httpx.Response | type[httpx.TransportError] | Exception) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        step = self.steps[min(len(self.requests), len(self.steps)) - 1]
        if isinstance(step, type):
            raise step("scripted failure", request=request)
        if isinstance(step, Exception):
            raise step
        return step


def policy(sleep: RecordingSleep, max_attempts: int = 4) -> RetryPolicy:
    return RetryPolicy(max_attempts=max_attempts, base_delay=0.5, max_delay=8.0, jitter=0.5, sleep=sleep, random=lambda: 0.5)


def test_delays_grow_exponentially_with_cap() -> None:
    no_jitter = RetryPolicy(base_delay=0.5, max_delay=3.0, jitter=0.5, random=lambda: 0.0)
    full_jitter = RetryPolicy(base_delay=0.5, max_delay=3.0, jitter=0.5, random=lambda: 1.0)

    assert [no_jitter.delay(attempt) for attempt in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert [full_jitter.delay(attempt) for attempt in range(1, 6)] == [0.25, 0.5, 1.0, 1.5, 1.5]


def test_policy_rejects_invalid_values() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter=1.5)


@pytest.mark.anyio
async def test_two_503_then_success(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="argonaut_mcp.argocd")
    unavailable = argo_error(503, 14, "connection error")
    script = Script(unavailable, unavailable, httpx.Response(200, json=APP))
    sleep = RecordingSleep()
    client, http = mock_client(script, retry=policy(sleep))

    async with http:
        app = await client.get_application("web")

    assert app.name == "web"
    assert len(script.requests) == 3
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "attempt 1 of 4" in warnings[0].getMessage()
    assert "attempt 2 of 4" in warnings[1].getMessage()
    assert "HTTP 503" in warnings[0].getMessage()
    assert "prod" in warnings[0].getMessage()
    assert sleep.delays == [0.375, 0.75]


@pytest.mark.anyio
async def test_permanent_503_gives_up(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="argonaut_mcp.argocd")
    script = Script(argo_error(503, 14, "connection error"))
    sleep = RecordingSleep()
    client, http = mock_client(script, retry=policy(sleep, max_attempts=3))

    async with http:
        with pytest.raises(ServerError) as caught:
            await client.list_applications()

    assert caught.value.status == 503
    assert len(script.requests) == 3
    assert len(sleep.delays) == 2
    assert len([record for record in caplog.records if record.levelno == logging.WARNING]) == 2


@pytest.mark.anyio
async def test_get_retries_connect_error_and_timeouts() -> None:
    script = Script(httpx.ConnectError, httpx.ReadTimeout, httpx.Response(200, json=APP))
    sleep = RecordingSleep()
    client, http = mock_client(script, retry=policy(sleep))

    async with http:
        await client.get_application("web")

    assert len(script.requests) == 3


@pytest.mark.anyio
async def test_get_timeout_after_attempts() -> None:
    script = Script(httpx.ReadTimeout)
    client, http = mock_client(script, retry=policy(RecordingSleep(), max_attempts=2))

    async with http:
        with pytest.raises(ArgoCDTimeoutError):
            await client.get_application("web")

    assert len(script.requests) == 2


@pytest.mark.anyio
async def test_sync_not_retried_on_503() -> None:
    script = Script(argo_error(503, 14, "connection error"), httpx.Response(200, json=APP))
    client, http = mock_client(script, retry=policy(RecordingSleep()))

    async with http:
        with pytest.raises(ServerError):
            await client.sync_application("web")

    assert len(script.requests) == 1


@pytest.mark.anyio
async def test_sync_retried_when_never_sent() -> None:
    script = Script(httpx.ConnectError, httpx.ConnectTimeout, httpx.Response(200, json=APP))
    client, http = mock_client(script, retry=policy(RecordingSleep()))

    async with http:
        app = await client.sync_application("web")

    assert app.name == "web"
    assert len(script.requests) == 3


@pytest.mark.anyio
@pytest.mark.parametrize("failure", [httpx.ReadError, httpx.ReadTimeout, httpx.RemoteProtocolError])
async def test_sync_not_retried_after_sending(failure: type[httpx.TransportError]) -> None:
    script = Script(failure, httpx.Response(200, json=APP))
    client, http = mock_client(script, retry=policy(RecordingSleep()))

    async with http:
        with pytest.raises((ArgoCDConnectionError, ArgoCDTimeoutError)):
            await client.sync_application("web")

    assert len(script.requests) == 1


@pytest.mark.anyio
async def test_terminate_not_retried_on_503() -> None:
    script = Script(argo_error(503, 14, "connection error"), httpx.Response(200, json={}))
    client, http = mock_client(script, retry=policy(RecordingSleep()))

    async with http:
        with pytest.raises(ServerError):
            await client.terminate_operation("web")

    assert len(script.requests) == 1


@pytest.mark.anyio
async def test_tls_failure_not_retried() -> None:
    certificate_error = ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed certificate")
    failure = httpx.ConnectError("certificate verify failed")
    failure.__cause__ = certificate_error
    script = Script(failure)
    client, http = mock_client(script, retry=policy(RecordingSleep()))

    async with http:
        with pytest.raises(ArgoCDConnectionError) as caught:
            await client.get_version()

    assert caught.value.reason == "tls_verify"
    assert len(script.requests) == 1


@pytest.mark.anyio
async def test_sync_timeout_says_check_app() -> None:
    client, http = mock_client(Script(httpx.ReadTimeout), retry=policy(RecordingSleep()))

    async with http:
        with pytest.raises(ArgoCDTimeoutError) as caught:
            await client.sync_application("web")

    assert "read the app before syncing it again" in str(caught.value)
