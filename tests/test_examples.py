"""The files under examples/: host configs that name real commands, scripts that run."""

from __future__ import annotations

import inspect
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

import argonaut_mcp.config
from argonaut_mcp.cli import build_parser

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BIN = Path(sys.executable).parent
HOST_CONFIGS = sorted(EXAMPLES.glob("*/*.json"))
SHELL_SCRIPTS = sorted(EXAMPLES.glob("*/*.sh"))
RUN_TIMEOUT_SECONDS = 60


def server_entries(config: dict) -> dict[str, dict]:
    """Return the server entries of a host config: `mcpServers` (Claude, Cursor) or `servers` (VS Code)."""
    return config.get("mcpServers") or config.get("servers") or {}


def environment_variables_read_by_server() -> set[str]:
    return set(re.findall(r"\"(ARGO(?:CD|NAUT)_[A-Z_]+)\"", inspect.getsource(argonaut_mcp.config)))


def test_examples_cover_every_host() -> None:
    names = {path.relative_to(EXAMPLES).as_posix() for path in HOST_CONFIGS + SHELL_SCRIPTS}

    assert names == {
        "claude-desktop/claude_desktop_config.json",
        "vscode/mcp.json",
        "cursor/mcp.json",
        "claude-code/add-servers.sh",
        "inspector/inspect.sh",
    }


@pytest.mark.parametrize("path", HOST_CONFIGS, ids=lambda path: path.parent.name)
def test_host_config_names_real_command(path: Path) -> None:
    entries = server_entries(json.loads(path.read_text()))
    known_variables = environment_variables_read_by_server()

    assert set(entries) == {"argocd-sandbox", "argocd"}
    for name, entry in entries.items():
        assert entry["command"] == "argonaut-mcp", name
        assert (BIN / entry["command"]).is_file(), name
        assert build_parser().parse_args(entry["args"]).command == "serve", name
        assert set(entry["env"]) <= known_variables, name
    assert entries["argocd-sandbox"]["env"]["ARGOCD_SERVER"].startswith("http://127.0.0.1:")


@pytest.mark.parametrize("path", SHELL_SCRIPTS, ids=lambda path: path.parent.name)
def test_shell_example_is_valid(path: Path) -> None:
    text = path.read_text()
    commands = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    subcommands = re.findall(r"argonaut-mcp (\w+)", commands)

    assert subprocess.run(["bash", "-n", str(path)], check=False).returncode == 0
    assert subcommands
    for subcommand in subcommands:
        assert subcommand in {"serve", "sandbox", "demo", "check"}
    for line in text.splitlines():
        if line.lstrip("# ").startswith("argonaut-mcp sandbox"):
            words = shlex.split(line.lstrip("# "), comments=True)
            assert build_parser().parse_args(words[1:]).token == "sandbox.local.token"


@pytest.mark.parametrize("server_command", [None, "argonaut-mcp"], ids=["default", "server-command"])
@pytest.mark.anyio
async def test_python_example_runs_against_sandbox(server_command: str | None) -> None:
    """With no --server-command the example starts the server with its own Python, even when
    the virtual environment is not on PATH."""
    sandbox_command = [str(BIN / "argonaut-mcp"), "sandbox", "--scenario", "healthy", "--time-scale", "20"]
    with anyio.fail_after(RUN_TIMEOUT_SECONDS):
        async with await anyio.open_process(sandbox_command, stderr=subprocess.DEVNULL) as sandbox:
            try:
                variables = await read_sandbox_environment(sandbox.stdout)
                example = [sys.executable, str(EXAMPLES / "batch_sync.py"), "--pattern", "mentor-web-[a-c]*"]
                if server_command is None:
                    env = {**os.environ, **variables, "PATH": os.defpath}
                else:
                    env = {**os.environ, **variables}
                    example += ["--server-command", str(BIN / server_command)]
                finished = await anyio.run_process(example, env=env, check=False)
            finally:
                sandbox.terminate()
    output = finished.stdout.decode()

    assert finished.returncode == 0, output + finished.stderr.decode()
    assert "Batch 1/2 · 0/3 healthy · attempt 1/3" in output
    assert "Batch 2/2 · 3/3 healthy · attempt 1/3" in output
    assert "complete: all 6 apps are Synced and Healthy" in output
    assert "completed: mentor-web-alderbrook," in output


def test_python_example_missing_command_is_one_line() -> None:
    example = [sys.executable, str(EXAMPLES / "batch_sync.py"), "--server-command", "no-such-argonaut-mcp"]

    finished = subprocess.run(example, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False)

    assert finished.returncode == 2
    assert finished.stderr.splitlines() == [
        "batch_sync.py: --server-command 'no-such-argonaut-mcp' is neither on PATH nor an executable file"
    ]
    assert finished.stdout == ""


def test_python_example_docstring_runs_with_venv_python() -> None:
    assert ".venv/bin/python examples/batch_sync.py --pattern" in (EXAMPLES / "batch_sync.py").read_text()


async def read_sandbox_environment(stream) -> dict[str, str]:
    """Read `argonaut-mcp sandbox`'s banner up to the statistics line; return its KEY=value lines."""
    text = ""
    async for chunk in stream:
        text += chunk.decode()
        if "statistics:" in text:
            break
    variables = dict(re.findall(r"^\s+(ARGOCD_[A-Z_]+)=(\S+)$", text, flags=re.MULTILINE))
    assert set(variables) == {"ARGOCD_SERVER", "ARGOCD_AUTH_TOKEN"}, text
    return variables
