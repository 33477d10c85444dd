"""Build clients over `httpx.MockTransport` for unit tests of the Argo CD client."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from argonaut_mcp.argocd import NO_RETRY, ArgoCDClient, RetryPolicy

BASE_URL = "https://127.0.0.1:8443"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.dGVzdC1zaWduYXR1cmU"

Handler = Callable[[httpx.Request], httpx.Response]


def mock_client(
    handler: Handler,
    *,
    base_url: str = BASE_URL,
    retry: RetryPolicy = NO_RETRY,
    instance: str = "prod",
) -> tuple[ArgoCDClient, httpx.AsyncClient]:
    """Return a client over `handler` and its `httpx.AsyncClient` (the test closes it)."""
    http = httpx.AsyncClient(
        base_url=base_url,
        headers={"Authorization": f"Bearer {TOKEN}"},
        transport=httpx.MockTransport(handler),
    )
    return ArgoCDClient(http, instance=instance, retry=retry), http


def argo_error(status: int, code: int, message: str) -> httpx.Response:
    """Return an error response shaped as Argo CD 3.6 sends it."""
    return httpx.Response(status, json={"error": message, "code": code, "message": message})


class RecordingSleep:
    """A `sleep` for `RetryPolicy` that records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
