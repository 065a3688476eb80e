"""Stream tables: `mappings/<format>.stream.yaml` -> checked rows -> generated/streams.py.

A stream table says, for every kind of stream event a format has (a member of a
discriminated union, or a field of a chunk), which neutral events it is read as and
written from, or why it is not streamed. The checks: the meta-schema; every place
resolves in the stream schema; every kind the schema declares has a row (coverage);
a row for a kind the schema does not declare cites its `source`, and one the schema does
declare does not; every neutral event named exists; every `by` names a method of the
reader.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema

from codegen.diagnostics import CodegenError, Diagnostic
from codegen.schema import SchemaDoc, def_of_ref
from codegen.tables import load_yaml


@dataclass(frozen=True, slots=True)
class StreamRow:
    on: str
    by: str | None
    read: tuple[str, ...]
    write: tuple[str, ...]
    via: str | None
    drop: str | None
    source: str | None
    note: str

    @property
    def place(self) -> str:
        return self.on.split("/", 1)[0]

    @property
    def kind(self) -> str:
        return self.on.split("/", 1)[1]


@dataclass(frozen=True, slots=True)
class StreamPlace:
    name: str
    at: str | None
    about: str
    kinds: tuple[str, ...]  # what the schema declares there


@dataclass(frozen=True, slots=True)
class StreamTable:
    path: str
    format: str
    schema: str
    schema_sha: str
    sha256: str
    reader: str
    writer: str
    summary: str
    places: tuple[StreamPlace, ...]
    rows: tuple[StreamRow, ...]

    @property
    def declared(self) -> int:
        return sum(len(p.kinds) for p in self.places)

    def count(self, *, dropped: bool) -> int:
        return sum(1 for r in self.rows if r.source is None and (r.drop is not None) == dropped)


def _kinds(schema: SchemaDoc, node: Mapping[str, Any]) -> tuple[str, ...]:
    """A discriminated union's kinds, or an object's properties."""
    if "discriminator" in node:
        return tuple(sorted(node["discriminator"]["mapping"]))
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _kinds(schema, schema.defs[def_of_ref(ref)])
    return tuple(node.get("properties", {}))


def _neutral_events(root: Path) -> frozenset[str]:
    """The members of the `Event` union in crosswalk/stream/events.py (read from source,
    as `_methods` reads the readers)."""
    tree = ast.parse((root / "crosswalk" / "stream" / "events.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "Event" for t in node.targets
        ):
            return frozenset(n.id for n in ast.walk(node.value) if isinstance(n, ast.Name))
    return frozenset()


def _methods(root: Path, spec: str) -> frozenset[str] | None:
    """The methods `module:Class` defines, read from its source: the readers import
    generated/streams.py, so importing them here would need what is being generated."""
    module, _, name = spec.partition(":")
    path = root.joinpath(*module.split(".")).with_suffix(".py")
    if not path.is_file():
        return None
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return frozenset(
                n.name for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
            )
    return None


def build_stream_table(
    path: Path, root: Path, schemas: Mapping[str, SchemaDoc], meta: Mapping[str, Any]
) -> StreamTable:
    where = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    raw = load_yaml(path)
    problems = [
        Diagnostic(where, f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}")
        for e in jsonschema.Draft202012Validator(meta).iter_errors(raw)
    ]
    if problems:
        raise CodegenError(problems)
    if path.name != f"{raw['format']}.stream.yaml":
        problems.append(Diagnostic(where, f"a table for {raw['format']!r} must be named so"))
    schema = schemas.get(raw["schema"])
    if schema is None:
        raise CodegenError([Diagnostic(where, f"no schema {raw['schema']!r} in schemas/")])
    places = []
    for name, spec in raw["places"].items():
        kinds: tuple[str, ...] = ()
        if "at" in spec:
            try:
                kinds = _kinds(schema, schema.node(spec["at"]))
            except (KeyError, IndexError, TypeError):
                problems.append(
                    Diagnostic(where, f"place {name}: {spec['at']} is not in {schema.schema_id}")
                )
        places.append(StreamPlace(name, spec.get("at"), spec["about"], kinds))
    by_name = {p.name: p for p in places}
    events = _neutral_events(root)
    reader = _methods(root, raw["reader"])
    if reader is None:
        problems.append(Diagnostic(where, f"no class {raw['reader']}"))
    if _methods(root, raw["writer"]) is None:
        problems.append(Diagnostic(where, f"no class {raw['writer']}"))
    rows = []
    seen: set[str] = set()
    for i, spec in enumerate(raw["rows"]):
        row = StreamRow(
            on=spec["kind"],
            by=spec.get("by"),
            read=tuple(spec.get("read", ())),
            write=tuple(spec.get("write", ())),
            via=spec.get("via"),
            drop=spec.get("drop"),
            source=spec.get("source"),
            note=spec.get("note", ""),
        )
        at = f"{where}: row {i} ({row.on})"
        if row.on in seen:
            problems.append(Diagnostic(at, "a second row for the same kind"))
        seen.add(row.on)
        place = by_name.get(row.place)
        if place is None:
            problems.append(Diagnostic(at, f"no place {row.place!r} in `places`"))
        elif row.kind in place.kinds and row.source is not None:
            problems.append(Diagnostic(at, f"{schema.schema_id} declares it now: remove `source`"))
        elif row.kind not in place.kinds and row.source is None:
            problems.append(
                Diagnostic(at, f"{schema.schema_id} does not declare it: cite a `source`")
            )
        for name in (*row.read, *row.write):
            if name not in events:
                problems.append(
                    Diagnostic(at, f"no neutral event {name!r} in crosswalk/stream/events.py")
                )
        if row.by is not None and reader is not None and row.by not in reader:
            problems.append(Diagnostic(at, f"{raw['reader']} has no method {row.by!r}"))
        rows.append(row)
    for place in places:
        for kind in place.kinds:
            if f"{place.name}/{kind}" not in seen:
                problems.append(
                    Diagnostic(
                        where,
                        f"uncovered: {place.name}/{kind} ({schema.schema_id} declares it at {place.at})",
                    )
                )
    if problems:
        raise CodegenError(problems)
    return StreamTable(
        path=where,
        format=raw["format"],
        schema=schema.schema_id,
        schema_sha=schema.sha256,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        reader=raw["reader"],
        writer=raw["writer"],
        summary=" ".join(raw["summary"].split()),
        places=tuple(places),
        rows=tuple(rows),
    )


def load_stream_tables(root: Path, schemas: Mapping[str, SchemaDoc]) -> list[StreamTable]:
    mappings = root / "mappings"
    meta = json.loads((mappings / "stream.schema.json").read_text())
    tables, problems = [], []
    for path in sorted(mappings.glob("*.stream.yaml")):
        try:
            tables.append(build_stream_table(path, root, schemas, meta))
        except CodegenError as exc:
            problems.extend(exc.diagnostics)
    if problems:
        raise CodegenError(problems)
    return tables
