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
    serve.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    serve.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000)")
    serve.add_argument("--auth-token", help="bearer token HTTP clients must send (default: $ARGONAUT_HTTP_TOKEN)")
    serve.add_argument("--allowed-host", action="append", default=[], help="Host header value to accept; repeatable")
    serve.add_argument("--read-only", action="store_true", default=None, help="hide every tool that changes Argo CD")

    sandbox = commands.add_parser("sandbox", help="run the embedded Argo CD stand-in on 127.0.0.1")
    sandbox.add_argument("--scenario", default="default", help="scenario name or JSON/TOML file (default: default)")
    sandbox.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    sandbox.add_argument("--time-scale", type=float, default=1.0, help="simulated seconds per real second")
    sandbox.add_argument("--path-prefix", default="", help="serve under this path, such as /argocd")

    demo = commands.add_parser("demo", help="run batch_sync against the sandbox with a live progress view")
    demo.add_argument("--scenario", default="default")
    demo.add_argument("--pattern", default="mentor-web-*")
    demo.add_argument("--batch-size", type=int, default=3)
    demo.add_argument("--time-scale", type=float, default=None, help="simulated seconds per real second")
    demo.add_argument("--plain", action="store_true", help="print plain progress lines even on a terminal")

    check = commands.add_parser("check", help="check that each configured Argo CD instance is reachable")
    check.add_argument("--config", help="TOML config file (default: $ARGONAUT_CONFIG)")
    check.add_argument("--instance", help="check only this instance")
    return parser


def run_serve(args: argparse.Namespace) -> int:
    raise NotImplementedError("serve")


def run_sandbox(args: argparse.Namespace) -> int:
    raise NotImplementedError("sandbox")


def run_demo(args: argparse.Namespace) -> int:
    raise NotImplementedError("demo")


def run_check(args: argparse.Namespace) -> int:
    raise NotImplementedError("check")


COMMANDS = {"serve": run_serve, "sandbox": run_sandbox, "demo": run_demo, "check": run_check}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
