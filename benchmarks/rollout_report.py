"""Table rows for benchmarks 1 (rollout overhead) and 2 (Argo CD load)."""

from __future__ import annotations

import math
from statistics import mean

from benchmarks.rollout import RolloutConfig, RolloutMeasurement
from benchmarks.results import Row, Section, markdown_table

MAX_OVERHEAD_RATIO = 1.05
MIN_NAIVE_RATIO = 1.5
MAX_REQUESTS_PER_APP = 3.0


def overhead_section(ours: RolloutMeasurement, poll_first: RolloutMeasurement, check_first: RolloutMeasurement, config: RolloutConfig) -> Section:
    title = "1 Rollout overhead"
    fleet = f"{ours.app_count} apps, batches of {config.batch_size}, ready in 1-4 s, time x{config.scale:g}"
    batches = len(ours.batches)
    section = Section(title)
    section.rows = [
        Row(
            title,
            f"wall time / ideal ({fleet})",
            f"{ours.ratio:.3f}",
            f"{poll_first.ratio:.2f} (naive, poll first)",
            f"<= {MAX_OVERHEAD_RATIO} where naive > {MIN_NAIVE_RATIO}",
            ours.ratio <= MAX_OVERHEAD_RATIO and poll_first.ratio > MIN_NAIVE_RATIO,
        ),
        Row(
            title,
            "batches advanced on a stale Healthy",
            f"{len(ours.stale)} of {batches}",
            f"{len(poll_first.stale)} of {batches} (poll first); {len(check_first.stale)} of {batches} (check first)",
        ),
        Row(
            title,
            "max apps syncing at once",
            str(ours.max_concurrent_syncing),
            f"{poll_first.max_concurrent_syncing} (poll first); {check_first.max_concurrent_syncing} (check first)",
        ),
    ]

    rows = [
        [
            item.label,
            f"{item.wall_seconds:.1f}",
            f"{item.ideal_seconds:.1f}",
            f"{item.ratio:.3f}",
            mean_delay(item.delays),
            f"{len(item.stale)} of {batches}",
            f"{item.real_seconds:.1f}",
        ]
        for item in (ours, poll_first, check_first)
    ]
    section.tables.append(
        markdown_table(
            ["Rollout", "Wall (sim s)", "Ideal (sim s)", "Ratio", "Mean delay ready to advance (sim s)", "Stale batches", "Real s"],
            rows,
        )
    )
    section.notes.append(
        f"Our batch_sync sent {ours.extra.get('progress_notifications', 0)} progress notifications. The naive rollouts "
        f"polled {poll_first.extra.get('polls', 0)} times (poll first) and {check_first.extra.get('polls', 0)} times (check first)."
    )
    if poll_first.ratio <= MIN_NAIVE_RATIO:
        section.notes.append(f"The naive reference's ratio is not above {MIN_NAIVE_RATIO}, so the overhead target does not apply as stated.")
    if ours.stale:
        section.notes.append(f"Our rollout advanced before every app was ready in batches {ours.stale}: a readiness bug.")
    return section


PARTS = ("before the first sync", "sync spread", "sandbox lag", "reaction")


def pace_table(runs: list[tuple[float, RolloutMeasurement]]) -> str:
    """Tabulate our rollouts of the same fleet at several time scales, with the time above the ideal in real ms per batch."""
    rows = []
    for scale, item in runs:
        batches = len(item.batches)
        above = (item.wall_seconds - item.ideal_seconds) / scale / batches * 1000
        parts = [f"{item.parts[part] / scale / batches * 1000:.1f}" if item.parts else "" for part in PARTS]
        rows.append([f"x{scale:g}", f"{item.wall_seconds:.1f}", f"{item.ideal_seconds:.1f}", f"{item.ratio:.3f}", f"{above:.1f}", *parts, f"{item.real_seconds:.1f}"])
    headers = ["Ours at time scale", "Wall (sim s)", "Ideal (sim s)", "Ratio", "Real ms above the ideal per batch"]
    headers += [f"of it {part}" for part in PARTS] + ["Real s"]
    return markdown_table(headers, rows)


def mean_delay(delays: list[float]) -> str:
    """Format the mean of the per-batch delays, or count the batches without a finite delay.

    A batch with an app not ready when the stats were read has a delay of minus infinity.
    A stale batch whose apps became ready before that has a finite negative delay and
    counts in the mean.
    """
    if not all(math.isfinite(delay) for delay in delays):
        finite = [delay for delay in delays if math.isfinite(delay)]
        return f"{len(delays) - len(finite)} advanced before ready"
    return f"{mean(delays):+.3f}"


def load_section(ours: RolloutMeasurement, poll_first: RolloutMeasurement, check_first: RolloutMeasurement) -> Section:
    title = "2 Argo CD load"
    section = Section(title)
    section.rows = [
        Row(
            title,
            f"API requests per app for a whole rollout ({ours.app_count} apps), watch excluded",
            f"{ours.api_requests_per_app:.2f}",
            f"{poll_first.api_requests_per_app:.2f} (naive, poll first)",
            f"<= {MAX_REQUESTS_PER_APP:g} + watch connections",
            ours.api_requests_per_app <= MAX_REQUESTS_PER_APP,
        ),
        Row(title, "watch connections per app", f"{ours.watches_per_app:.2f}", f"{poll_first.watches_per_app:.2f} (naive, poll first)"),
    ]

    routes = sorted(set(ours.routes) | set(poll_first.routes) | set(check_first.routes))
    rows = [[route, *(route_cell(item, route) for item in (ours, poll_first, check_first))] for route in routes]
    rows.append(["all, watch excluded", *(f"{item.api_requests_per_app:.2f}" for item in (ours, poll_first, check_first))])
    section.tables.append(markdown_table(["Route (requests per app)", "Ours", "Naive, poll first", "Naive, check first"], rows))
    return section


def route_cell(measurement: RolloutMeasurement, route: str) -> str:
    count = measurement.routes.get(route, 0)
    return f"{count / measurement.app_count:.2f} ({count})"
