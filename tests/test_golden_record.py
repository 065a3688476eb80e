"""The golden record: regenerating from schemas/ + mappings/ must reproduce generated/.

This test regenerates everything but the pydantic models into a temp dir and diffs byte
for byte (`make check-generated` also regenerates the models, in CI).
"""

from __future__ import annotations

import pytest

from codegen.__main__ import REGEN, main


def test_generated_tree_matches_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["--check", "--no-models"])
    err = capsys.readouterr().err
    assert status == 0, f"generated/ is stale; run {REGEN}\n{err}"
