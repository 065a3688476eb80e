"""The dependency arrows of the design, kept honest by reading import statements.

schemas/ -> codegen/ -> generated/ <- crosswalk/: codegen never imports generated code,
transforms never import generated code, and generated converters import only the
transform registry (plus the standard library).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STDLIB = {"__future__", "collections.abc", "typing"}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).glob("*.py"))


@pytest.mark.parametrize("path", files("codegen"), ids=lambda p: p.name)
def test_codegen_never_imports_generated_code(path: Path) -> None:
    assert not {m for m in imports(path) if m.startswith("crosswalk.generated")}


@pytest.mark.parametrize("path", files("crosswalk/transforms"), ids=lambda p: p.name)
def test_transforms_never_import_generated_code_or_the_lookup(path: Path) -> None:
    bad = {m for m in imports(path) if m.startswith(("crosswalk.generated", "crosswalk.convert"))}
    assert not bad


@pytest.mark.parametrize("path", files("generated/converters"), ids=lambda p: p.name)
def test_generated_converters_import_only_the_registry(path: Path) -> None:
    bad = {m for m in imports(path) if m not in STDLIB and not m.startswith("crosswalk.transforms")}
    assert not bad


@pytest.mark.parametrize("name", ["cli.py", "validate.py", "testing.py"])
def test_runtime_reaches_converters_through_convert(name: str) -> None:
    assert not {
        m
        for m in imports(ROOT / "crosswalk" / name)
        if m.startswith("crosswalk.generated.converters")
    }
