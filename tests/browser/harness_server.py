"""A small HTTP server on 127.0.0.1 for the browser tests.

It serves the host harness page, the snapshot fixtures and the panel itself. The panel comes
with a Content-Security-Policy stricter than the MCP Apps default: no source at all except
inline script and style, so any load the page tried would be blocked and reported.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from argonaut_mcp.server.ui import batch_progress_html

BROWSER_TESTS = Path(__file__).parent
HARNESS_PAGE = BROWSER_TESTS / "harness" / "host.html"
FIXTURES = BROWSER_TESTS / "fixtures"

VIEW_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


@dataclass
class HarnessServer:
    base_url: str
    requested_paths: list[str] = field(default_factory=list)


def _routes() -> dict[str, tuple[bytes, str, dict[str, str]]]:
    routes = {
        "/host.html": (HARNESS_PAGE.read_bytes(), "text/html; charset=utf-8", {}),
        "/view": (
            batch_progress_html().encode("utf-8"),
            "text/html; charset=utf-8",
            {"Content-Security-Policy": VIEW_CSP},
        ),
    }
    for fixture in FIXTURES.glob("*.json"):
        routes[f"/fixtures/{fixture.name}"] = (fixture.read_bytes(), "application/json", {})
    return routes


@contextmanager
def serve_harness() -> Iterator[HarnessServer]:
    """Serve the harness on a free loopback port in a background thread."""
    routes = _routes()
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            requested.append(self.path)
            route = routes.get(self.path.split("?", 1)[0])
            if route is None:
                self.send_error(404)
                return
            body, content_type, headers = route
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="harness-http", daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield HarnessServer(base_url=f"http://{host}:{port}", requested_paths=requested)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
