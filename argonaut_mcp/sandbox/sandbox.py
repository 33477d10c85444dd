"""`Sandbox`: an Argo CD stand-in (Starlette app + simulated controller + fleet) on 127.0.0.1."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .applications import ApplicationEndpoints
from .auth import TokenSigner, extract_token, require_token
from .clock import ManualClock, SandboxClock, ScaledClock
from .controller import Controller
from .diagnostics import DiagnosticEndpoints
from .errors import ApiError
from .fleets import builtin_scenario
from .http import FaultInjector, error_response, guarded, json_response, ui_page
from .scenario import Faults, Scenario, load_scenario_file, scenario_from_dict
from .stats import Stats
from .store import Activity, App, AppStore, StreamControl
from .watch import WatchEndpoint

logger = logging.getLogger(__name__)

ADMIN_USER = "admin"
TOKEN_LIFETIME = 24 * 3600.0


class Sandbox:
    """An Argo CD 3.6 stand-in serving a scenario's fleet over HTTP + JSON.

    `scenario` is a built-in name (`default`, `healthy`, `one-broken`, `traps`, `flaky`,
    `large`), a path to a JSON or TOML file, a `Scenario`, or a scenario dict (schema in
    `scenario.py`). `clock` defaults to real time (`ScaledClock(1.0)`). `token` fixes the
    bearer token, which must be JWT-shaped. By default a signed one is issued. `faults`
    replaces the scenario's fault settings. `seed` makes fleets and injected errors repeatable.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario | dict[str, Any] = "default",
        *,
        clock: SandboxClock | None = None,
        token: str | None = None,
        path_prefix: str = "",
        seed: int = 0,
        faults: Faults | None = None,
        admin_password: str = "password",
    ) -> None:
        self.clock: SandboxClock = clock if clock is not None else ScaledClock(1.0)
        self.scenario = resolve_scenario(scenario, seed)
        self.faults = faults if faults is not None else self.scenario.faults
        self.path_prefix = normalize_prefix(path_prefix)
        self.admin_password = admin_password

        self.activity = Activity()
        self.recorder = Stats(self.clock.now)
        self.store = AppStore(self.activity)
        self.store.on_write(self.recorder.observe)
        self.controller = Controller(self.store, self.clock, self.recorder, self.scenario)
        self.fault_injector = FaultInjector(seed)
        self._signer = TokenSigner()
        self.token = self._initial_token(token)

        self.controller.populate()
        if isinstance(self.clock, ManualClock):
            self.clock.attach(self.activity)
        self.app: ASGIApp = _ActivityMiddleware(self._build_starlette(), self)

    # -- public controls -----------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Return the same dict as `GET /_sandbox/stats` (times in simulated seconds)."""
        return self.recorder.as_dict()

    def issue_token(self, *, lifetime: float = TOKEN_LIFETIME, subject: str = ADMIN_USER) -> str:
        """Issue a new signed token valid for `lifetime` simulated seconds."""
        issued = self.clock.wall_time().timestamp()
        return self._signer.issue({"iss": "argocd", "sub": subject, "iat": int(issued), "nbf": int(issued), "exp": int(issued + lifetime), "jti": f"sandbox-{time.monotonic_ns()}"})

    def application(self, name: str, namespace: str = "argocd") -> App | None:
        """Return the stored app as the API would (do not change it), or None."""
        return self.store.get((namespace, name))

    def delete_app(self, name: str, *, namespace: str = "argocd", grace: float = 0.0) -> None:
        """Delete an app as `argocd app delete` does: deletionTimestamp now, gone `grace` s later."""
        if self.store.get((namespace, name)) is None:
            raise KeyError(f"no application {namespace}/{name}")
        self.controller.delete((namespace, name), grace=grace)

    def break_watch(self, *, error: bool = False) -> int:
        """End every open watch stream; with `error`, write a stream error line first.

        Returns the number of streams broken.
        """
        payload = ApiError(14, "the server is shutting down").stream_body() if error else None
        subscriptions = self.store.subscriptions()
        for subscription in subscriptions:
            subscription.push(StreamControl("end", payload))
        return len(subscriptions)

    def resync(self) -> None:
        """Send every app to the watch streams again unchanged, as an informer resync does."""
        self.store.resync()

    def set_faults(self, **changes: Any) -> None:
        """Change fault settings at run time, such as `set_faults(error_rate=0.5)`."""
        self.faults = replace(self.faults, **changes)

    @asynccontextmanager
    async def serve(self, port: int = 0) -> AsyncIterator[str]:
        """Run uvicorn on 127.0.0.1 in the current event loop and yield the base URL.

        The URL includes the path prefix. On exit the watch streams end and the server stops.
        """
        # With IPPROTO_TCP named, asyncio sets TCP_NODELAY on accepted connections. Without it,
        # Nagle's algorithm delays each keep-alive response until a delayed ACK (about 40 ms).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", port))
        bound_port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2)
        server = _EmbeddedServer(config)

        async with anyio.create_task_group() as group:
            group.start_soon(server.serve, [sock])
            with anyio.fail_after(10):
                await server.started_event.wait()
            try:
                yield f"http://127.0.0.1:{bound_port}{self.path_prefix}"
            finally:
                self.break_watch()
                server.should_exit = True
                with anyio.move_on_after(5, shield=True):
                    await server.stopped_event.wait()
                group.cancel_scope.cancel()

    # -- used by the endpoints -----------------------------------------------------------

    def authenticate(self, request: Request) -> dict[str, Any]:
        """Return the caller's claims; raise `ApiError` with code 16 (401) when not logged in."""
        token = require_token(extract_token(request.headers.get("authorization"), request.cookies.get("argocd.token")))
        if self.faults.token_ttl is not None and self.clock.now() >= self.faults.token_ttl:
            raise ApiError(16, "invalid session: token has invalid claims: token is expired")
        if token == self.token and self._fixed_token:
            return {"sub": ADMIN_USER, "iss": "argocd"}
        return self._signer.verify(token, self.clock.wall_time().timestamp())

    def username(self, request: Request) -> str:
        try:
            return self.authenticate(request).get("sub", ADMIN_USER)
        except ApiError:
            return ADMIN_USER

    async def park(self, seconds: float) -> None:
        """Wait on the sandbox clock without counting as busy (a slow response)."""
        self.activity.leave()
        try:
            await self.clock.sleep(seconds)
        finally:
            self.activity.enter()

    # -- construction --------------------------------------------------------------------

    def _initial_token(self, token: str | None) -> str:
        self._fixed_token = token is not None
        if token is None:
            return self.issue_token(lifetime=10 * 365 * 24 * 3600.0)
        if extract_token(f"Bearer {token}", None) is None:
            raise ValueError("the sandbox token must be JWT-shaped: three dot-separated base64url parts")
        return token

    def _build_starlette(self) -> Starlette:
        applications = ApplicationEndpoints(self)
        diagnostics = DiagnosticEndpoints(self)
        watch = WatchEndpoint(self)

        def api(path: str, handler: Any, method: str = "GET", *, auth: bool = True) -> Route:
            return Route(path, guarded(self, path, handler, auth=auth), methods=[method])

        routes: list[BaseRoute] = [
            api("/api/v1/applications", applications.list),
            api("/api/v1/applications/{name}", applications.get),
            api("/api/v1/applications/{name}/sync", applications.sync, "POST"),
            api("/api/v1/applications/{name}/operation", applications.terminate, "DELETE"),
            api("/api/v1/stream/applications", watch),
            api("/api/v1/applications/{applicationName}/resource-tree", diagnostics.resource_tree),
            api("/api/v1/applications/{applicationName}/managed-resources", diagnostics.managed_resources),
            api("/api/v1/applications/{name}/events", diagnostics.events),
            api("/api/v1/applications/{name}/logs", diagnostics.logs),
            api("/api/version", diagnostics.version, auth=False),
            api("/api/v1/session/userinfo", diagnostics.user_info, auth=False),
            api("/api/v1/session", diagnostics.create_session, "POST", auth=False),
            Route("/_sandbox/stats", self._stats_endpoint, methods=["GET"]),
            Route("/{path:path}", _fallback),
        ]
        if self.path_prefix:
            routes = [Route("/_sandbox/stats", self._stats_endpoint, methods=["GET"]), Mount(self.path_prefix, routes=routes), Route("/{path:path}", _fallback_outside_prefix)]
        return Starlette(routes=routes, lifespan=self._lifespan)

    @asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        """Run a `ScaledClock`'s timers while an ASGI server serves the app."""
        if not isinstance(self.clock, ScaledClock):
            yield
            return
        async with anyio.create_task_group() as group:
            group.start_soon(self.clock.run_timers_forever)
            yield
            group.cancel_scope.cancel()

    async def _stats_endpoint(self, request: Request) -> Response:
        return json_response(self.stats())


