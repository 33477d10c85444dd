"""Benchmark 3: the size of a list_applications result for 500 apps, ours against full objects.

Our server runs in-process behind the SDK's in-memory client and lists with Argo CD's
`fields` trimming. The reference is a pass-through tool: it lists full Application
objects and returns Argo CD's JSON as the tool's text. Bytes from Argo CD are counted on
the sandbox's side of the HTTP connection. The size of a tool result is the compact JSON
of the MCP result object, content plus structuredContent.
"""

from __future__ import annotations

import json

import httpx
from mcp import Client
from mcp_types import CallToolResult, TextContent

from argonaut_mcp.sandbox import ManualClock, Sandbox
from argonaut_mcp.server import build_server

from benchmarks.fleets import large_sample
from benchmarks.harness import ByteCounter, sandbox_settings
from benchmarks.results import BenchmarkError, Row, Section, markdown_table

LIST_PATH = "/api/v1/applications"
MAX_RESULT_BYTES = 40 * 1024


def result_bytes(result: CallToolResult) -> int:
    return len(result.model_dump_json(by_alias=True, exclude_none=True).encode("utf-8"))


def text_bytes(result: CallToolResult) -> int:
    return sum(len(block.text.encode("utf-8")) for block in result.content if isinstance(block, TextContent))


def structured_bytes(result: CallToolResult) -> int:
    if result.structured_content is None:
        return 0
    return len(json.dumps(result.structured_content, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def list_bytes(counter: ByteCounter) -> int:
    return sum(count for key, count in counter.body_bytes.items() if key.split("?")[0] == f"GET {LIST_PATH}")


async def measure_answer_size(app_count: int = 500, *, seed: int = 0) -> Section:
    sandbox = Sandbox(large_sample(app_count, seed=seed), clock=ManualClock(), seed=seed)
    counter = ByteCounter(sandbox.app)
    sandbox.app = counter
    measured: dict[str, tuple[CallToolResult, int]] = {}

    async with sandbox.serve() as url:
        async with Client(build_server(sandbox_settings(url, sandbox.token))) as client:
            for label, limit in (("all", app_count), ("default page", None)):
                counter.reset()
                arguments = {"limit": limit} if limit else {}
                result = await client.call_tool("list_applications", arguments)
                if result.is_error:
                    raise BenchmarkError(f"list_applications failed: {result.content}")
                measured[label] = (result, list_bytes(counter))

        counter.reset()
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {sandbox.token}"}) as http:
            response = await http.get(LIST_PATH)
            response.raise_for_status()
        passthrough = CallToolResult(content=[TextContent(type="text", text=response.text)])
        measured["full objects"] = (passthrough, list_bytes(counter))

    return answer_size_section(measured, app_count)


def answer_size_section(measured: dict[str, tuple[CallToolResult, int]], app_count: int) -> Section:
    title = "3 Answer size"
    ours, ours_received = measured["all"]
    full, full_received = measured["full objects"]
    page, page_received = measured["default page"]
    rows_returned = (page.structured_content or {}).get("returned", "?")

    section = Section(title)
    section.rows = [
        Row(
            title,
            f"list_applications result, {app_count} apps",
            kib(result_bytes(ours)),
            f"{kib(result_bytes(full))} (full objects passed through)",
            f"< {MAX_RESULT_BYTES // 1024} KiB",
            result_bytes(ours) < MAX_RESULT_BYTES,
        ),
        Row(title, f"bytes received from Argo CD, {app_count} apps", kib(ours_received), f"{kib(full_received)} (full objects)"),
    ]
    rows = [
        ["ours, limit 500", kib(ours_received), kib(result_bytes(ours)), kib(text_bytes(ours)), kib(structured_bytes(ours))],
        [f"ours, default page ({rows_returned} rows)", kib(page_received), kib(result_bytes(page)), kib(text_bytes(page)), kib(structured_bytes(page))],
        ["full objects, passed through", kib(full_received), kib(result_bytes(full)), kib(text_bytes(full)), "0"],
    ]
    section.tables.append(markdown_table(["Answer", "From Argo CD", "Tool result", "of it text", "of it structured"], rows))
    return section


def kib(count: int) -> str:
    return f"{count / 1024:.1f} KiB"
