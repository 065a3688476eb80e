"""Build and run tiny inline tables against the mini schemas in tests/mini/."""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any

from crosswalk.generated.policy import POLICY

from codegen import ir
from codegen.render import render_converter
from codegen.schema import SchemaDoc
from codegen.tables import TableBuilder, ValueTables
from crosswalk.transforms import Context, Options

MINI = Path(__file__).parent / "mini"
ROOT = Path(__file__).resolve().parent.parent
META = json.loads((ROOT / "mappings" / "meta.schema.json").read_text())


def mini_schemas() -> dict[str, SchemaDoc]:
    return {
        sid: SchemaDoc.load(MINI / f"{sid}.json", sid)
        for sid in ("chat.request", "anthropic.request")
    }


def build(table_path: Path, root: Path) -> ir.Table:
    return TableBuilder(
        table_path, root, mini_schemas(), ValueTables(MINI / "values.yaml"), META
    ).build()


def compile_table(table: ir.Table) -> types.ModuleType:
    module = types.ModuleType(f"mini_{table.function}")
    exec(compile(render_converter(table), f"<{table.path}>", "exec"), module.__dict__)
    return module


def run_mini(module: types.ModuleType, fn: str, src: dict[str, Any], **options: Any) -> Context:
    ctx = Context(src, module.RULES, Options(policy=POLICY, **options))
    getattr(module, fn)(src, ctx)
    return ctx
