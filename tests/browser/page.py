"""One harness page in Chromium: the host page, the panel in its iframe, and what they did.

The panel's iframe is sandboxed with an opaque origin, so Chromium may run it out of process
as its own target. Auto-attach (paused until its domains are enabled) catches that target
from its first request, and the page finds the panel's JavaScript context by asking every
context for its path, which works whether the frame runs in process or not.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from anyio.abc import TaskGroup

from tests.browser.chromium import CdpConnection, CdpError, events_named, open_page, start_soon_on_event

VIEW_PATH = "/view"
VIEWPORT = {"width": 560, "height": 900, "deviceScaleFactor": 1, "mobile": False}

# Resolves once `predicate` (a JavaScript function source) returns true for the document,
# re-checking on every DOM change and every 50 ms for state outside the DOM.
_WAIT_FOR_SCRIPT = """
new Promise((resolve) => {
  const predicate = (%s);
  const check = () => { try { return Boolean(predicate(document)); } catch (error) { return false; } };
  if (check()) { resolve(true); return; }
  const finish = () => {
    if (check()) { observer.disconnect(); clearInterval(timer); resolve(true); }
  };
  const observer = new MutationObserver(finish);
  observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
  const timer = setInterval(finish, 50);
})
"""

_NEXT_FRAMES_SCRIPT = "new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))))"


@dataclass
class ExecutionContext:
    session_id: str
    context_id: int


@dataclass
class HarnessPage:
    """The page session plus every event the tests assert on."""

    connection: CdpConnection
    session_id: str
    contexts: list[ExecutionContext] = field(default_factory=list)
    context_added: anyio.Event = field(default_factory=anyio.Event)
    requests: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    log_entries: list[dict[str, Any]] = field(default_factory=list)
    view_context: ExecutionContext | None = None

    async def evaluate(self, expression: str, *, context: ExecutionContext | None = None) -> Any:
        """Evaluate `expression` (awaiting a promise) and return its JSON value."""
        params: dict[str, Any] = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        session_id = self.session_id
        if context is not None:
            params["contextId"] = context.context_id
            session_id = context.session_id
        reply = await self.connection.send("Runtime.evaluate", params, session_id=session_id)
        if "exceptionDetails" in reply:
            raise CdpError(f"evaluation failed: {reply['exceptionDetails'].get('text')} in {expression[:80]!r}")
        return reply["result"].get("value")

    async def evaluate_in_view(self, expression: str) -> Any:
        """Evaluate `expression` in the panel's document."""
        context = await self.find_view_context()
        return await self.evaluate(expression, context=context)

    async def find_view_context(self) -> ExecutionContext:
        """Wait until the panel's iframe has a JavaScript context and return it."""
        while self.view_context is None:
            for context in list(self.contexts):
                try:
                    path = await self.evaluate("location.pathname", context=context)
                except CdpError:
                    continue
                if path == VIEW_PATH:
                    self.view_context = context
                    break
            else:
                await self.context_added.wait()
                self.context_added = anyio.Event()
        return self.view_context

    async def wait_for_view(self, predicate: str) -> None:
        """Wait until `predicate(document)` is true in the panel; bound it with `fail_after`."""
        await self.evaluate_in_view(_WAIT_FOR_SCRIPT % predicate)

    async def wait_for_host(self, predicate: str) -> None:
        """Wait until `predicate(document)` is true in the host page; bound it with `fail_after`."""
        await self.evaluate(_WAIT_FOR_SCRIPT % predicate)

    async def screenshot_of_frame(self, path: Path) -> None:
        """Save a PNG of the panel's iframe with a margin of host page around it."""
        # Two animation frames in both documents let a resized, out-of-process iframe paint.
        for _ in range(2):
            await self.evaluate_in_view(_NEXT_FRAMES_SCRIPT)
            await self.evaluate(_NEXT_FRAMES_SCRIPT)
        rect = await self.evaluate("JSON.stringify(document.getElementById('view').getBoundingClientRect())")
        box = json.loads(rect)
        margin = 8
        clip = {
            "x": max(box["x"] - margin, 0),
            "y": max(box["y"] - margin, 0),
            "width": box["width"] + 2 * margin,
            "height": box["height"] + 2 * margin,
            "scale": 1,
        }
        shot = await self.connection.send(
            "Page.captureScreenshot",
            {"format": "png", "clip": clip, "captureBeyondViewport": True},
            session_id=self.session_id,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def view_urls(self) -> list[str]:
        return [request["request"]["url"] for request in self.requests]


async def open_harness_page(connection: CdpConnection, tasks: TaskGroup) -> HarnessPage:
    """Open a blank page with the protocol domains the tests watch enabled on every frame."""
    _, session_id = await open_page(connection)
    page = HarnessPage(connection=connection, session_id=session_id)
    _watch_events(page)

    async def attach_frame(params: dict[str, Any], _parent_session: str | None) -> None:
        child_session = params["sessionId"]
        await _enable_domains(connection, child_session)
        await connection.send("Runtime.runIfWaitingForDebugger", session_id=child_session)

    start_soon_on_event(tasks, connection, "Target.attachedToTarget", attach_frame)
    await _enable_domains(connection, session_id)
    await connection.send(
        "Target.setAutoAttach",
        {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True},
        session_id=session_id,
    )
    await connection.send("Emulation.setDeviceMetricsOverride", VIEWPORT, session_id=session_id)

    return page


async def _enable_domains(connection: CdpConnection, session_id: str) -> None:
    for domain in ("Runtime", "Network", "Log"):
        await connection.send(f"{domain}.enable", session_id=session_id)
    # Reduced motion turns off the bar's transition, so screenshots show the final width.
    await connection.send(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]},
        session_id=session_id,
    )
    await connection.send(
        "Target.setAutoAttach",
        {"autoAttach": True, "waitForDebuggerOnStart": True, "flatten": True},
        session_id=session_id,
    )


def _watch_events(page: HarnessPage) -> None:
    connection = page.connection
    page.requests = events_named(connection, "Network.requestWillBeSent")
    page.exceptions = events_named(connection, "Runtime.exceptionThrown")
    page.log_entries = events_named(connection, "Log.entryAdded")

    def track_context(message: dict[str, Any]) -> None:
        if message.get("method") != "Runtime.executionContextCreated":
            return
        context = message["params"]["context"]
        if context.get("auxData", {}).get("isDefault"):
            page.contexts.append(ExecutionContext(message.get("sessionId", ""), context["id"]))
            page.context_added.set()

    connection.handlers.append(track_context)
