"""Parameter types, argument checks and the tool builder shared by the tool modules."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase
from mcp_types import ToolAnnotations
from pydantic import ConfigDict, Field, WithJsonSchema

InstanceArg = Annotated[
    str | None,
    Field(description="Argo CD instance to use, by its configured name; omit for the default instance"),
]
AppName = Annotated[
    str,
    Field(description="application name, or namespace/name for an app outside Argo CD's own namespace"),
]


def number_arg(description: str, minimum: int, maximum: int) -> Any:
    """Build the type of an integer parameter that also accepts a numeric string ("3").

    The type is loose so that a bad value reaches the tool (`parse_count` or the engine's
    `parse_params`), whose message names the parameter, the value and the accepted range,
    instead of pydantic's. The published schema still declares an integer in that range.
    """
    schema = {"type": "integer", "minimum": minimum, "maximum": maximum}
    return Annotated[int | float | str, WithJsonSchema(schema), Field(description=description)]


HealthTimeoutArg = number_arg("seconds each attempt may take to become Synced and Healthy, 10 to 86400", 10, 86400)

READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=True)
WRITE = ToolAnnotations(readOnlyHint=False, destructiveHint=True, idempotentHint=False, openWorldHint=True)
# Stops our own run; Argo CD's state is not changed by the call itself.
CONTROL = ToolAnnotations(readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=False)

ToolFunction = Callable[..., Awaitable[Any]]


def make_tool(fn: ToolFunction, *, with_instance: bool, **options: Any) -> Tool:
    """Build the tool for `fn`; its description is the docstring, `options` are `Tool.from_function` arguments.

    Unknown argument names are rejected instead of ignored (pydantic's default), so a
    misspelled `batchSize` fails rather than running with the default batch size. Without
    several instances, `instance` is left out of the published input schema but still
    accepted, so a call that names an instance this server lacks fails with the known names.
    """
    tool = Tool.from_function(fn, name=fn.__name__, description=inspect.cleandoc(fn.__doc__ or ""), **options)
    tool.fn_metadata.arg_model = reject_unknown_arguments(tool.fn_metadata.arg_model, fn.__name__)
    schema = tool.fn_metadata.arg_model.model_json_schema(by_alias=True)
    if not with_instance:
        schema["properties"].pop("instance", None)
    tool.parameters = schema
    return tool


def reject_unknown_arguments(model: type[ArgModelBase], tool_name: str) -> type[ArgModelBase]:
    config = ConfigDict(**model.model_config, extra="forbid")
    return type(f"{tool_name}Arguments", (model,), {"model_config": config, "__module__": model.__module__})


def parse_count(name: str, value: int | float | str, minimum: int, maximum: int) -> int:
    """Return `value` as an integer within [minimum, maximum], or raise a ToolError naming it."""
    expected = f"{name} must be an integer from {minimum} to {maximum}, got {value!r}"
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except ValueError:
        raise ToolError(expected) from None
    if isinstance(value, bool) or not number.is_integer() or not minimum <= number <= maximum:
        raise ToolError(expected)
    return int(number)


def require_text(name: str, value: str | None) -> str:
    """Return `value` stripped, or raise a ToolError naming the empty argument."""
    text = (value or "").strip()
    if not text:
        raise ToolError(f"{name} must not be empty, got {value!r}. Call list_applications to find application names.")
    return text


def pick_status(name: str, value: str | None, known: tuple[str, ...]) -> str | None:
    """Match a status filter case-insensitively against Argo CD's status names."""
    if value is None or not value.strip():
        return None
    for status in known:
        if status.lower() == value.strip().lower():
            return status
    raise ToolError(f"{name} {value!r} is not a known status; use one of {', '.join(known)}.")
