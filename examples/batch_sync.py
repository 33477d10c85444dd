"""Roll a change out with argonaut-mcp's batch_sync tool from a script, printing progress.

By default the script starts `argonaut-mcp serve` over stdio, which finds Argo CD as the
server always does: ARGOCD_SERVER and ARGOCD_AUTH_TOKEN, the argocd CLI's contexts file, or
a TOML file named by ARGONAUT_CONFIG. With --url it connects to a server already running
with `argonaut-mcp serve --transport http` instead.

    ARGOCD_SERVER=http://127.0.0.1:8080 ARGOCD_AUTH_TOKEN=... \\
        python examples/batch_sync.py --pattern 'mentor-web-*' --batch-size 3

Ctrl-C cancels the call. The server then stops the run: no new sync starts, and syncs that
Argo CD already accepted finish on their own. Exit status: 0 when the run completes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

import anyio
from mcp import Client, StdioServerParameters

# The server reads these; the SDK passes only a few safe variables (PATH, HOME...) otherwise.
FORWARDED_PREFIXES = ("ARGOCD_", "ARGONAUT_")


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pattern", default="mentor-web-*", help="glob of app names (default: mentor-web-*)")
    parser.add_argument("--batch-size", type=int, default=3, help="apps synced at a time (default 3)")
    parser.add_argument("--max-retries", type=int, default=2, help="re-syncs per app after its first attempt (default 2)")
    parser.add_argument("--health-timeout", type=int, default=300, help="seconds each attempt may take to get Healthy (default 300)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and sync nothing")
    parser.add_argument("--url", help="URL of a running streamable HTTP server, such as http://127.0.0.1:8000/mcp")
    parser.add_argument("--server-command", default="argonaut-mcp", help="command that starts the server (default: argonaut-mcp)")
    return parser.parse_args()


def server_target(args: argparse.Namespace) -> StdioServerParameters | str:
    """Return the URL to connect to, or the stdio command to start."""
    if args.url:
        return args.url
    command = shutil.which(args.server_command) or args.server_command
    env = {key: value for key, value in os.environ.items() if key.startswith(FORWARDED_PREFIXES)}
    return StdioServerParameters(command=command, args=["--log-level", "WARNING", "serve"], env=env)


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
        percent = f"{100 * progress / total:5.1f}%" if total else "      "
        print(f"{percent}  {message or ''}", flush=True)


async def run(args: argparse.Namespace) -> int:
    arguments = {
        "pattern": args.pattern,
        "batch_size": args.batch_size,
        "max_retries": args.max_retries,
        "health_timeout_seconds": args.health_timeout,
        "dry_run": args.dry_run,
    }
    async with Client(server_target(args)) as client:
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
        return anyio.run(run, args)
    except KeyboardInterrupt:
        print("\nCancelled: the server stopped the run; syncs Argo CD already accepted finish on their own.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
