"""`argonaut-mcp check` against real servers on 127.0.0.1, one test per failure kind."""

from __future__ import annotations

import io
import os
import socket
import sys
from pathlib import Path

import anyio
import httpx
import pytest
from pydantic import SecretStr

from argonaut_mcp.argocd import open_client
from argonaut_mcp.check import check_instance, format_report, run_checks
from argonaut_mcp.config import InstanceConfig, Settings
from argonaut_mcp.sandbox import ManualClock, Sandbox
from tests.argocd.fake_argocd import VALID_TOKEN, FakeArgoCD, closed_loopback_port, serve_on_loopback

WRONG_JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3cm9uZyJ9.d3Jvbmctc2ln"


def instance(url: str, token: str | None = VALID_TOKEN, name: str = "local") -> InstanceConfig:
    return InstanceConfig(name=name, url=url, token=SecretStr(token) if token else None)


@pytest.mark.anyio
async def test_reachable_instance_reports_details() -> None:
    fake = FakeArgoCD(path_prefix="/argocd")

    with anyio.fail_after(10):
        async with serve_on_loopback(fake.asgi_app()) as base_url:
            report = await check_instance(instance(f"{base_url}/argocd"))

    assert report.ok
    assert report.version == "v3.6.0+37ee009"
    assert report.username == "admin"
    assert report.app_count == 3
    assert report.latency_ms is not None and report.latency_ms >= 0
    text = format_report(report, is_default=True)
    assert "local (default)" in text
    assert "OK" in text
    assert "Argo CD v3.6.0+37ee009, user admin, 3 applications, latency" in text


@pytest.mark.anyio
async def test_rejected_token() -> None:
    with anyio.fail_after(10):
        async with serve_on_loopback(FakeArgoCD().asgi_app()) as base_url:
            report = await check_instance(instance(base_url, WRONG_JWT))

    assert report.failure == "auth"
    assert report.message is not None
    assert "401: invalid session: token signature is invalid" in report.message
    assert "argocd account generate-token" in report.message
    assert WRONG_JWT not in report.message


@pytest.mark.anyio
async def test_token_ignored_as_not_jwt() -> None:
    with anyio.fail_after(10):
        async with serve_on_loopback(FakeArgoCD().asgi_app()) as base_url:
            report = await check_instance(instance(base_url, "not-a-jwt"))

    assert report.failure == "auth"
    assert report.message is not None and "not logged in" in report.message


@pytest.mark.anyio
async def test_missing_token() -> None:
    with anyio.fail_after(10):
        async with serve_on_loopback(FakeArgoCD().asgi_app()) as base_url:
            report = await check_instance(instance(base_url, None))

    assert report.failure == "no_token"
    assert report.version == "v3.6.0+37ee009"
    assert "reached Argo CD v3.6.0+37ee009" in format_report(report)


@pytest.mark.anyio
async def test_permission_denied() -> None:
    with anyio.fail_after(10):
        async with serve_on_loopback(FakeArgoCD(deny_all=True).asgi_app()) as base_url:
            report = await check_instance(instance(base_url))

    assert report.failure == "forbidden"
    assert report.message is not None
    assert "403: permission denied" in report.message
    assert "RBAC" in report.message


@pytest.mark.anyio
async def test_wrong_path_prefix() -> None:
    fake = FakeArgoCD(path_prefix="/argocd")

    with anyio.fail_after(10):
        async with serve_on_loopback(fake.asgi_app()) as base_url:
            report = await check_instance(instance(base_url))

    assert report.failure == "wrong_prefix"
    assert report.message is not None
    assert "HTML page" in report.message
    assert "path prefix" in report.message


@pytest.mark.anyio
async def test_connection_refused() -> None:
    port = closed_loopback_port()

    with anyio.fail_after(10):
        report = await check_instance(instance(f"http://127.0.0.1:{port}"))

    assert report.failure == "refused"
    assert report.message is not None
    assert f"Connection refused by 127.0.0.1:{port}" in report.message
    assert "port" in report.message


