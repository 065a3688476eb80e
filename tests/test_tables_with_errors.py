"""Broken tables and the compiler's diagnostics for them, as snapshots.

Each directory under tests/tables_with_errors/ holds one broken table and `expected.txt`,
the diagnostics the compiler must print. Set UPDATE_SNAPSHOTS=1 to rewrite them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codegen.diagnostics import CodegenError
from tests.codegen_support import build

CASES = sorted(p for p in (Path(__file__).parent / "tables_with_errors").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_diagnostics(case: Path) -> None:
    with pytest.raises(CodegenError) as err:
        build(case / "chat__anthropic.request.yaml", case)
    got = "".join(f"{d}\n" for d in err.value.diagnostics)
    expected = case / "expected.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        expected.write_text(got)
    assert got == expected.read_text()
