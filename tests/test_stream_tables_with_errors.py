"""The compiler's checks of stream tables: each broken variant of the Anthropic table
fails with a diagnostic that names the row and what is wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.__main__ import ROOT, load_schemas
from codegen.diagnostics import CodegenError
from codegen.streams import build_stream_table

Table = dict[str, Any]


def _without(kind: str) -> Callable[[Table], None]:
    def edit(table: Table) -> None:
        table["rows"] = [r for r in table["rows"] if r["kind"] != kind]

    return edit


def _row(kind: str, **fields: Any) -> Callable[[Table], None]:
    def edit(table: Table) -> None:
        for row in table["rows"]:
            if row["kind"] == kind:
                row.update(fields)

    return edit


def _add(row: dict[str, Any]) -> Callable[[Table], None]:
    return lambda table: table["rows"].append(row)


CASES: dict[str, tuple[Callable[[Table], None], str]] = {
    "uncovered": (
        _without("delta/text_delta"),
        "uncovered: delta/text_delta (anthropic.stream_event declares it at "
        "#/$defs/BetaRawContentBlockDeltaEvent/properties/delta)",
    ),
    "source_on_a_declared_kind": (
        _row("delta/text_delta", source="https://example.com"),
        "row 26 (delta/text_delta): anthropic.stream_event declares it now: remove `source`",
    ),
    "undeclared_without_source": (
        _add({"kind": "delta/sparkle_delta", "read": []}),
        "row 32 (delta/sparkle_delta): anthropic.stream_event does not declare it: cite a `source`",
    ),
    "unknown_neutral_event": (
        _row("delta/text_delta", read=["TextDelta", "Sparkle"]),
        "row 26 (delta/text_delta): no neutral event 'Sparkle' in crosswalk/stream/events.py",
    ),
    "missing_reader_method": (
        _row("delta/text_delta", by="_sparkle"),
        "row 26 (delta/text_delta): crosswalk.stream.read_anthropic:AnthropicReader has no "
        "method '_sparkle'",
    ),
    "twice": (
        _add({"kind": "delta/text_delta", "read": ["TextDelta"]}),
        "row 32 (delta/text_delta): a second row for the same kind",
    ),
    "unknown_place": (
        _add({"kind": "sparkle/x", "read": [], "source": "here"}),
        "row 32 (sparkle/x): no place 'sparkle' in `places`",
    ),
    "drop_with_read": (
        _row("block/fallback", read=[]),
        "rows/25: {'kind': 'block/fallback'",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_broken_stream_table_is_refused_naming_the_row(case: str, tmp_path: Path) -> None:
    edit, expected = CASES[case]
    table = yaml.safe_load((ROOT / "mappings" / "anthropic.stream.yaml").read_text())
    edit(table)
    path = tmp_path / "anthropic.stream.yaml"
    path.write_text(yaml.safe_dump(table, sort_keys=False))
    meta = json.loads((ROOT / "mappings" / "stream.schema.json").read_text())
    with pytest.raises(CodegenError) as err:
        build_stream_table(path, ROOT, load_schemas(ROOT), meta)
    messages = [str(d) for d in err.value.diagnostics]
    assert any(expected in m for m in messages), messages


def test_the_committed_tables_build() -> None:
    meta = json.loads((ROOT / "mappings" / "stream.schema.json").read_text())
    table = build_stream_table(
        ROOT / "mappings" / "anthropic.stream.yaml", ROOT, load_schemas(ROOT), meta
    )
    assert table.declared == 30 and len(table.rows) == 32
