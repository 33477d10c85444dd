"""`check` against the sandbox served over TLS on 127.0.0.1 with a certificate from a test CA."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
import uvicorn
from pydantic import SecretStr

from argonaut_mcp.check import check_instance
from argonaut_mcp.config import InstanceConfig
from argonaut_mcp.sandbox import ManualClock, Sandbox

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make test certificates")

TIMEOUT = 20


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """Write a test CA and a server certificate for IP 127.0.0.1 signed by it, and return (ca, cert, key)."""
    ca_key, ca_cert = folder / "ca.key", folder / "ca.pem"
    key, request, cert = folder / "server.key", folder / "server.csr", folder / "server.pem"
    extensions = folder / "server.ext"
    extensions.write_text("subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n", encoding="utf-8")

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=TIMEOUT)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca_cert),
            "-days", "1", "-subj", "/CN=argonaut test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(request), "-subj", "/CN=127.0.0.1")
    openssl("x509", "-req", "-in", str(request), "-CA", str(ca_cert), "-CAkey", str(ca_key), "-CAcreateserial",
            "-out", str(cert), "-days", "1", "-extfile", str(extensions))
    return ca_cert, cert, key


@contextlib.asynccontextmanager
async def serve_tls(sandbox: Sandbox, cert: Path, key: Path) -> AsyncIterator[str]:
    """Serve the sandbox's ASGI app over TLS on a free loopback port and yield its https URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(sandbox.app, log_level="warning", ssl_certfile=str(cert), ssl_keyfile=str(key))
    server = uvicorn.Server(config)
    async with anyio.create_task_group() as group:
        group.start_soon(server.serve, [listener])
        while not server.started:
            await anyio.sleep(0.01)
        yield f"https://127.0.0.1:{port}"
        server.should_exit = True


@pytest.mark.anyio
async def test_untrusted_certificate_then_ca_bundle(tmp_path: Path) -> None:
    ca_cert, cert, key = make_certificates(tmp_path)
    sandbox = Sandbox("default", clock=ManualClock())

    with anyio.fail_after(TIMEOUT):
        async with serve_tls(sandbox, cert, key) as url:
            token = SecretStr(sandbox.token)
            untrusted = await check_instance(InstanceConfig(name="tls", url=url, token=token))
            with_bundle = await check_instance(InstanceConfig(name="tls", url=url, token=token, ca_bundle=str(ca_cert)))
            insecure = await check_instance(InstanceConfig(name="tls", url=url, token=token, insecure=True))

    assert untrusted.failure == "tls_verify"
    assert "ca_bundle" in untrusted.message
    assert with_bundle.ok, with_bundle.message
    assert with_bundle.app_count == 54
    assert insecure.ok, insecure.message
