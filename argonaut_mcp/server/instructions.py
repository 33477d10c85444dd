"""The server instructions an MCP host receives at start-up and shows to its model."""

from __future__ import annotations

BASE_INSTRUCTIONS = """\
This server reads and syncs Argo CD applications.

Finding applications: list_applications filters by glob pattern, project, label selector,
sync and health status. It returns compact rows and totals; page with limit and offset while
hasMore is true. get_application gives one app's sync, health, operation, conditions,
unhealthy resources and last deployments.

Diagnosing an app: get_application first, then get_resource_tree (unhealthy resources first),
get_application_events and get_application_logs.
"""

WRITE_INSTRUCTIONS = """\
Syncing many applications ("deploy all mentor-web apps in batches of 3"): call
list_applications with the same pattern first and confirm with the user what matches, then
call batch_sync with that pattern (or an explicit list in apps) and batch_size (default 3).
batch_sync is a long-running operation: it syncs one batch at a time, waits until every app
of the batch is Synced and Healthy, retries failed apps, and sends progress while it runs.
Tell the user it may take several minutes. dry_run=true returns the plan without syncing.
If the host cannot hold a long call, pass wait=false and poll get_batch_sync_status with the
run id; cancel_batch_sync stops a run. If a run fails or aborts, its result names the failed
apps and next steps: suggest get_application, get_resource_tree, get_application_events and
get_application_logs for those apps.

Syncing one application: sync_application, which waits until the app is Synced and Healthy
unless wait=false.
"""

READ_ONLY_INSTRUCTIONS = """\
This server runs in read-only mode: the tools that sync applications are not available.
"""

MULTI_INSTANCE_INSTRUCTIONS = """\
Several Argo CD instances are configured: {names}. Every tool takes an instance argument;
without it the tools use '{default}'.
"""


def build_instructions(*, read_only: bool, instance_names: list[str], default_instance: str) -> str:
    parts = [BASE_INSTRUCTIONS, READ_ONLY_INSTRUCTIONS if read_only else WRITE_INSTRUCTIONS]
    if len(instance_names) > 1:
        names = ", ".join(instance_names)
        parts.append(MULTI_INSTANCE_INSTRUCTIONS.format(names=names, default=default_instance))
    return "\n".join(parts)
