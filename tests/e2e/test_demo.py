"""`argonaut-mcp demo` as a user runs it: a real process, the sandbox on 127.0.0.1, the server
over stdio. The sandbox runs on a scaled clock (the demo's design), so these tests take real
seconds; every wait is bounded.

The one-broken run is the slow one: the server measures health timeouts in real seconds, at
least 10 s per attempt, 3 attempts. It starts when the module starts and runs beside the other
tests; its own test, last in the file, reads its output.
"""

from __future__ import annotations

import os
import pty
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

DEMO = [sys.executable, "-m", "argonaut_mcp.cli", "demo"]
BROKEN_PATTERN = "mentor-web-[d-f]*"
TIME_SCALE = "20"
RUN_TIMEOUT_SECONDS = 120


@pytest.fixture(scope="module", autouse=True)
def broken_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """Start the one-broken demo at module start; yield the process and its output file."""
    output = tmp_path_factory.mktemp("broken-demo") / "stdout.txt"
    with output.open("wb") as stream:
        command = [*DEMO, "--scenario", "one-broken", "--pattern", BROKEN_PATTERN, "--time-scale", TIME_SCALE]
        process = subprocess.Popen(command, stdout=stream, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        yield process, output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


async def run_demo(*arguments: str) -> tuple[int, str]:
    with anyio.fail_after(RUN_TIMEOUT_SECONDS):
        finished = await anyio.run_process([*DEMO, *arguments], check=False, stderr=subprocess.STDOUT)
    return finished.returncode, finished.stdout.decode()


def batch_numbers(output: str) -> list[int]:
    return [int(number) for number in re.findall(r"^\[\d\d:\d\d\] Batch (\d+)/\d+ ", output, flags=re.MULTILINE)]


def progress_messages(output: str) -> list[str]:
    return re.findall(r"^\[\d\d:\d\d\] progress(?: \d+%)?: (.*)$", output, flags=re.MULTILINE)


def percents(output: str) -> list[int]:
    """Return every percent of a progress line or a phase line."""
    pattern = r"^\[\d\d:\d\d\] (?:progress|Batch \d+/\d+) (\d+)%"
    return [int(number) for number in re.findall(pattern, output, flags=re.MULTILINE)]


@pytest.mark.anyio
async def test_demo_plain_run_completes() -> None:
    code, output = await run_demo("--scenario", "healthy", "--time-scale", TIME_SCALE)

    assert code == 0, output
    assert "list_applications: 31 apps match mentor-web-*" in output
    assert re.search(r"^\[\d\d:\d\d\] progress \d+%: Batch 11/11 · 1/1 healthy · attempt 1/3$", output, flags=re.MULTILINE)
    numbers = batch_numbers(output)
    assert numbers == sorted(numbers)
    assert len(set(numbers)) >= 3
    assert numbers[-1] == 11
    assert re.search(r"^\[\d\d:\d\d\] Batch 11/11 100% · Complete — 31/31 apps Synced and Healthy$", output, flags=re.MULTILINE)
    assert "Result: complete: all 31 apps are Synced and Healthy" in output
    assert "\x1b[" not in output


@pytest.mark.anyio
async def test_demo_plain_lines_agree() -> None:
    """Every app ends on a ready row, each message prints once, and all percents are apps READY of 31."""
    code, output = await run_demo("--scenario", "healthy", "--time-scale", TIME_SCALE)
    ready_rows = re.findall(r"^\[\d\d:\d\d\]   ✓ (mentor-web-\w+) Synced/Healthy ready$", output, flags=re.MULTILINE)
    messages = progress_messages(output)
    ready_shares = {int(ready / 31 * 100) for ready in range(32)}

    assert code == 0, output
    assert len(set(ready_rows)) == 31
    assert len(ready_rows) == 31
    assert len({message.casefold() for message in messages}) == len(messages)
    assert messages[-1] == "All 11 batches complete: 31 apps synced and Healthy."
    assert "Resolving applications" not in output
    assert percents(output)
    assert set(percents(output)) <= ready_shares


@pytest.mark.anyio
async def test_demo_explains_failed_first_sync() -> None:
    code, output = await run_demo("--scenario", "default", "--pattern", "mentor-web-h*", "--time-scale", TIME_SCALE)

    assert code == 0, output
    assert re.search(r"^\[\d\d:\d\d\]   ↻ mentor-web-hollowmere attempt 2/3: .+$", output, flags=re.MULTILINE), output
    assert "✓ mentor-web-hollowmere Synced/Healthy ready (attempt 2)" in output


@pytest.mark.anyio
async def test_demo_ctrl_c_shows_partial_result() -> None:
    command = [*DEMO, "--scenario", "healthy", "--time-scale", "2"]
    lines: list[str] = []
    interrupted = False
    with anyio.fail_after(RUN_TIMEOUT_SECONDS):
        async with await anyio.open_process(command, stderr=subprocess.STDOUT) as process:
            async for line in text_lines(process.stdout):
                lines.append(line)
                if not interrupted and line.startswith("[") and " Batch 2/" in line:
                    process.send_signal(signal.SIGINT)
                    interrupted = True
            code = await process.wait()
    output = "\n".join(lines)

    assert code == 130, output
    assert "Result: cancelled: cancelled in batch" in output
    assert "Batch 1: complete" in output
    assert "Skipped (never synced): " in output
    assert "Batch 11: skipped" in output


@pytest.mark.anyio
async def test_demo_terminal_shows_live_panel() -> None:
    """With a terminal on stdout the demo draws the panel (box, colours) instead of plain lines."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "LINES": "40", "TERM": "xterm-256color"}
    command = [*DEMO, "--scenario", "healthy", "--pattern", "mentor-web-[a-c]*", "--time-scale", TIME_SCALE]
    with anyio.fail_after(RUN_TIMEOUT_SECONDS):
        process = await anyio.open_process(command, stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal, env=env)
        os.close(terminal)
        output = await anyio.to_thread.run_sync(read_until_closed, controller)
        code = await process.wait()
    os.close(controller)

    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output)
    assert code == 0, output
    assert "╭" in text
    assert "argonaut-mcp demo · batch_sync mentor-web-[a-c]*" in text
    assert re.search(r"Batch 2/2 ━+.* \d+%", text), text
    assert re.search(r"Batch [12]: (syncing|polling health) — \d/3 healthy", text), text
    assert re.search(r"⟳ +mentor-web-\w+ +\w+/\w+", text), text
    assert re.search(r"✓ +mentor-web-\w+ +Synced/Healthy", text), text
    assert "Attempt 1/3" in text
    assert "\x1b[36m" in output
    assert "\x1b[32m" in output
    assert "Result: complete" in text
    assert not batch_numbers(output)


def test_demo_one_broken_aborts(broken_demo: tuple[subprocess.Popen[bytes], Path]) -> None:
    process, output_path = broken_demo

    code = process.wait(timeout=RUN_TIMEOUT_SECONDS)
    output = output_path.read_text()

    assert code == 1, output
    assert "Result: aborted: aborted in batch 1/2: mentor-web-elmstead failed" in output
    assert "Aborted in batch 1 — 2/3 healthy" in output
    assert "Failed: mentor-web-elmstead Synced/Degraded after 3 attempts" in output
    assert "Skipped (never synced): mentor-web-emberly, mentor-web-fernhollow, mentor-web-foxglen" in output
    assert "Attempt 3/3" in output
    assert re.search(r"progress \d+%: Batch 1/2 · 2/3 healthy · attempt 3/3", output)
    for attempt in (2, 3):
        retry = f"↻ mentor-web-elmstead attempt {attempt}/3: health timeout: not Synced and Healthy within 10 s; last status: "
        assert retry in output


async def text_lines(stream) -> Iterator[str]:
    """Yield the lines of a byte stream as text."""
    buffer = b""
    async for chunk in stream:
        buffer += chunk
        *complete, buffer = buffer.split(b"\n")
        for line in complete:
            yield line.decode()
    if buffer:
        yield buffer.decode()


def read_until_closed(descriptor: int) -> str:
    """Read a pseudo-terminal until the child closes it (Linux raises EIO then)."""
    chunks = []
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")
