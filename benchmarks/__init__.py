"""Benchmarks of argonaut-mcp against a naive rollout reference; `python -m benchmarks` runs them."""
