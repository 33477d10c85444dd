"""Rows of the benchmark table and the markdown that shows them."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path


class BenchmarkError(Exception):
    """A benchmark could not produce a measurement: the run failed, or a process did not respond."""


@dataclass
class Row:
    """One line of the table. `met` is None when the line has no target."""

    benchmark: str
    metric: str
    ours: str
    reference: str = ""
    target: str = ""
    met: bool | None = None


@dataclass
class Section:
    """One benchmark's measurements: table rows, extra tables and notes in plain sentences."""

    title: str
    rows: list[Row] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def verdict(met: bool | None) -> str:
    if met is None:
        return ""
    return "yes" if met else "**no**"


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)
    return "\n".join(lines)


def summary_table(sections: list[Section]) -> str:
    rows = [
        [row.benchmark, row.metric, row.ours, row.reference, row.target, verdict(row.met)]
        for section in sections
        for row in section.rows
    ]
    return markdown_table(["Benchmark", "Metric", "Ours", "Reference", "Target", "Met"], rows)


def machine_description() -> str:
    """Describe this machine on one line: cores, CPU model, memory, OS and Python."""
    memory = _meminfo_total_gib()
    memory_text = f"{memory:.1f} GiB memory" if memory else "memory unknown"
    return (
        f"{os.cpu_count()} cores ({_cpu_model()}), {memory_text}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "CPU model unknown"


def _meminfo_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    except (OSError, ValueError):
        pass
    return None


def render_report(sections: list[Section], total_seconds: float, timings: list[tuple[str, float]] | None = None) -> str:
    """Render the full markdown report: the summary table, each section's tables and notes, the machine."""
    parts = [summary_table(sections)]
    for section in sections:
        if not section.tables and not section.notes:
            continue
        parts.append(f"### {section.title}")
        parts.extend(section.tables)
        if section.notes:
            parts.append("\n".join(f"- {note}" for note in section.notes))
    durations = ", ".join(f"{title} {seconds:.0f} s" for title, seconds in timings or [])
    footer = f"Machine: {machine_description()}. Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {total_seconds:.0f} s in total"
    parts.append(f"{footer} ({durations})." if durations else f"{footer}.")
    return "\n\n".join(parts) + "\n"
