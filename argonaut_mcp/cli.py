"""Command line: `argonaut-mcp serve | sandbox | demo | check`.

This module wires the layers together and is the only place that starts servers or
processes. Each command's body lives in its own `run_*` function below.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="argonaut-mcp", description="MCP server for Argo CD")
    parser.add_argument("--log-level", default="INFO", help="log level for stderr (default INFO)")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the MCP server (stdio by default)")
    serve.add_argument("--config", help="TOML config file (default: $ARGONAUT_CONFIG)")
    serve.add_argument(
        "--transport",
        choices=["stdio", "http"],
        default="stdio",
        help="stdio for a host that starts the server, http to serve streamable HTTP on --host:--port (default stdio)",
    )
    serve.add_argument("--host", help="HTTP bind address (default: host in the config file's [http], else 127.0.0.1)")
    serve.add_argument("--port", type=int, help="HTTP port (default: port in the config file's [http], else 8000)")
    serve.add_argument("--auth-token", help="bearer token HTTP clients must send (default: $ARGONAUT_HTTP_TOKEN)")
    serve.add_argument("--allowed-host", action="append", default=[], help="Host header value to accept (repeatable)")
    serve.add_argument("--read-only", action="store_true", default=None, help="hide every tool that changes Argo CD")

    sandbox = commands.add_parser("sandbox", help="run the embedded Argo CD stand-in on 127.0.0.1")
    sandbox.add_argument("--scenario", default="default", help="scenario name or JSON/TOML file (default: default)")
    sandbox.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    sandbox.add_argument("--time-scale", type=float, default=1.0, help="simulated seconds per real second")
    sandbox.add_argument("--path-prefix", default="", help="serve under this path, such as /argocd")
    sandbox.add_argument("--token", help="fixed JWT-shaped bearer token to accept (default: a new signed one)")

    demo = commands.add_parser("demo", help="run batch_sync against the sandbox with a live progress view")
    demo.add_argument(
        "--scenario",
        default="default",
        help="sandbox scenario: default, healthy, one-broken, traps, flaky, large, or a JSON/TOML file (default: default)",
    )
    demo.add_argument("--pattern", default="mentor-web-*", help="glob of the app names to sync (default: mentor-web-*)")
    demo.add_argument("--batch-size", type=int, default=3, help="apps synced together in one batch (default 3)")
    demo.add_argument("--time-scale", type=float, default=None, help="simulated seconds per real second")
    demo.add_argument("--plain", action="store_true", help="print plain progress lines even on a terminal")

    check = commands.add_parser("check", help="check that each configured Argo CD instance is reachable")
    check.add_argument("--config", help="TOML config file (default: $ARGONAUT_CONFIG)")
    check.add_argument("--instance", help="check only this instance")
    return parser


def run_serve(args: argparse.Namespace) -> int:
    from argonaut_mcp.config import ConfigError, load_settings
    from argonaut_mcp.server.http import HttpConfigError
    from argonaut_mcp.server.serve import serve

    try:
        settings = load_settings(args.config)
        if args.read_only is not None:
            settings = settings.model_copy(update={"read_only": args.read_only})
        # A flag given on the command line overrides the config file.
        host = args.host if args.host is not None else settings.http_host
        port = args.port if args.port is not None else settings.http_port
        token = args.auth_token or (settings.http_auth_token.get_secret_value() if settings.http_auth_token else None)
        serve(
            settings,
            transport=args.transport,
            host=host,
            port=port,
            auth_token=token,
            allowed_hosts=[*args.allowed_host, *settings.allowed_hosts],
        )
    except (ConfigError, HttpConfigError) as error:
        print(f"argonaut-mcp serve: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


def run_sandbox(args: argparse.Namespace) -> int:
    """Serve the sandbox on 127.0.0.1 until Ctrl-C, printing the URL line first."""
    import os

    import anyio

    from argonaut_mcp.sandbox import Sandbox, ScaledClock

    # A fixed token lets scripts configure clients before the sandbox starts.
    token = args.token or os.environ.get("ARGONAUT_SANDBOX_TOKEN") or None
    try:
        sandbox = Sandbox(args.scenario, clock=ScaledClock(args.time_scale), token=token, path_prefix=args.path_prefix)
    except (ValueError, OSError) as exc:
        print(f"argonaut-mcp sandbox: {exc}", file=sys.stderr)
        return 2

    async def serve() -> None:
        async with sandbox.serve(port=args.port) as base_url:
            print(f"Argo CD sandbox listening on {base_url}", flush=True)
            print(f"scenario: {sandbox.scenario.name} ({len(sandbox.store)} applications), time scale {args.time_scale}")
            print(f"token: {sandbox.token}")
            print("environment for an MCP host or the argocd CLI:")
            print(f"  ARGOCD_SERVER={base_url}")
            print(f"  ARGOCD_AUTH_TOKEN={sandbox.token}")
            print(f"statistics: {base_url}/_sandbox/stats", flush=True)
            await anyio.sleep_forever()

    try:
        anyio.run(serve)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"argonaut-mcp sandbox: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}. "
              "Choose another --port, or 0 for a free one", file=sys.stderr)
        return 1
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """Run batch_sync against the sandbox through a real MCP session, with a live view."""
    import anyio

    from argonaut_mcp.demo import DEFAULT_TIME_SCALE, DemoOptions, run_demo as demo

    if args.batch_size < 1:
        print(f"argonaut-mcp demo: --batch-size must be at least 1, got {args.batch_size}", file=sys.stderr)
        return 2
    if args.time_scale is not None and args.time_scale <= 0:
        print(f"argonaut-mcp demo: --time-scale must be above 0, got {args.time_scale}", file=sys.stderr)
        return 2

    # Log lines would tear the live panel, so the default INFO level becomes WARNING here.
    if args.log_level.upper() == "INFO":
        logging.getLogger().setLevel(logging.WARNING)

    options = DemoOptions(
        scenario=args.scenario,
        pattern=args.pattern,
        batch_size=args.batch_size,
        time_scale=args.time_scale or DEFAULT_TIME_SCALE,
        plain=args.plain,
    )
    try:
        return anyio.run(demo, options)
    except KeyboardInterrupt:
        print("argonaut-mcp demo: interrupted before the rollout started", file=sys.stderr)
        return 130


def run_check(args: argparse.Namespace) -> int:
    from argonaut_mcp.check import run_check_command

    # httpx logs every request at INFO, which would bury the check's own report.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger().level))
    return run_check_command(args.config, args.instance)


COMMANDS = {"serve": run_serve, "sandbox": run_sandbox, "demo": run_demo, "check": run_check}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
