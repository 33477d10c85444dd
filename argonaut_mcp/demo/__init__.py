"""`argonaut-mcp demo`: batch_sync against the embedded sandbox through a real MCP session.

The live panel (`panel.py`) and the plain printer (`plain.py`) render the same `DemoView`
(`view.py`). `follow.py` drives the MCP calls, and `runner.py` wires the sandbox, the server
subprocess and the display together.
"""

from argonaut_mcp.demo.options import DEFAULT_TIME_SCALE, DemoOptions
from argonaut_mcp.demo.runner import run_demo

__all__ = ["DEFAULT_TIME_SCALE", "DemoOptions", "run_demo"]
