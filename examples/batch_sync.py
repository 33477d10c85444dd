"""Roll a change out with argonaut-mcp's batch_sync tool from a script, printing progress.

By default the script starts the server over stdio with the Python that runs it
(`python -m argonaut_mcp.cli serve`), so it works from a virtual environment that is not on
PATH. The server finds Argo CD as it always does: ARGOCD_SERVER and ARGOCD_AUTH_TOKEN, the
argocd CLI's contexts file, or a TOML file named by ARGONAUT_CONFIG. --server-command starts
another command instead, such as an installed `argonaut-mcp`. With --url it connects to a
server already running with `argonaut-mcp serve --transport http`.

    ARGOCD_SERVER=http://127.0.0.1:8080 ARGOCD_AUTH_TOKEN=... \\
        .venv/bin/python examples/batch_sync.py --pattern 'mentor-web-*' --batch-size 3

Ctrl-C cancels the call. The server then stops the run: no new sync starts, and syncs that
Argo CD already accepted finish on their own. Exit status: 0 when the run completes.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import sys

import anyio
from mcp import Client, StdioServerParameters

# Variables the server reads. Without them, the SDK passes only a few safe ones (PATH, HOME...).
FORWARDED_PREFIXES = ("ARGOCD_", "ARGONAUT_")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pattern", default="mentor-web-*", help="glob of app names (default: mentor-web-*)")
    parser.add_argument("--batch-size", type=int, default=3, help="apps synced at a time (default 3)")
    parser.add_argument("--max-retries", type=int, default=2, help="re-syncs per app after its first attempt (default 2)")
    parser.add_argument("--health-timeout", type=int, default=300, help="seconds each attempt may take to get Healthy (default 300)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and sync nothing")
    parser.add_argument("--url", help="URL of a running streamable HTTP server, such as http://127.0.0.1:8000/mcp")
    parser.add_argument(
        "--server-command",
        help="argonaut-mcp executable to start over stdio (default: this Python with -m argonaut_mcp.cli)",
    )
    return parser.parse_args()


class MissingCommandError(Exception):
    """Raised when there is no server to start: --server-command names no executable file, or
    this Python cannot import argonaut_mcp."""


def server_target(args: argparse.Namespace) -> StdioServerParameters | str:
    """Return the URL to connect to, or the stdio command to start.

    Raises `MissingCommandError` when --server-command is neither on PATH nor an executable
    file, or, without it, when this Python cannot import argonaut_mcp.
    """
    if args.url:
        return args.url

    server_arguments = ["--log-level", "WARNING", "serve"]
    if args.server_command:
        command = shutil.which(args.server_command)
        if command is None:
            raise MissingCommandError(f"--server-command {args.server_command!r} is neither on PATH nor an executable file")
    elif importlib.util.find_spec("argonaut_mcp") is None:
        raise MissingCommandError(
            f"{sys.executable} cannot import argonaut_mcp. Run this script with the Python of the"
            " virtual environment where argonaut-mcp is installed, or pass --server-command"
        )
    else:
        command = sys.executable
        server_arguments = ["-m", "argonaut_mcp.cli", *server_arguments]

    env = {key: value for key, value in os.environ.items() if key.startswith(FORWARDED_PREFIXES)}
    return StdioServerParameters(command=command, args=server_arguments, env=env)


class ProgressPrinter:
    """Prints a progress notification when its message differs from the last one printed.

    While nothing changes, the server still sends a notification every 10 s, because hosts
    time out silent calls. Those repeat the message, so they print nothing here.
    """

    def __init__(self) -> None:
        self.last_message: str | None = None

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        if message == self.last_message:
            return
        self.last_message = message
        # The value is the apps READY plus a share of the wait for the next one. The server
        # keeps it below the total until its last notification, so the message that all apps
        # are healthy may still show, say, 94.0%, and the next line shows 100.0%.
        percent = f"{100 * progress / total:5.1f}%" if total else "      "
        print(f"{percent}  {message or ''}", flush=True)


async def run(args: argparse.Namespace, target: StdioServerParameters | str) -> int:
    arguments = {
        "pattern": args.pattern,
        "batch_size": args.batch_size,
        "max_retries": args.max_retries,
        "health_timeout_seconds": args.health_timeout,
        "dry_run": args.dry_run,
    }
    async with Client(target) as client:
        result = await client.call_tool("batch_sync", arguments, progress_callback=ProgressPrinter())

    if result.is_error:
        print("batch_sync failed:", *(block.text for block in result.content if block.type == "text"), file=sys.stderr)
        return 2

    outcome = result.structured_content or {}
    print(f"\n{outcome.get('status')}: {outcome.get('message')}")
    for label, key in (("completed", "completed"), ("failed", "failed"), ("in flight", "inFlight"), ("skipped", "skipped")):
        if outcome.get(key):
            print(f"  {label}: {', '.join(outcome[key])}")
    return 0 if outcome.get("status") in ("complete", "dry_run") else 1


def main() -> int:
    args = parse_arguments()
    try:
        target = server_target(args)
    except MissingCommandError as error:
        print(f"batch_sync.py: {error}", file=sys.stderr)
        return 2

    try:
        return anyio.run(run, args, target)
    except KeyboardInterrupt:
        print("\nCancelled: the server stopped the run. Syncs that Argo CD already accepted finish on their own.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
