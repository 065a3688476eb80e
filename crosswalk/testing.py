"""Assertions shared by the golden tests generated from table examples.

Kept in the runtime package (not in tests/) because generated tests import it and the
generated tree must not depend on hand-written test modules.
"""

from __future__ import annotations

from typing import Any

from crosswalk.convert import SCHEMA_IDS, run
from crosswalk.errors import ConversionError
from crosswalk.transforms import Options
from crosswalk.validate import validate


def check_case(
    source: str, target: str, kind: str, given: dict[str, Any], expect: dict[str, Any]
) -> None:
    """Run one example: exact top-level keys, absent keys, loss set, or the expected error."""
    options = Options(**expect["options"])
    if expect["error"] is not None:
        try:
            run(source, target, kind, given, options)
        except ConversionError as exc:
            assert exc.pointer == expect["error"]["pointer"], (
                f"error at {exc.pointer}: {exc.message}"
            )
            if "kind" in expect["error"]:
                assert exc.kind == expect["error"]["kind"], (
                    f"expected {expect['error']['kind']}, got {exc.kind}"
                )
            return
        raise AssertionError(f"expected a ConversionError at {expect['error']['pointer']}")
    conversion = run(source, target, kind, given, options)
    result = conversion.result
    for key, value in (expect["out"] or {}).items():
        assert key in result, f"missing /{key} in {result}"
        assert result[key] == value, f"/{key}: expected {value!r}, got {result[key]!r}"
    for key in expect["absent"]:
        assert key not in result, f"/{key} should be absent, got {result[key]!r}"
    if expect["loss"] is not None:
        got = sorted((e.kind, e.pointer) for e in conversion.loss)
        assert got == sorted(tuple(x) for x in expect["loss"]), f"loss: {got}"
    validate(SCHEMA_IDS[(target, kind)], result)
