"""The test suite's own layout: shared helpers live in support modules, not in tests."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_test_module_imports_another_test_module():
    """A helper imported from a test module runs that module's tests' imports too
    and hides where shared helpers live; they belong in conftest, factories or a
    support module."""
    offenders = []
    for path in sorted(TESTS.rglob("test_*.py")):
        if "node_modules" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                if name.startswith("tests.") and name.split(".")[-1].startswith(
                    "test_"
                ):
                    offenders.append(f"{path.relative_to(TESTS)} imports {name}")
    assert offenders == []
