"""Open an `ArgoCDClient` for a configured instance: base URL, token, TLS and timeouts."""

from __future__ import annotations

import logging
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from argonaut_mcp import __version__
from argonaut_mcp.argocd.client import ArgoCDClient
from argonaut_mcp.argocd.retry import RetryPolicy
from argonaut_mcp.config import ConfigError, InstanceConfig

logger = logging.getLogger("argonaut_mcp.argocd")

LOOPBACK_HOSTS = {"127.0.0.1", "::1", "localhost"}
MAX_CONNECT_TIMEOUT_SECONDS = 10.0


@asynccontextmanager
async def open_client(
    instance: InstanceConfig,
    *,
    retry: RetryPolicy | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[ArgoCDClient]:
    """Yield a client for `instance` and close its HTTP connections on exit.

    `transport` replaces the network (an `httpx.MockTransport` or an ASGI transport in tests).
    """
    async with build_http_client(instance, transport=transport) as http:
        yield ArgoCDClient(http, instance=instance.name, retry=retry)


def build_http_client(instance: InstanceConfig, *, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """Build the `httpx.AsyncClient` for an instance: base URL with its path prefix, bearer token, TLS."""
    headers = {"User-Agent": f"argonaut-mcp/{__version__}"}
    if instance.token is not None:
        headers["Authorization"] = f"Bearer {instance.token.get_secret_value()}"
        warn_if_token_unencrypted(instance)

    timeout = httpx.Timeout(instance.timeout_seconds, connect=min(MAX_CONNECT_TIMEOUT_SECONDS, instance.timeout_seconds))
    return httpx.AsyncClient(
        base_url=instance.url,
        headers=headers,
        verify=tls_verification(instance),
        timeout=timeout,
        transport=transport,
        follow_redirects=False,
    )


def tls_verification(instance: InstanceConfig) -> ssl.SSLContext | bool:
    """Return httpx's `verify`: False when insecure, a context trusting `ca_bundle`, else True."""
    if instance.insecure:
        return False
    if instance.ca_bundle is None:
        return True
    try:
        return ssl.create_default_context(cafile=instance.ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"Cannot load the CA bundle {instance.ca_bundle} of instance {instance.name!r}: {exc}") from exc


def warn_if_token_unencrypted(instance: InstanceConfig) -> None:
    url = httpx.URL(instance.url)
    if url.scheme == "http" and url.host not in LOOPBACK_HOSTS:
        logger.warning("Instance %s uses plain HTTP to %s: its token travels unencrypted", instance.name, url.host)
