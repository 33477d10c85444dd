"""The batch progress panel in headless Chromium, with a harness page playing the MCP Apps host.

Each fixture file contains one run's tool call as a host receives it (the tool name, input and
result) and the reports get_batch_sync_status returned while the run went on. The harness
replays them over postMessage. Every state checks the DOM, that the panel asked for the right run id,
that it loaded nothing and broke no Content-Security-Policy rule, and saves a screenshot.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest

from tests.browser.harness_server import FIXTURES, HarnessServer
from tests.browser.page import HarnessPage

STATE_TIMEOUT_SECONDS = 20
# The panel lists at most this many names per group of the summary, then "and N more".
MAX_LISTED_NAMES = 8

PANEL_STATE_SCRIPT = """
JSON.stringify({
  panelClasses: Array.from(document.getElementById('panel').classList),
  theme: document.documentElement.dataset.theme || null,
  phase: document.getElementById('panel').dataset.phase,
  done: document.getElementById('panel').dataset.done,
  runId: document.getElementById('panel').dataset.runId,
  counter: document.getElementById('batch-counter').textContent,
  percent: document.getElementById('percent').textContent,
  phaseLine: document.getElementById('phase-line').textContent,
  attempt: document.getElementById('attempt').hidden ? null : document.getElementById('attempt').textContent,
  rows: Array.from(document.querySelectorAll('#app-rows .row')).map((row) => ({
    app: row.dataset.app,
    symbol: row.querySelector('.symbol').textContent,
    syncHealth: row.querySelector('.sync-health').textContent,
  })),
  summaryVisible: !document.getElementById('summary').hidden,
  summaryTitle: document.getElementById('summary-title').textContent,
  failedApps: Array.from(document.querySelectorAll('#failed-apps .failed-app')).map((item) => item.dataset.app),
  skippedText: document.getElementById('skipped').textContent,
  notice: document.getElementById('notice').textContent,
})
"""

SYMBOL_BY_FATE = {"ready": "✓", "failed": "✗", "skipped": "–"}


def load_fixture(state: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{state}.json").read_text(encoding="utf-8"))


def status_snapshot(report: dict[str, Any]) -> dict[str, Any]:
    """Return the progress snapshot of one get_batch_sync_status report."""
    return report.get("snapshot") or report["progress"]


def expected_rows(snapshot: dict[str, Any], result: dict[str, Any] | None) -> list[tuple[str, str]]:
    reports = {report["name"]: report for report in (result or {}).get("apps", [])}
    rows = []
    for name in snapshot["batchApps"]:
        app = reports.get(name) or snapshot["appStatuses"][name]
        rows.append((name, SYMBOL_BY_FATE.get(app["fate"], "⟳")))
    return rows


async def show_state(
    page: HarnessPage, harness: HarnessServer, state: str, predicate: str, *, theme: str = "light", extra_query: str = ""
) -> dict[str, Any]:
    """Open the harness on a fixture, wait until `predicate` is true in the panel, read the panel."""
    url = f"{harness.base_url}/host.html?state={state}&theme={theme}{extra_query}"
    await page.connection.send("Page.navigate", {"url": url}, session_id=page.session_id)
    try:
        with anyio.fail_after(STATE_TIMEOUT_SECONDS):
            await page.wait_for_view(predicate)
    except TimeoutError:
        panel = await page.evaluate_in_view(PANEL_STATE_SCRIPT)
        host_log = await page.evaluate("JSON.stringify(window.hostLog)")
        pytest.fail(f"panel never reached {predicate}: panel {panel}, host log {host_log}")
    return json.loads(await page.evaluate_in_view(PANEL_STATE_SCRIPT))


async def save_screenshot(page: HarnessPage, path: Path) -> None:
    """Wait until the host sized the iframe to the panel, then save a PNG of it."""
    height = await page.evaluate_in_view("Math.ceil(document.documentElement.getBoundingClientRect().height)")
    with anyio.fail_after(5):
        await page.wait_for_host(f"(doc) => doc.getElementById('view').clientHeight >= {height}")
    await page.screenshot_of_frame(path)
    assert path.stat().st_size > 0


async def status_calls(page: HarnessPage) -> list[dict[str, Any]]:
    return json.loads(await page.evaluate("JSON.stringify(window.hostLog.statusCalls)"))


def assert_panel_loaded_nothing(page: HarnessPage, harness: HarnessServer) -> None:
    """The panel made no request, logged no CSP violation or error and threw nothing."""
    view_session = page.view_context.session_id if page.view_context else None
    urls = page.view_urls()
    assert all(url.startswith(harness.base_url + "/") for url in urls), urls
    assert [r["request"]["url"] for r in page.requests if r["sessionId"] == view_session] == []
    assert [e["entry"]["text"] for e in page.log_entries if e["sessionId"] == view_session] == []
    assert page.exceptions == []


@pytest.mark.anyio
async def test_complete_state(harness: HarnessServer, harness_page: HarnessPage, screenshots_dir: Path) -> None:
    fixture = load_fixture("complete")
    final = fixture["statusReports"][-1]
    snapshot = status_snapshot(final)

    panel = await show_state(
        harness_page,
        harness,
        "complete",
        "(doc) => doc.getElementById('panel').dataset.done === 'true' && doc.getElementById('panel').dataset.phase === 'complete'",
    )
    await save_screenshot(harness_page, screenshots_dir / "complete.png")

    assert snapshot["currentBatch"] == snapshot["totalBatches"]
    assert panel["counter"] == f"Batch {snapshot['totalBatches']}/{snapshot['totalBatches']}"
    assert panel["percent"] == "100%"
    assert "tone-green" in panel["panelClasses"]
    assert [(row["app"], row["symbol"]) for row in panel["rows"]] == expected_rows(snapshot, final["result"])
    assert {row["symbol"] for row in panel["rows"]} == {"✓"}
    assert panel["phaseLine"].startswith(f"All {snapshot['totalBatches']} batches complete")
    assert panel["summaryVisible"] is True
    assert panel["failedApps"] == []
    assert panel["runId"] == fixture["runId"]
    assert_panel_loaded_nothing(harness_page, harness)


@pytest.mark.anyio
async def test_complete_state_polls_after_result(harness: HarnessServer, harness_page: HarnessPage) -> None:
    fixture = load_fixture("complete")

    await show_state(harness_page, harness, "complete", "(doc) => doc.getElementById('panel').dataset.done === 'true'")
    calls = await status_calls(harness_page)

    # A waiting batch_sync names its run only in the result. The server needs a run id, so
    # the call without one fails, and the panel reads the run once the result arrived.
    assert [call["arguments"] for call in calls] == [{}, {"run_id": fixture["runId"]}]
    assert calls[1]["afterToolResult"] is True


@pytest.mark.anyio
async def test_panel_follows_latest_run_before_result(harness: HarnessServer, harness_page: HarnessPage) -> None:
    fixture = load_fixture("complete")

    panel = await show_state(
        harness_page,
        harness,
        "complete",
        "(doc) => doc.getElementById('panel').dataset.done === 'true'",
        extra_query="&latest=1",
    )
    calls = await status_calls(harness_page)

    # A server that returns its latest run for a call without run id lets the panel show the
    # run while batch_sync still waits.
    assert calls[0]["arguments"] == {}
    followed = [call for call in calls[1:] if not call["afterToolResult"]]
    assert followed != []
    assert all(call["arguments"] == {"run_id": fixture["runId"]} for call in calls[1:])
    assert panel["phase"] == "complete"
    assert panel["runId"] == fixture["runId"]


@pytest.mark.anyio
async def test_retrying_state(harness: HarnessServer, harness_page: HarnessPage, screenshots_dir: Path) -> None:
    fixture = load_fixture("retrying")
    reports = fixture["statusReports"]
    snapshot = status_snapshot(reports[-1])
    polls_after_last_change = len(reports) + 1

    panel = await show_state(
        harness_page,
        harness,
        "retrying",
        "(doc) => doc.getElementById('panel').dataset.phase === 'retrying'",
    )
    with anyio.fail_after(STATE_TIMEOUT_SECONDS):
        await harness_page.wait_for_host(f"() => window.hostLog.statusCalls.length >= {polls_after_last_change}")
    await save_screenshot(harness_page, screenshots_dir / "retrying.png")

    assert panel["counter"] == f"Batch {snapshot['currentBatch']}/{snapshot['totalBatches']}"
    assert "tone-yellow" in panel["panelClasses"]
    assert [(row["app"], row["symbol"]) for row in panel["rows"]] == expected_rows(snapshot, None)
    assert "⟳" in {row["symbol"] for row in panel["rows"]}
    assert panel["attempt"] == f"Attempt {snapshot['attempt']}/{snapshot['maxRetries'] + 1}"
    assert panel["phaseLine"].startswith(f"Batch {snapshot['currentBatch']}: retrying")
    assert panel["done"] == "false"
    assert panel["summaryVisible"] is False
    calls = await status_calls(harness_page)
    assert {json.dumps(call["arguments"]) for call in calls} == {json.dumps({"run_id": fixture["runId"]})}
    assert_panel_loaded_nothing(harness_page, harness)


@pytest.mark.anyio
@pytest.mark.parametrize("theme", ["light", "dark"])
async def test_aborted_state(harness: HarnessServer, harness_page: HarnessPage, screenshots_dir: Path, theme: str) -> None:
    fixture = load_fixture("aborted")
    final = fixture["statusReports"][-1]
    snapshot = status_snapshot(final)
    result = final["result"]

    panel = await show_state(
        harness_page,
        harness,
        "aborted",
        "(doc) => doc.getElementById('panel').dataset.done === 'true'",
        theme=theme,
    )
    screenshot_name = "aborted.png" if theme == "light" else f"aborted-{theme}.png"
    await save_screenshot(harness_page, screenshots_dir / screenshot_name)

    assert panel["phase"] == "aborted"
    assert "tone-red" in panel["panelClasses"]
    assert panel["theme"] == theme
    assert panel["counter"] == f"Batch {snapshot['currentBatch']}/{snapshot['totalBatches']}"
    assert [(row["app"], row["symbol"]) for row in panel["rows"]] == expected_rows(snapshot, result)
    assert "✗" in {row["symbol"] for row in panel["rows"]}
    assert panel["summaryVisible"] is True
    assert panel["summaryTitle"].startswith("Rollout aborted")
    assert panel["failedApps"] == result["failed"]
    for skipped_app in result["skipped"][:MAX_LISTED_NAMES]:
        assert skipped_app in panel["skippedText"]
    if len(result["skipped"]) > MAX_LISTED_NAMES:
        assert panel["skippedText"].endswith(f"and {len(result['skipped']) - MAX_LISTED_NAMES} more")
    # The run id came from the get_batch_sync_status call's input.
    assert fixture["toolInput"] == {"run_id": fixture["runId"]}
    calls = await status_calls(harness_page)
    assert calls[0]["arguments"] == {"run_id": fixture["runId"]}
    assert_panel_loaded_nothing(harness_page, harness)


@pytest.mark.anyio
async def test_dry_run_shows_plan(harness: HarnessServer, harness_page: HarnessPage, screenshots_dir: Path) -> None:
    fixture = load_fixture("dry-run")
    result = fixture["toolResult"]["structuredContent"]

    panel = await show_state(harness_page, harness, "dry-run", "(doc) => doc.getElementById('panel').dataset.done === 'true'")
    await save_screenshot(harness_page, screenshots_dir / "dry-run.png")
    plan_items = json.loads(await harness_page.evaluate_in_view("JSON.stringify(Array.from(document.querySelectorAll('#plan li')).map((item) => item.textContent))"))

    assert result["status"] == "dry_run"
    assert "tone-cyan" in panel["panelClasses"]
    assert panel["summaryTitle"].startswith("Dry run")
    assert plan_items[0] == f"Batch 1: {', '.join(result['plan'][0]['apps'])}"
    assert len(plan_items) == min(len(result["plan"]), MAX_LISTED_NAMES + 1)
    # A dry run starts no run, so the panel requests no status.
    assert await status_calls(harness_page) == []
    assert_panel_loaded_nothing(harness_page, harness)
