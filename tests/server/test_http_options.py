"""HTTP exposure rules: loopback by default; elsewhere a bearer token and allowed hosts are required."""

from __future__ import annotations

import pytest

from argonaut_mcp.server.http import HttpConfigError, is_loopback, transport_security


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_hosts(host):
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.5", "mcp.example.internal"])
def test_non_loopback_hosts(host):
    assert not is_loopback(host)


def test_loopback_accepts_local_host_headers_only():
    security = transport_security("127.0.0.1", auth_token=None, allowed_hosts=[])

    assert security.enable_dns_rebinding_protection
    assert "127.0.0.1:*" in security.allowed_hosts
    assert all(host.split(":")[0] in ("127.0.0.1", "localhost", "[") for host in security.allowed_hosts)


def test_non_loopback_without_token_is_rejected():
    with pytest.raises(HttpConfigError) as caught:
        transport_security("0.0.0.0", auth_token=None, allowed_hosts=["mcp.example.internal:8000"])

    assert "0.0.0.0" in str(caught.value)
    assert "--auth-token" in str(caught.value)


def test_non_loopback_without_allowed_hosts_is_rejected():
    with pytest.raises(HttpConfigError) as caught:
        transport_security("0.0.0.0", auth_token="s3cret-value", allowed_hosts=[])

    assert "--allowed-host" in str(caught.value)
    assert "s3cret-value" not in str(caught.value)


def test_non_loopback_allows_listed_hosts_only():
    security = transport_security("0.0.0.0", auth_token="s3cret-value", allowed_hosts=["mcp.example.internal:8000"])

    assert security.enable_dns_rebinding_protection
    assert security.allowed_hosts == ["mcp.example.internal:8000"]
    assert "https://mcp.example.internal:8000" in security.allowed_origins
