"""Load mapping tables and build the typed model, collecting every diagnostic.

All checks live here: meta-schema, pointers, examples, value tables, transform
signatures, and (via coverage.py) the accounting of every source field.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from codegen import ir
from codegen.coverage import compute_coverage
from codegen.diagnostics import CodegenError, Diagnostic
from codegen.schema import ROOT, Field, SchemaDoc
from crosswalk.transforms import REGISTRY, TransformSpec

RULE_ROWS = frozenset({"drop", "refuse", "enum", "clamp"})


def listify(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


def deep_merge(base: Any, over: Any) -> Any:
    """Objects merge key by key; anything else (lists included) is replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = deep_merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(over)


def short_key(resolved: Field | str) -> str:
    return resolved if isinstance(resolved, str) else f"{resolved[0]}/{resolved[1]}"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class ValueTables:
    """`values.yaml`: shared value tables, projected per direction on demand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        self.tables: dict[str, Any] = load_yaml(path) or {}

    def mapping(
        self, name: str, source: str, target: str
    ) -> tuple[dict[Any, Any], dict[Any, str], list[str]]:
        """Column `source` -> column `target`, keeping rows not reserved for another
        target; with it, why each source value the target cannot tell apart is coerced
        (the rows' `coerced:` column: one-way rows only, since a collapse goes one way)."""
        errors: list[str] = []
        spec = self.tables.get(name)
        if spec is None:
            return {}, {}, [f"no value table {name!r} in {self.path.name}"]
        columns = spec.get("columns", [])
        if source not in columns or target not in columns:
            return {}, {}, [f"value table {name!r} has no columns {source!r} and {target!r}"]
        result: dict[Any, Any] = {}
        coerced: dict[Any, str] = {}
        for row in spec.get("rows", []):
            only = row.get("only")
            if "coerced" in row and only is None:
                errors.append(
                    f"value table {name!r}: row {row!r} is `coerced` but not `only: <format>` "
                    "(a value is coerced towards one format, the one it collapses in)"
                )
            if only is not None and only != target:
                continue
            if source not in row or target not in row:
                continue
            key = row[source]
            if key in result and result[key] != row[target]:
                errors.append(
                    f"value table {name!r}: {source} value {key!r} maps to both "
                    f"{result[key]!r} and {row[target]!r}; mark one `only: <format>`"
                )
            result[key] = row[target]
            if "coerced" in row:
                coerced[key] = " ".join(str(row["coerced"]).split())
        return result, coerced, errors


class TableBuilder:
    """Builds one `ir.Table`; `diagnostics` collects everything wrong with it."""

    def __init__(
        self,
        path: Path,
        root: Path,
        schemas: Mapping[str, SchemaDoc],
        values: ValueTables,
        meta: Mapping[str, Any],
        registry: Mapping[str, TransformSpec] = REGISTRY,
        *,
        partial: bool = False,
    ) -> None:
        self.path = path
        self.rel = path.relative_to(root).as_posix()
        self.schemas = schemas
        self.values = values
        self.meta = meta
        self.registry = registry
        self.partial = partial
        self.diagnostics: list[Diagnostic] = []

    def error(self, where: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(f"{self.rel}{where}", message))

    # -- entry point ---------------------------------------------------------------

    def build(self) -> ir.Table:
        raw = load_yaml(self.path)
        validator = jsonschema.Draft202012Validator(self.meta)
        for err in sorted(validator.iter_errors(raw), key=lambda e: list(e.absolute_path)):
            path = list(err.absolute_path)
            where = (
                f" row {path[1] + 1}"
                if len(path) >= 2 and path[0] == "rows"
                else "".join(f".{p}" for p in path)
            )
            self.error(where, err.message)
        if self.diagnostics:
            raise CodegenError(self.diagnostics)
        src_id, tgt_id = raw["source"], raw["target"]
        for sid in (src_id, tgt_id):
            if sid not in self.schemas:
                self.error("", f"unknown schema {sid!r}")
        if self.diagnostics:
            raise CodegenError(self.diagnostics)
        src, tgt = self.schemas[src_id], self.schemas[tgt_id]
        src_fmt, kind = src_id.split(".")
        tgt_fmt = tgt_id.split(".")[0]
        expected = f"{src_fmt}__{tgt_fmt}.{kind}.yaml"
        if self.path.name != expected:
            self.error("", f"file must be named {expected} for {src_id} -> {tgt_id}")
        table = ir.Table(
            path=self.rel,
            stem=f"{src_fmt}__{tgt_fmt}_{kind}",
            source=src_id,
            target=tgt_id,
            kind=kind,
            function=raw["function"],
            summary=" ".join(raw["summary"].split()),
            sha256=hashlib.sha256(self.path.read_bytes()).hexdigest(),
            source_sha=src.sha256,
            target_sha=tgt.sha256,
            known_fields=tuple(sorted(src.properties(ROOT))),
        )
        field_rows: dict[Field, ir.Row] = {}
        def_rows: dict[str, ir.Row] = {}
        transit: set[Field] = set()
        transforms_used: dict[str, ir.TransformRow] = {}
        nested_by: dict[str, list[ir.NestedRow]] = {}
        for index, row in enumerate(raw["rows"], start=1):
            built = self.build_row(index, row, raw, table, src, tgt, field_rows, def_rows, transit)
            if built is None:
                continue
            table.rows.append(built)
            if isinstance(built, ir.TransformRow):
                transforms_used[row["transform"]] = built
            if isinstance(built, ir.NestedRow):
                nested_by.setdefault(built.by, []).append(built)
        self.check_transforms(table, transforms_used, nested_by)
        table.coverage = compute_coverage(src, field_rows, def_rows, transit)
        if not self.partial:
            for name in table.coverage.uncovered:
                self.error("", f"source field {name} is not covered by any row")
        for f in field_rows:
            if f not in set(src.reachable_fields()):
                self.error("", f"row covers {f[0]}/{f[1]}, which is not reachable from the root")
        if self.diagnostics:
            raise CodegenError(self.diagnostics)
        return table

    # -- rows -----------------------------------------------------------------------

    def build_row(
        self,
        index: int,
        row: dict[str, Any],
        raw: dict[str, Any],
        table: ir.Table,
        src: SchemaDoc,
        tgt: SchemaDoc,
        field_rows: dict[Field, ir.Row],
        def_rows: dict[str, ir.Row],
        transit: set[Field],
    ) -> ir.Row | None:
        where = f" row {index}"
        rule: str = row["rule"]
        froms, tos = listify(row.get("from")), listify(row.get("to"))
        resolved_from: list[Field | str] = []
        for p in froms:
            try:
                resolved_from.append(src.resolve(p))
            except KeyError as exc:
                self.error(where, f"from: {exc.args[0]}")
        resolved_to: list[Field | str] = []
        for p in tos:
            try:
                resolved_to.append(tgt.resolve(p))
            except KeyError as exc:
                self.error(where, f"to: {exc.args[0]}")
        names = self.collect_examples(where, index, row, raw, table)
        if len(resolved_from) != len(froms) or len(resolved_to) != len(tos):
            return None
        nested = "by" in row
        if not nested and any(p.startswith("#") for p in froms + tos):
            self.error(where, "rows addressing #/$defs pointers are nested rows and need `by:`")
            return None
        for p, r in zip(froms, resolved_from, strict=True):
            owner = def_rows if isinstance(r, str) else field_rows
            key = r if isinstance(r, str) else (r[0], r[1])
            if key in owner:
                self.error(where, f"{p} is already covered by row {owner[key].index}")  # type: ignore[index]
            if not p.startswith("#"):
                transit.update(src.resolve_instance(p)[:-1])
        detail = " ".join(self.detail(row).split())
        base = {
            "index": index,
            "rule": rule,
            "froms": froms,
            "tos": tos,
            "detail": detail,
            "examples": names,
        }
        built = (
            self.nested_row(where, row, base, resolved_from, table, src, tgt, resolved_to)
            if nested
            else self.code_row(where, row, base, table, src, tgt)
        )
        if built is not None:
            for r in resolved_from:
                if isinstance(r, str):
                    def_rows[r] = built
                else:
                    field_rows[r] = built
        return built

    def detail(self, row: dict[str, Any]) -> str:
        rule = row["rule"]
        if rule == "transform":
            return str(row.get("transform") or f"by {row['by']}")
        if rule == "clamp":
            return f"{row.get('min', '')}..{row.get('max', '')}"
        if rule == "enum":
            kept = ", unlisted values kept" if row.get("passthrough") else ""
            return f"table {row['table']}{kept}"
        if rule == "const":
            return f"= {json.dumps(row['value'])}"
        if rule == "default":
            return (
                f"default {json.dumps(row['default'])}"
                if "default" in row
                else f"default options.{row['option']}"
            )
        if rule in ("drop", "refuse"):
            inert = " (inert: not refused by strict mode)" if row.get("inert") else ""
            return str(row["why"]) + inert
        return ""

    def collect_examples(
        self, where: str, index: int, row: dict[str, Any], raw: dict[str, Any], table: ir.Table
    ) -> tuple[str, ...]:
        names: list[str] = []
        for j, ref in enumerate(row["examples"]):
            if isinstance(ref, str):
                if ref not in raw["examples"]:
                    self.error(where, f"example {ref!r} is not defined in `examples:`")
                    continue
                name, ex = ref, raw["examples"][ref]
            else:
                name, ex = f"inline{j + 1}", ref
            if not isinstance(ref, str):
                name = f"row{index}_{name}"
            names.append(name)
            loss = ex.get("loss")
            table.cases.append(
                ir.Case(
                    id=f"{table.path.removeprefix('mappings/').removesuffix('.yaml')}:row{index}:{name}",
                    example=name,
                    input=deep_merge(raw["base"], ex["in"]),
                    out=ex.get("out"),
                    absent=tuple(ex.get("absent", ())),
                    loss=None
                    if loss is None
                    else tuple(sorted((e["kind"], e["pointer"]) for e in loss)),
                    error=ex.get("error"),
                    options=dict(ex.get("options", {})),
                )
            )
        return tuple(names)

    def read(self, doc: SchemaDoc, pointer: str) -> ir.Read:
        path = doc.resolve_instance(pointer)
        required = all(f[1] in doc.required(f[0]) for f in path)
        return ir.Read(pointer, tuple(f[1] for f in path), required)

    def write(self, doc: SchemaDoc, pointer: str, var: str = "v") -> ir.Write:
        path = doc.resolve_instance(pointer)
        required = all(f[1] in doc.required(f[0]) for f in path)
        return ir.Write(pointer, tuple(f[1] for f in path), required, var)

    def code_row(
        self,
        where: str,
        row: dict[str, Any],
        base: dict[str, Any],
        table: ir.Table,
        src: SchemaDoc,
        tgt: SchemaDoc,
    ) -> ir.Row | None:
        rule = row["rule"]
        froms, tos = base["froms"], base["tos"]
        sources = tuple(self.read(src, p) for p in froms)
        if rule in ("rename", "default"):
            if len(tos) != 1:
                self.error(where, f"{rule} writes exactly one `to`")
                return None
            fallback = None
            if rule == "default":
                fallback = (
                    repr(row["default"]) if "default" in row else f"ctx.options.{row['option']}"
                )
            return ir.RenameRow(
                **base, sources=sources, target=self.write(tgt, tos[0]), fallback=fallback
            )
        if rule in ("const", "enum", "clamp") and (len(tos) != 1 or len(sources) > 1):
            self.error(where, f"{rule} reads at most one `from` and writes one `to`")
            return None
        if rule == "const":
            return ir.ConstRow(
                **base,
                source=sources[0] if sources else None,
                target=self.write(tgt, tos[0]),
                value=repr(row["value"]),
            )
        if rule == "enum":
            const = self.value_map(where, row["table"], table, src, tgt, froms[0], tos[0])
            if any(vm.coerced for vm in table.value_maps if vm.const == const):
                self.error(
                    where,
                    f"value table {row['table']!r} coerces values: use it from a nested row, "
                    "whose transform reports them (ctx.map_enum)",
                )
            return ir.EnumRow(
                **base,
                source=sources[0],
                target=self.write(tgt, tos[0]),
                table_const=const,
                passthrough=bool(row.get("passthrough", False)),
            )
        if rule == "clamp":
            return ir.ClampRow(
                **base,
                source=sources[0],
                target=self.write(tgt, tos[0]),
                # an open bound must render as code: repr(float("inf")) is the bare name inf
                lo=repr(row["min"]) if "min" in row else 'float("-inf")',
                hi=repr(row["max"]) if "max" in row else 'float("inf")',
            )
        if rule in ("drop", "refuse"):
            neutral = repr(tuple(row["neutral"])) if "neutral" in row else ""
            why = " ".join(row["why"].split())
            if rule == "drop":
                return ir.DropRow(
                    **base,
                    sources=sources,
                    why=why,
                    neutral=neutral,
                    inert=bool(row.get("inert", False)),
                )
            return ir.RefuseRow(**base, sources=sources, why=why, neutral=neutral)
        # transform
        name: str = row["transform"]
        spec = self.registry.get(name)
        if spec is None:
            self.error(where, f"transform {name!r} is not registered in crosswalk.transforms")
            return None
        topic, fn = name.split(".")
        local = f"{topic}_{fn}"
        if all(imp.alias != local for imp in table.imports):
            table.imports.append(ir.Import(spec.module, spec.function, local))
        used: set[str] = set()
        targets = []
        for p in tos:
            var = "t_" + ir.identifier(p.rsplit("/", 1)[-1])
            while var in used:
                var += "_"
            used.add(var)
            targets.append(self.write(tgt, p, var))
        conditional = not (row.get("always") or any(s.required for s in sources))
        return ir.TransformRow(
            **base,
            sources=sources,
            targets=tuple(targets),
            local_name=local,
            conditional=conditional,
        )

    def nested_row(
        self,
        where: str,
        row: dict[str, Any],
        base: dict[str, Any],
        resolved: list[Field | str],
        table: ir.Table,
        src: SchemaDoc,
        tgt: SchemaDoc,
        resolved_to: list[Field | str],
    ) -> ir.NestedRow | None:
        rule = row["rule"]
        if len(resolved) != 1:
            self.error(where, "a nested row covers exactly one field or definition")
            return None
        key = short_key(resolved[0])
        literal = ""
        why = " ".join(row.get("why", "").split())
        neutral = f", neutral={tuple(row['neutral'])!r}" if "neutral" in row else ""
        if rule in ("drop", "refuse"):
            inert = ", inert=True" if row.get("inert") else ""
            literal = f"FieldRule({rule!r}, why={why!r}{neutral}{inert})"
        elif rule == "enum":
            if len(base["tos"]) != 1:
                self.error(where, "a nested enum row writes one `to`")
                return None
            const = self.value_map(
                where, row["table"], table, src, tgt, base["froms"][0], base["tos"][0]
            )
            coerced = any(vm.coerced for vm in table.value_maps if vm.const == const)
            literal = f"FieldRule('enum', mapping={const}" + (
                f", coerced={const}_COERCED)" if coerced else ")"
            )
        elif rule == "clamp":
            literal = f"FieldRule('clamp', minimum={row.get('min')!r}, maximum={row.get('max')!r})"
        elif rule in ("rename", "transform"):
            if not base["tos"]:
                self.error(where, f"a nested {rule} row says where the field goes (`to:`)")
        else:
            self.error(
                where,
                f"rule {rule!r} cannot be nested; use drop/refuse/enum/clamp/rename/transform",
            )
            return None
        return ir.NestedRow(**base, key=key, by=row["by"], rule_literal=literal)

    def value_map(
        self,
        where: str,
        name: str,
        table: ir.Table,
        src: SchemaDoc,
        tgt: SchemaDoc,
        from_p: str,
        to_p: str,
    ) -> str:
        mapping, coerced, errors = self.values.mapping(
            name, table.source_format, table.target_format
        )
        for e in errors:
            self.error(where, e)
        for doc, pointer, values in (
            (src, from_p, set(mapping)),
            (tgt, to_p, set(mapping.values())),
        ):
            resolved = doc.resolve(pointer)
            if isinstance(resolved, str):
                continue
            allowed = doc.enum_values(resolved)
            if allowed is not None and len(allowed) == 1:
                # A union member's tag (one const): the table spans all members and
                # must give this one a counterpart.
                if not allowed <= values:
                    self.error(
                        where,
                        f"value table {name!r}: no row for {next(iter(allowed))!r} at {pointer}",
                    )
                continue
            if allowed is not None and not values <= allowed:
                self.error(
                    where,
                    f"value table {name!r}: {sorted(map(str, values - allowed))} not allowed at {pointer}",
                )
        const = f"_VALUES_{name.upper()}"
        if all(v.const != const for v in table.value_maps):
            table.value_maps.append(ir.ValueMap(const, name, mapping, coerced))
        return const

    # -- transforms ---------------------------------------------------------------------

    def check_transforms(
        self,
        table: ir.Table,
        used: dict[str, ir.TransformRow],
        nested_by: dict[str, list[ir.NestedRow]],
    ) -> None:
        for name, row in used.items():
            spec = self.registry[name]
            where = f" row {row.index}"
            if table.source not in spec.sources or table.target not in spec.targets:
                self.error(
                    where,
                    f"{name} converts {'/'.join(spec.sources)} -> {'/'.join(spec.targets)}, "
                    f"not {table.source} -> {table.target}",
                )
            if not set(row.froms) <= set(spec.reads):
                self.error(
                    where, f"{name} declares reads={list(spec.reads)}; row reads {list(row.froms)}"
                )
            if set(row.tos) != set(spec.writes):
                self.error(
                    where, f"{name} declares writes={list(spec.writes)}; row writes {list(row.tos)}"
                )
            applied = {r.key for r in nested_by.get(name, []) if r.rule in RULE_ROWS}
            for key in sorted(set(spec.handles) - applied):
                self.error(
                    where,
                    f"{name} applies the rule {key!r}, but no nested row `by: {name}` states it",
                )
            for key in sorted(applied - set(spec.handles)):
                self.error(
                    where, f"nested row {key!r} names {name}, which does not declare it in handles="
                )
        for by, rows in nested_by.items():
            if by not in used:
                self.error(
                    f" row {rows[0].index}",
                    f"`by: {by}` names a transform no row of this table calls",
                )
