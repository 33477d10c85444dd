"""Run the five benchmarks and print one markdown report.

    python -m benchmarks                 # all five, about three minutes on 2 cores
    python -m benchmarks --only 3,5      # some of them
    python -m benchmarks --output report.md

Benchmarks 1 and 2 read the same three rollouts. A benchmark that fails is reported as
failed in the table, with its error, and the others still run. Every server and client
listens on or talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path

import anyio

from benchmarks.answer_size import measure_answer_size
from benchmarks.fleets import ready_times, rollout_scenario, write_scenario
from benchmarks.results import Row, Section, render_report
from benchmarks.rollout import RolloutConfig, RolloutMeasurement, measure_ours, measure_rollouts
from benchmarks.rollout_report import load_section, overhead_section, pace_table
from benchmarks.scale import ScaleConfig, measure_scale, scale_section
from benchmarks.startup import measure_startup, startup_section

logger = logging.getLogger("benchmarks")

ALL = (1, 2, 3, 4, 5)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Run the argonaut-mcp benchmarks and print a markdown table.")
    parser.add_argument("--only", default="1,2,3,4,5", help="comma-separated benchmark numbers to run (default: all)")
    parser.add_argument("--time-scale", type=float, default=10.0, help="simulated seconds per real second for benchmarks 1 and 2 (default 10)")
    parser.add_argument("--slow-time-scale", type=float, default=2.0, help="time scale of one more rollout of ours, to show the pace's effect; 0 skips it (default 2)")
    parser.add_argument("--scale-apps", type=int, default=2000, help="apps in benchmark 4 (default 2000)")
    parser.add_argument("--startup-runs", type=int, default=10, help="server starts in benchmark 5 (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated fleets (default 0)")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    parser.add_argument("--keep-logs", action="store_true", help="keep the folder with scenario files and process logs")
    return parser


def parse_selection(text: str) -> list[int]:
    try:
        chosen = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError as exc:
        raise SystemExit(f"--only: expected numbers such as 1,3,5, got {text!r}") from exc
    unknown = [number for number in chosen if number not in ALL]
    if unknown or not chosen:
        raise SystemExit(f"--only: benchmarks are numbered 1 to 5, got {text!r}")
    return chosen


async def timed(title: str, measure: Callable[[], Awaitable[list[Section]]], timings: list[tuple[str, float]]) -> list[Section]:
    """Run one benchmark and append its duration to `timings`.

    A failure becomes a failed row instead of ending the whole run.
    """
    logger.info("running %s", title)
    started = time.perf_counter()
    try:
        sections = await measure()
    except Exception as exc:
        logger.exception("%s failed", title)
        sections = [Section(title, rows=[Row(title, "failed", f"{type(exc).__name__}: {exc}", met=False)])]
    timings.append((title, time.perf_counter() - started))
    return sections


async def run_benchmarks(selection: Sequence[int], args: argparse.Namespace, folder: Path, timings: list[tuple[str, float]]) -> list[Section]:
    sections: list[Section] = []
    rollout_config = RolloutConfig(scale=args.time_scale, seed=args.seed)

    async def rollouts() -> list[Section]:
        ours, poll_first, check_first = await measure_rollouts(rollout_config, folder)
        chosen = []
        if 1 in selection:
            overhead = overhead_section(ours, poll_first, check_first, rollout_config)
            paces = [(rollout_config.scale, ours)]
            if args.slow_time_scale > 0:
                paces.append((args.slow_time_scale, await slower_pace(args.slow_time_scale, rollout_config, folder)))
            overhead.tables.append(pace_table(paces))
            chosen.append(overhead)
        if 2 in selection:
            chosen.append(load_section(ours, poll_first, check_first))
        return chosen

    async def answer_size() -> list[Section]:
        return [await measure_answer_size(500, seed=args.seed)]

    async def scale() -> list[Section]:
        config = ScaleConfig(apps=args.scale_apps, seed=args.seed)
        return [scale_section(await measure_scale(config, folder), config)]

    async def startup() -> list[Section]:
        return [startup_section(await measure_startup(args.startup_runs, folder))]

    if 1 in selection or 2 in selection:
        sections += await timed("1 and 2 Rollouts", rollouts, timings)
    if 3 in selection:
        sections += await timed("3 Answer size", answer_size, timings)
    if 4 in selection:
        sections += await timed("4 Scale", scale, timings)
    if 5 in selection:
        sections += await timed("5 Start-up", startup, timings)
    return sections


async def slower_pace(slow_scale: float, config: RolloutConfig, folder: Path) -> RolloutMeasurement:
    """Roll the same fleet out once more with our server, the sandbox at `slow_scale`."""
    slow_config = replace(config, scale=slow_scale)
    scenario = rollout_scenario(slow_config.apps, seed=slow_config.seed)
    path = write_scenario(scenario, folder)
    return await measure_ours(path, ready_times(scenario), slow_config, folder)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    selection = parse_selection(args.only)
    if args.time_scale <= 0 or args.slow_time_scale < 0:
        parser.error("--time-scale must be above 0 and --slow-time-scale at least 0")
    if args.scale_apps < 1 or args.startup_runs < 1:
        parser.error("--scale-apps and --startup-runs must be at least 1")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logger.setLevel(logging.INFO)

    folder = Path(tempfile.mkdtemp(prefix="argonaut-bench-"))
    timings: list[tuple[str, float]] = []
    started = time.perf_counter()
    sections = anyio.run(run_benchmarks, selection, args, folder, timings)
    report = render_report(sections, time.perf_counter() - started, timings)

    print(report)
    if args.output:
        args.output.write_text(report, encoding="utf-8")
    failed = any(row.metric == "failed" for section in sections for row in section.rows)
    if args.keep_logs or failed:
        print(f"Scenario files and process logs: {folder}", file=sys.stderr)
    else:
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0
