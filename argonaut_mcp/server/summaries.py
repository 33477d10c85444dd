"""Short text summaries of batch sync results and run snapshots, for the model to read."""

from __future__ import annotations

from argonaut_mcp.rollout.contracts import AppReport, BatchSyncResult, NextStep
from argonaut_mcp.server.formatting import one_line, truncate_text
from argonaut_mcp.server.models import RunStatusReport

MAX_NAMES = 20
MAX_REASON_CHARS = 300


def describe_result(result: BatchSyncResult) -> str:
    """Build a few lines: the headline, what happened to each group of apps, and next steps."""
    lines = [headline(result)]
    lines.extend(detail_lines(result))
    lines.extend(next_step_lines(result.next_steps))
    if result.warnings:
        lines.append("Warnings: " + "; ".join(one_line(warning) for warning in result.warnings))
    lines.append(f"Run id: {result.run_id}")
    return "\n".join(lines)


def headline(result: BatchSyncResult) -> str:
    """Build the first line, which is also the message of the last progress notification."""
    batches = len(result.plan)
    synced = len(result.completed)
    if result.status == "complete" and batches == 1:
        return f"The batch is complete: {synced} {plural(synced, 'app')} synced and Healthy."
    if result.status == "complete":
        return f"All {batches} batches complete: {synced} {plural(synced, 'app')} synced and Healthy."
    if result.status == "dry_run":
        return (
            f"Dry run: {result.total_apps} {plural(result.total_apps, 'app')} in {batches} "
            f"{plural(batches, 'batch', 'batches')} of up to {result.batch_size}; nothing was synced."
        )
    if result.status in ("invalid", "no_match"):
        return f"Nothing was synced: {one_line(result.message)}."
    message = one_line(result.message) or f"batch sync run ended with status {result.status}"
    return message[0].upper() + message[1:]


def detail_lines(result: BatchSyncResult) -> list[str]:
    if result.status == "dry_run":
        lines = [f"Batch {batch.number}: {', '.join(batch.apps)}" for batch in result.plan[:MAX_NAMES]]
        if len(result.plan) > MAX_NAMES:
            lines.append(f"... and {len(result.plan) - MAX_NAMES} more batches (see plan in the structured result)")
        return lines

    lines: list[str] = []
    reports = {report.name: report for report in result.apps}
    if result.status in ("aborted", "cancelled") and result.completed:
        lines.append(f"Completed: {names(result.completed)}")
    for name in result.failed:
        lines.append(f"Failed: {describe_failure(name, reports.get(name))}")
    if result.in_flight:
        lines.append(f"In flight, left to Argo CD: {names(result.in_flight)}")
    if result.skipped:
        lines.append(f"Not started: {names(result.skipped)}")
    if result.excluded:
        lines.append(f"Left out: {names(result.excluded)}")
    if result.closest_names and "closest names" not in result.message:
        lines.append(f"Closest names: {names(result.closest_names)}")
    return lines


def describe_failure(name: str, report: AppReport | None) -> str:
    if report is None:
        return name
    state = f"{report.sync}/{report.health}"
    if report.phase:
        state += f", operation {report.phase}"
    reason = report.error or report.health_message
    text = f"{name} ({state}, {report.attempts} {plural(report.attempts, 'attempt')})"
    if reason:
        text += f": {truncate_text(one_line(reason), MAX_REASON_CHARS)}"
    return text


def next_step_lines(steps: list[NextStep]) -> list[str]:
    lines: list[str] = []
    for step in steps:
        line = f"Next for {step.app}: {one_line(step.reason).rstrip('.')}."
        if step.tools:
            line += f" Try {', '.join(f'{tool} {step.app}' for tool in step.tools)}."
        lines.append(line)
    return lines


def describe_run(report: RunStatusReport) -> str:
    """Describe a running run in one line, or an ended run by its result's summary."""
    if report.result is not None:
        return describe_result(report.result)
    line = f"Run {report.run_id}: {report.status}"
    if report.progress is not None:
        line += f" · {report.progress.message}"
        line += f" · {report.progress.ready_apps}/{report.progress.total_apps} apps ready"
    return line


def names(items: list[str]) -> str:
    joined = ", ".join(items[:MAX_NAMES])
    if len(items) > MAX_NAMES:
        joined += f" and {len(items) - MAX_NAMES} more"
    return joined


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return singular if count == 1 else (plural_form or singular + "s")
