"""Import boundaries between the layers: imports only point down, and the sandbox imports no other layer."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "argonaut_mcp"


def imported_modules(layer: str) -> set[str]:
    """Return the absolute module names imported by every file of `layer` (relative imports resolved)."""
    modules: set[str] = set()
    for path in (PACKAGE / layer).rglob("*.py"):
        package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                modules.add(resolve(node, package))
    return modules


def resolve(node: ast.ImportFrom, package: str) -> str:
    if node.level == 0:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def test_sandbox_imports_only_itself():
    own = [name for name in imported_modules("sandbox") if name.startswith("argonaut_mcp")]

    assert own
    assert all(name.startswith("argonaut_mcp.sandbox") for name in own), own


UPPER_LAYERS = ("argonaut_mcp.server", "argonaut_mcp.demo", "argonaut_mcp.cli", "argonaut_mcp.sandbox")


@pytest.mark.parametrize("layer", ["rollout", "argocd"])
def test_lower_layer_imports(layer):
    forbidden = UPPER_LAYERS + (("argonaut_mcp.rollout",) if layer == "argocd" else ())
    modules = imported_modules(layer)

    offending = sorted(name for name in modules if name.split(".")[0] == "mcp" or name.startswith(forbidden))
    assert offending == []
