"""The parameters of one batch_sync run, parsed from loosely typed input.

Input comes from an LLM host or a command line, so integers may arrive as strings
("3"), booleans as "true"/"false", and name lists as one comma-separated string.
`parse_params` accepts those forms and raises `InvalidParametersError` with a message
that names the parameter, the value and the accepted range.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict

from argonaut_mcp.rollout.labels import InvalidSelectorError, parse_selector


class InvalidParametersError(ValueError):
    """Raised when batch_sync parameters are out of range, of the wrong type or inconsistent."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class NumberRange:
    minimum: float
    maximum: float
    integer: bool = True

    def describe(self) -> str:
        kind = "an integer" if self.integer else "a number"
        return f"{kind} from {self.minimum:g} to {self.maximum:g}"


NUMBER_RANGES: dict[str, NumberRange] = {
    "batch_size": NumberRange(1, 500),
    "max_retries": NumberRange(0, 10),
    "health_timeout_seconds": NumberRange(10, 86400),
    "poll_interval_seconds": NumberRange(1, 3600, integer=False),
}

BOOLEAN_FIELDS = ("prune", "only_out_of_sync", "dry_run")
LIST_FIELDS = ("apps", "sync_options")


class BatchSyncParams(BaseModel):
    """Validated parameters of a batch_sync run.

    Exactly one of `pattern` (a glob: `*`, `?`, `[abc]`, case-insensitive) and `apps`
    (an explicit ordered list of names) is set. `project` and `selector` (a Kubernetes
    label selector) narrow the selection. Attempts per app are `max_retries + 1`, each
    with its own `health_timeout_seconds`. `poll_interval_seconds` is the period of the
    safety poll that backs up the watch stream.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    pattern: str | None = None
    apps: list[str] | None = None
    project: str | None = None
    selector: str | None = None
    app_namespace: str | None = None
    batch_size: int = 3
    max_retries: int = 2
    health_timeout_seconds: int = 300
    revision: str | None = None
    prune: bool = False
    sync_options: list[str] | None = None
    only_out_of_sync: bool = False
    dry_run: bool = False
    poll_interval_seconds: float = 10

    @property
    def max_attempts(self) -> int:
        return self.max_retries + 1


def parse_params(**raw: Any) -> BatchSyncParams:
    """Parse and validate raw batch_sync arguments. A `None` value means "use the default".

    Raises `InvalidParametersError` naming the first bad parameter and its value.
    """
    unknown = sorted(set(raw) - set(BatchSyncParams.model_fields))
    if unknown:
        raise InvalidParametersError(f"unknown parameter(s): {', '.join(unknown)}")

    values: dict[str, Any] = {}
    for name, value in raw.items():
        if value is None:
            continue
        values[name] = parse_field(name, value)

    check_selection(values)
    return BatchSyncParams(**values)


def parse_field(name: str, value: Any) -> Any:
    if name in NUMBER_RANGES:
        return parse_number(name, value, NUMBER_RANGES[name])
    if name in BOOLEAN_FIELDS:
        return parse_boolean(name, value)
    if name in LIST_FIELDS:
        return parse_name_list(name, value)
    return parse_text(name, value)


def parse_number(name: str, value: Any, allowed: NumberRange) -> int | float:
    """Return `value` as a number within `allowed`, accepting numeric strings such as "3"."""
    expected = f"{name} must be {allowed.describe()}, got {value!r}"
    if isinstance(value, bool):
        raise InvalidParametersError(expected)

    number: float
    if isinstance(value, (int, float)):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise InvalidParametersError(expected) from None
    else:
        raise InvalidParametersError(expected)

    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidParametersError(expected)
    if allowed.integer and number != int(number):
        raise InvalidParametersError(expected)
    if not allowed.minimum <= number <= allowed.maximum:
        raise InvalidParametersError(expected)
    return int(number) if allowed.integer else float(number)


def parse_boolean(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InvalidParametersError(f"{name} must be true or false, got {value!r}")


def parse_text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidParametersError(f"{name} must be a string, got {value!r}")
    text = value.strip()
    if not text:
        raise InvalidParametersError(f"{name} must not be empty, got {value!r}")
    if name == "selector":
        try:
            parse_selector(text)
        except InvalidSelectorError as exc:
            raise InvalidParametersError(f"selector {value!r} is invalid: {exc}") from None
    return text


def parse_name_list(name: str, value: Any) -> list[str]:
    """Return a list of non-empty names from a list or a comma-separated string."""
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise InvalidParametersError(f"{name} must be a list of strings, got {value!r}")

    names: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise InvalidParametersError(f"{name} must contain only non-empty strings, got {item!r}")
        names.append(item.strip())
    if not names:
        raise InvalidParametersError(f"{name} must not be empty")

    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise InvalidParametersError(f"{name} lists {', '.join(duplicates)} more than once")
    return names


def check_selection(values: Mapping[str, Any]) -> None:
    """Require exactly one of `pattern` and `apps`."""
    has_pattern = "pattern" in values
    has_apps = "apps" in values
    if has_pattern and has_apps:
        raise InvalidParametersError("give either pattern or apps, not both")
    if not has_pattern and not has_apps:
        raise InvalidParametersError("missing selection: give a pattern (such as 'web-*') or apps (a list of app names)")
