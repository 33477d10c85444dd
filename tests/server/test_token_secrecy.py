"""No tool result, progress message or log line contains the Argo CD token."""

from __future__ import annotations

import functools
import logging

import pytest

from argonaut_mcp.config import InstanceConfig, Settings
from argonaut_mcp.server import build_server
from tests.server.helpers import ProgressLog, call_driven, connect, served

# JWT-shaped, as the sandbox requires, and not the sandbox's own token.
WRONG_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.bm90LXRoZS1yaWdodC1zaWduYXR1cmU"

CALLS = [
    ("list_applications", {"pattern": "mentor-web-*"}),
    ("get_application", {"name": "mentor-web-alderbrook"}),
    ("get_application", {"name": "mentor-web-nope"}),
    ("get_application_logs", {"name": "mentor-web-alderbrook"}),
    ("get_application_events", {"name": "mentor-web-alderbrook"}),
    ("get_resource_tree", {"name": "mentor-web-alderbrook"}),
    ("sync_application", {"name": "mentor-web-ashgrove"}),
    ("batch_sync", {"pattern": "mentor-web-[b-c]*"}),
    ("batch_sync", {"pattern": "mentor-web-*", "dry_run": True}),
    ("batch_sync", {"pattern": "mentor-web-*", "batch_size": "abc"}),
]


@pytest.mark.anyio
async def test_token_appears_in_no_output_or_log(caplog):
    caplog.set_level(logging.DEBUG)
    outputs: list[str] = []
    async with served("default") as env:
        token = env.sandbox.token
        async with connect(env.server(), "auto") as client:
            for name, arguments in CALLS:
                progress = ProgressLog()
                call = functools.partial(client.call_tool, name, arguments, progress_callback=progress)
                result = await call_driven(env.clock, call)
                outputs.append(result.model_dump_json())
                outputs.extend(message or "" for _, _, message in progress.events)
            run_id = next(run.run_id for run in env.registry.runs())
            status = await client.call_tool("get_batch_sync_status", {"run_id": run_id})
            outputs.append(status.model_dump_json())

        wrong = Settings(instances={"default": InstanceConfig(name="default", url=env.url, token=WRONG_TOKEN)})
        async with connect(build_server(wrong, clock=env.clock), "legacy") as client:
            rejected = await client.call_tool("list_applications", {})
            outputs.append(rejected.model_dump_json())

    assert rejected.is_error
    assert "token was rejected" in rejected.model_dump_json()
    assert len(outputs) > len(CALLS)
    logged = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert "HTTP Request" in logged
    for secret in (token, WRONG_TOKEN):
        signature = secret.rsplit(".", 1)[-1]
        assert not any(secret in output for output in outputs)
        assert not any(signature in output for output in outputs)
        assert secret not in logged
        assert signature not in logged
