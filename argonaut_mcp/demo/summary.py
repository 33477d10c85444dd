"""The result summary printed when a run ends, as (text, style) lines.

Both displays print the same lines: the panel with the styles, the plain printer without.
"""

from __future__ import annotations

from argonaut_mcp.rollout.contracts import AppReport, BatchSyncResult

STATUS_STYLES = {"complete": "bold green", "aborted": "bold red", "cancelled": "bold yellow", "dry_run": "bold cyan"}

Line = tuple[str, str]


def render_summary(result: BatchSyncResult) -> list[Line]:
    """Build the summary lines: status and message, counts, batches, each app's fate, next steps."""
    headline = f"Result: {result.status}"
    if result.message:
        headline = f"{headline}: {result.message}"
    lines: list[Line] = [(headline, STATUS_STYLES.get(result.status, "bold red")), (count_line(result), "")]
    lines.extend(batch_lines(result))
    lines.extend(fate_lines(result))
    lines.extend(next_step_lines(result))
    return lines


def count_line(result: BatchSyncResult) -> str:
    return (
        f"  {len(result.completed)} completed · {len(result.failed)} failed · {len(result.in_flight)} in flight"
        f" · {len(result.skipped)} skipped · {result.total_apps} apps in {len(result.plan)} batches"
        f" · {result.duration_seconds:.1f} s"
    )


def batch_lines(result: BatchSyncResult) -> list[Line]:
    lines: list[Line] = []
    for batch in result.batches:
        style = {"complete": "green", "failed": "red", "cancelled": "yellow", "skipped": "dim"}.get(batch.outcome, "")
        attempts = "attempt" if batch.attempts == 1 else "attempts"
        lines.append(
            (
                f"  Batch {batch.number}: {batch.outcome:<9} {', '.join(batch.apps)}"
                f" ({batch.attempts} {attempts}, {batch.duration_seconds:.1f} s)",
                style,
            )
        )
    return lines


def fate_lines(result: BatchSyncResult) -> list[Line]:
    """Build one line per app that did not complete: failed, in flight, skipped."""
    reports = {report.name: report for report in result.apps}
    lines: list[Line] = []
    for name in result.failed:
        lines.append((f"  Failed: {describe_failure(name, reports.get(name))}", "red"))
    if result.in_flight:
        lines.append((f"  In flight (left to Argo CD): {', '.join(result.in_flight)}", "yellow"))
    if result.skipped:
        lines.append((f"  Skipped (never synced): {', '.join(result.skipped)}", "dim"))
    if result.excluded:
        lines.append((f"  Excluded: {', '.join(result.excluded)}", "dim"))
    for warning in result.warnings:
        lines.append((f"  Warning: {warning}", "yellow"))
    return lines


def describe_failure(name: str, report: AppReport | None) -> str:
    if report is None:
        return name
    text = f"{name} {report.sync}/{report.health} after {report.attempts} attempts"
    reason = report.error or report.health_message
    if reason:
        text = f"{text}: {reason}"
    return text


def next_step_lines(result: BatchSyncResult) -> list[Line]:
    lines: list[Line] = []
    for step in result.next_steps:
        tools = f" (tools: {', '.join(step.tools)})" if step.tools else ""
        lines.append((f"  Next step for {step.app}: {step.reason}{tools}", ""))
    return lines
