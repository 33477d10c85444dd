"""`argonaut-mcp serve` option precedence: a flag given on the command line beats the config file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from argonaut_mcp import cli
from argonaut_mcp.server import serve as serve_module

CONFIG = """
[http]
host = "127.0.0.2"
port = 9100

[instances.local]
url = "http://127.0.0.1:8080"
"""


@pytest.fixture
def served_options(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Record the options `run_serve` passes to `serve`, instead of starting a server."""
    calls: list[dict[str, Any]] = []

    def record(settings: Any, **options: Any) -> None:
        calls.append(options)

    monkeypatch.setattr(serve_module, "serve", record)
    for name in ("ARGOCD_SERVER", "ARGOCD_AUTH_TOKEN", "ARGONAUT_CONFIG", "ARGONAUT_HTTP_TOKEN", "ARGOCD_OPTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ARGOCD_CONFIG_DIR", "/nonexistent-argocd-config")
    return calls


def test_flags_override_config_file(tmp_path: Path, served_options: list[dict[str, Any]]) -> None:
    config = tmp_path / "argonaut.toml"
    config.write_text(CONFIG, encoding="utf-8")

    code = cli.main(["serve", "--config", str(config), "--transport", "http", "--host", "127.0.0.1", "--port", "8000"])

    assert code == 0
    assert served_options[0]["host"] == "127.0.0.1"
    assert served_options[0]["port"] == 8000


def test_config_file_applies_without_flags(tmp_path: Path, served_options: list[dict[str, Any]]) -> None:
    config = tmp_path / "argonaut.toml"
    config.write_text(CONFIG, encoding="utf-8")

    code = cli.main(["serve", "--config", str(config), "--transport", "http"])

    assert code == 0
    assert served_options[0]["host"] == "127.0.0.2"
    assert served_options[0]["port"] == 9100
