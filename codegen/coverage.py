"""Coverage: every field reachable in the source schema must have a fate.

Reachability stops beneath a field consumed whole (renamed, dropped, …) and at a
definition dropped or refused whole; beneath a transform it continues, so the fields a
transform handles are accounted for one by one.
"""

from __future__ import annotations

from collections.abc import Mapping

from codegen import ir
from codegen.schema import ROOT, Field, SchemaDoc

WHOLESALE = frozenset({"rename", "const", "enum", "clamp", "default", "drop", "refuse"})


def kind_of(rule: str) -> str:
    return {"drop": "dropped", "refuse": "refused"}.get(rule, "mapped")


def compute_coverage(
    src: SchemaDoc,
    field_rows: Mapping[Field, ir.Row],
    def_rows: Mapping[str, ir.Row],
    transit: set[Field],
) -> ir.Coverage:
    counts = {"mapped": 0, "dropped": 0, "refused": 0}
    uncovered: list[str] = []
    total = 0
    visited: set[str] = set()
    queue = [ROOT]
    while queue:
        name = queue.pop(0)
        if name in visited:
            continue
        visited.add(name)
        props = src.properties(name)
        whole = def_rows.get(name)
        if whole is not None and whole.rule in ("drop", "refuse"):
            total += len(props)
            counts[kind_of(whole.rule)] += len(props)
            continue
        for prop in props:
            f = (name, prop)
            total += 1
            row = field_rows.get(f)
            if row is not None:
                counts[kind_of(row.rule)] += 1
                if row.rule not in WHOLESALE:
                    queue.extend(src.children(f))
            elif f in transit:
                counts["mapped"] += 1
                queue.extend(src.children(f))
            else:
                uncovered.append(f"{name}/{prop}")
                queue.extend(src.children(f))
    return ir.Coverage(
        total, counts["mapped"], counts["dropped"], counts["refused"], tuple(uncovered)
    )
