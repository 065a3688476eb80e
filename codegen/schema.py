"""A JSON Schema document as the compiler sees it: definitions, fields, and the edges
between them.

A *field* is `(definition, property)`; the root object is the definition `$root`. The
exporter gives every object a named definition, so a field is addressed the same way
wherever it occurs (inside arrays, union members, nullable wrappers).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = "$root"

Field = tuple[str, str]


def def_of_ref(ref: str) -> str:
    prefix = "#/$defs/"
    if not ref.startswith(prefix):
        raise ValueError(f"unsupported $ref {ref!r}")
    return ref[len(prefix) :]


def _segments(pointer: str) -> list[str]:
    """A JSON Pointer's unescaped segments (RFC 6901)."""
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


@dataclass
class SchemaDoc:
    schema_id: str
    doc: dict[str, Any]
    sha256: str
    defs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, schema_id: str) -> SchemaDoc:
        raw = path.read_bytes()
        doc = json.loads(raw)
        defs = dict(doc.get("$defs", {}))
        defs[ROOT] = {k: v for k, v in doc.items() if k != "$defs"}
        return cls(schema_id, doc, hashlib.sha256(raw).hexdigest(), defs)

    # -- lookups ----------------------------------------------------------------

    def properties(self, def_name: str) -> dict[str, Any]:
        props: dict[str, Any] = self.defs[def_name].get("properties", {})
        return props

    def required(self, def_name: str) -> frozenset[str]:
        return frozenset(self.defs[def_name].get("required", ()))

    def has_field(self, f: Field) -> bool:
        return f[0] in self.defs and f[1] in self.properties(f[0])

    def field_schema(self, f: Field) -> dict[str, Any]:
        schema: dict[str, Any] = self.properties(f[0])[f[1]]
        return schema

    # -- edges ------------------------------------------------------------------

    def refs_in(self, node: Any) -> Iterator[str]:
        """Definitions referenced from a schema node, not crossing into those definitions."""
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                yield def_of_ref(ref)
            for key, value in node.items():
                if key in ("properties", "$defs"):
                    # an inline object's properties would be fields of an unnamed object;
                    # the exporter names every object, so these only hold sub-schemas
                    if key == "properties" and isinstance(value, dict):
                        for sub in value.values():
                            yield from self.refs_in(sub)
                    continue
                if key in ("discriminator", "const", "enum", "default", "examples"):
                    continue
                yield from self.refs_in(value)
        elif isinstance(node, list):
            for item in node:
                yield from self.refs_in(item)

    def children(self, f: Field) -> list[str]:
        """Object definitions reachable from a field's value (deduplicated, in order)."""
        seen: dict[str, None] = {}
        for name in self.refs_in(self.field_schema(f)):
            seen.setdefault(name, None)
        return list(seen)

    def enum_values(self, f: Field) -> set[Any] | None:
        """The finite set of values a field admits, if it is an enum/const (else None)."""
        values: set[Any] = set()

        def walk(node: Any) -> bool:
            if not isinstance(node, dict):
                return False
            if "const" in node:
                values.add(node["const"])
                return True
            if "enum" in node:
                values.update(node["enum"])
                return True
            if node.get("type") == "null":
                return True
            ref = node.get("$ref")
            if isinstance(ref, str):
                return walk(self.defs[def_of_ref(ref)])
            members = node.get("anyOf") or node.get("oneOf")
            if members:
                return all(walk(m) for m in members)
            return False

        return values if walk(self.field_schema(f)) else None

    # -- pointers ---------------------------------------------------------------

    def node(self, pointer: str) -> Any:
        """The schema node at a document pointer (`#/$defs/Def/properties/prop`), raw."""
        node: Any = self.doc
        for part in _segments(pointer.removeprefix("#")):
            node = node[part]
        return node

    def resolve_instance(self, pointer: str) -> list[Field]:
        """`/a/b` -> the fields along the path, through objects only (no arrays)."""
        parts = _segments(pointer)
        path: list[Field] = []
        current = [ROOT]
        for i, part in enumerate(parts):
            owners = [d for d in current if part in self.properties(d)]
            if len(owners) != 1:
                where = "/" + "/".join(parts[: i + 1])
                if not owners:
                    raise KeyError(f"{pointer}: no field {where!r} in {self.schema_id}")
                raise KeyError(f"{pointer}: {where!r} is ambiguous ({', '.join(owners)})")
            f = (owners[0], part)
            path.append(f)
            current = [d for d in self.children(f) if self.properties(d)]
        return path

    def resolve(self, pointer: str) -> Field | str:
        """A table pointer -> a field, or a definition name for `#/$defs/Def`."""
        if pointer.startswith("#/$defs/"):
            parts = pointer[len("#/$defs/") :].split("/")
            name = parts[0]
            if name not in self.defs:
                raise KeyError(f"{pointer}: no definition {name!r} in {self.schema_id}")
            if len(parts) == 1:
                return name
            if len(parts) != 3 or parts[1] != "properties":
                raise KeyError(f"{pointer}: expected #/$defs/Def/properties/prop")
            if parts[2] not in self.properties(name):
                raise KeyError(f"{pointer}: {name} has no property {parts[2]!r}")
            return (name, parts[2])
        return self.resolve_instance(pointer)[-1]

    def reachable_fields(self) -> Iterator[Field]:
        """Every field reachable from the root (used for the total in coverage)."""
        seen: set[str] = set()
        queue = [ROOT]
        while queue:
            name = queue.pop()
            if name in seen:
                continue
            seen.add(name)
            for prop in self.properties(name):
                f = (name, prop)
                yield f
                queue.extend(self.children(f))
