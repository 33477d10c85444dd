"""Small text helpers for tool output that has to fit in a model's context window."""

from __future__ import annotations

from collections.abc import Sequence

SHORT_REVISION_LENGTH = 7
# Health statuses in the order a reader should look at them: the ones that need attention first.
HEALTH_ORDER = {"Degraded": 0, "Missing": 1, "Unknown": 2, "Progressing": 3, "Suspended": 4, "Healthy": 5}
NO_HEALTH_RANK = 6


def short_revision(revision: str | None) -> str:
    """Shorten a Git SHA to 7 characters the way `git log --oneline` does; keep tags and versions."""
    if not revision:
        return ""
    is_sha = len(revision) == 40 and all(char in "0123456789abcdef" for char in revision.lower())
    return revision[:SHORT_REVISION_LENGTH] if is_sha else revision


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Render rows as a left-aligned plain-text table, columns padded to their widest cell.

    An empty cell is shown as "-" so that every row splits into the same number of columns.
    """
    cells = [[cell or "-" for cell in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], len(cell))

    lines = [format_row(headers, widths)]
    lines.extend(format_row(row, widths) for row in cells)
    return "\n".join(lines)


def format_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    padded = [cell.ljust(width) for cell, width in zip(cells, widths, strict=True)]
    return "  ".join(padded).rstrip()


def shared_values_line(values: dict[str, str | None]) -> str:
    """Render {"project": "web", "operation": None} as "Every row: project web · operation none".

    The line states once the columns that a table leaves out because every row has the
    same value. "none" marks a missing value, as "-" does in a table cell.
    """
    parts = [f"{column} {value or 'none'}" for column, value in values.items()]
    return "Every row: " + " · ".join(parts)


def count_phrase(counts: dict[str, int]) -> str:
    """Render {"Healthy": 3, "Degraded": 1} as "3 Healthy, 1 Degraded", largest count first."""
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{count} {label}" for label, count in ordered)


def truncate_text(text: str, max_chars: int) -> str:
    """Cut `text` to `max_chars`, marking the cut, so one long message cannot flood the tool result."""
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1] + "…"


def one_line(text: str | None) -> str:
    """Collapse whitespace and newlines, as a table cell or a one-line message needs."""
    if not text:
        return ""
    return " ".join(text.split())


def health_rank(status: str | None) -> int:
    """Sort key for a health status: Degraded first, Healthy last, no health after that."""
    if status is None:
        return NO_HEALTH_RANK
    return HEALTH_ORDER.get(status, HEALTH_ORDER["Unknown"])