@pytest.mark.anyio
async def test_tls_to_plain_http_server() -> None:
    with anyio.fail_after(10):
        async with serve_on_loopback(FakeArgoCD().asgi_app()) as base_url:
            https_url = base_url.replace("http://", "https://")
            report = await check_instance(instance(https_url))

    assert report.failure == "tls"
    assert report.message is not None
    assert "does not speak TLS" in report.message
    assert f"use {base_url}" in report.message


@pytest.mark.anyio
async def test_failed_name_lookup() -> None:
    def fail_lookup(request: httpx.Request) -> httpx.Response:
        lookup_error = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request) from lookup_error

    with anyio.fail_after(10):
        report = await check_instance(instance("https://localhost:8443"), transport=httpx.MockTransport(fail_lookup))

    assert report.failure == "dns"
    assert report.message is not None
    assert "Cannot resolve the host name 'localhost'" in report.message
    assert "DNS" in report.message


@pytest.mark.anyio
async def test_timeout() -> None:
    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    report = await check_instance(instance("https://127.0.0.1:8443"), transport=httpx.MockTransport(time_out))

    assert report.failure == "timeout"
    assert report.message is not None and "No answer from 127.0.0.1:8443 within 30 s" in report.message


@pytest.mark.anyio
async def test_run_checks_exit_code_and_output() -> None:
    port = closed_loopback_port()
    out = io.StringIO()

    with anyio.fail_after(10):
        async with serve_on_loopback(FakeArgoCD().asgi_app()) as base_url:
            settings = Settings(
                instances={
                    "good": instance(base_url, name="good"),
                    "down": instance(f"http://127.0.0.1:{port}", name="down"),
                },
                default_instance="good",
            )
            all_code = await run_checks(settings, out=out)
            one_code = await run_checks(settings, "good", out=io.StringIO())

    text = out.getvalue()
    assert all_code == 1
    assert one_code == 0
    assert "good (default): " in text
    assert "down: http://127.0.0.1" in text
    assert "FAILED  [refused]" in text


@pytest.mark.anyio
async def test_cli_check_command(tmp_path: Path) -> None:
    fake = FakeArgoCD(path_prefix="/argocd")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ARGOCD_", "ARGONAUT_"))}
    env.update({"HOME": str(tmp_path), "ARGOCD_AUTH_TOKEN": VALID_TOKEN})
    command = [sys.executable, "-m", "argonaut_mcp.cli", "check", "--config", str(tmp_path / "argonaut.toml")]

    with anyio.fail_after(30):
        async with serve_on_loopback(fake.asgi_app()) as base_url:
            (tmp_path / "argonaut.toml").write_text(f'[instances.local]\nurl = "{base_url}/argocd"\n', encoding="utf-8")
            passed = await anyio.run_process(command, env=env, check=False)
            unknown = await anyio.run_process([*command, "--instance", "qa"], env=env, check=False)

    assert passed.returncode == 0, passed.stderr.decode()
    assert "local (default)" in passed.stdout.decode()
    assert "user admin, 3 applications" in passed.stdout.decode()
    assert VALID_TOKEN not in passed.stdout.decode() + passed.stderr.decode()
    assert unknown.returncode == 2
    assert "Unknown Argo CD instance 'qa'" in unknown.stderr.decode()


@pytest.mark.anyio
async def test_sandbox_behind_prefix() -> None:
    sandbox = Sandbox("default", clock=ManualClock(), path_prefix="/argocd")

    with anyio.fail_after(20):
        async with sandbox.serve() as base_url:
            sandbox_instance = instance(base_url, sandbox.token, name="sandbox")
            report = await check_instance(sandbox_instance)
            async with open_client(sandbox_instance) as client:
                listed = await client.list_applications()
            without_prefix = await check_instance(instance(base_url.removesuffix("/argocd"), sandbox.token))
            extra_prefix = await check_instance(instance(base_url + "/extra", sandbox.token))

    assert report.ok, report.message
    assert report.version is not None and report.version.startswith("v3.6")
    assert report.username is not None
    assert report.app_count == len(listed.items)
    assert without_prefix.failure == "wrong_prefix"
    assert extra_prefix.failure == "wrong_prefix"
    assert "path prefix" in extra_prefix.message