async def _fallback(request: Request) -> Response:
    """Unknown API paths get grpc-gateway's 404; anything else gets the web UI page."""
    if request.url.path.rstrip("/").endswith("/api") or "/api/" in request.url.path:
        return error_response(ApiError(5, "Not Found"))
    return ui_page()


async def _fallback_outside_prefix(request: Request) -> Response:
    return ui_page()


class _ActivityMiddleware:
    """Counts requests for `ManualClock`'s settle rule and runs due timers of a `ScaledClock`."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self._app = app
        self._sandbox = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        self._sandbox.clock.fire_due()
        self._sandbox.activity.request_started()
        try:
            await self._app(scope, receive, send)
        finally:
            self._sandbox.activity.leave()


class _EmbeddedServer(uvicorn.Server):
    """uvicorn inside a running event loop: no signal handlers, start and stop as events."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.started_event = anyio.Event()
        self.stopped_event = anyio.Event()

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.started_event.set()

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            await super().serve(sockets)
        finally:
            self.stopped_event.set()


def resolve_scenario(scenario: str | Path | Scenario | dict[str, Any], seed: int) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, dict):
        return scenario_from_dict(scenario, lambda name: builtin_scenario(name, seed), default_name="custom")
    text = str(scenario)
    if text.endswith((".json", ".toml")) or Path(text).is_file():
        return load_scenario_file(text, lambda name: builtin_scenario(name, seed))
    return builtin_scenario(text, seed)


def normalize_prefix(prefix: str) -> str:
    """Normalize a path prefix: `argocd` and `/argocd/` become `/argocd`, and empty stays empty."""
    stripped = prefix.strip().strip("/")
    return f"/{stripped}" if stripped else ""
