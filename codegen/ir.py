"""The typed intermediate model the templates render.

Every decision is made while building these objects (tables.py); templates only print
them. Each row kind names its template macro in a ClassVar, so a template dispatches by
`row.macro` and never tests a rule name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar


def py_key(key: str) -> str:
    return repr(key)


def identifier(text: str) -> str:
    """`text` as a Python identifier fragment (header names such as `retry-after`)."""
    return re.sub(r"\W", "_", text)


@dataclass(frozen=True, slots=True)
class Read:
    """How generated code reads one source instance pointer."""

    pointer: str
    keys: tuple[str, ...]
    required: bool

    @property
    def var(self) -> str:
        """A local name for the value, unique per pointer."""
        return "s_" + identifier("_".join(self.keys))

    @property
    def expr(self) -> str:
        """An expression giving the value, or None when absent (never raises)."""
        if self.required:
            return "src" + "".join(f"[{py_key(k)}]" for k in self.keys)
        expr = "src"
        for i, key in enumerate(self.keys):
            last = i == len(self.keys) - 1
            expr = f"{expr}.get({py_key(key)})" if last else f"({expr}.get({py_key(key)}) or {{}})"
        return expr


@dataclass(frozen=True, slots=True)
class Write:
    """How generated code writes one target instance pointer."""

    pointer: str
    keys: tuple[str, ...]
    required: bool
    var: str

    @property
    def lvalue(self) -> str:
        expr = "out"
        for key in self.keys[:-1]:
            expr = f"{expr}.setdefault({py_key(key)}, {{}})"
        return f"{expr}[{py_key(self.keys[-1])}]"


@dataclass(frozen=True, slots=True)
class Case:
    """One golden test: a row's example, with the base already merged in."""

    id: str
    example: str
    input: dict[str, Any]
    out: dict[str, Any] | None
    absent: tuple[str, ...]
    loss: tuple[tuple[str, str], ...] | None
    error: dict[str, Any] | None
    options: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Row:
    index: int
    rule: str
    froms: tuple[str, ...]
    tos: tuple[str, ...]
    detail: str
    examples: tuple[str, ...]
    macro: ClassVar[str] = ""

    @property
    def label(self) -> str:
        arrow = f" -> {', '.join(self.tos)}" if self.tos else ""
        return f"row {self.index}: {', '.join(self.froms) or '(none)'}{arrow} {self.rule}{self.detail_suffix}"

    @property
    def detail_suffix(self) -> str:
        return f" ({self.detail})" if self.detail else ""


@dataclass(frozen=True, slots=True)
class RenameRow(Row):
    """First present source wins; later present sources are reported superseded."""

    sources: tuple[Read, ...] = ()
    target: Write | None = None
    fallback: str | None = None  # python expression for `default` rows
    macro: ClassVar[str] = "rename"


@dataclass(frozen=True, slots=True)
class ConstRow(Row):
    source: Read | None = None
    target: Write | None = None
    value: str = ""
    macro: ClassVar[str] = "const"


@dataclass(frozen=True, slots=True)
class EnumRow(Row):
    source: Read | None = None
    target: Write | None = None
    table_const: str = ""
    passthrough: bool = False  # values the table does not list are copied, not refused
    macro: ClassVar[str] = "enum"


@dataclass(frozen=True, slots=True)
class ClampRow(Row):
    source: Read | None = None
    target: Write | None = None
    lo: str = ""
    hi: str = ""
    macro: ClassVar[str] = "clamp"


@dataclass(frozen=True, slots=True)
class TransformRow(Row):
    sources: tuple[Read, ...] = ()
    targets: tuple[Write, ...] = ()
    local_name: str = ""
    conditional: bool = True
    macro: ClassVar[str] = "transform"


@dataclass(frozen=True, slots=True)
class DropRow(Row):
    sources: tuple[Read, ...] = ()
    why: str = ""
    neutral: str = ""  # python tuple literal, "" when none
    inert: bool = False  # reported, but not a loss strict mode refuses
    macro: ClassVar[str] = "drop"


@dataclass(frozen=True, slots=True)
class RefuseRow(Row):
    sources: tuple[Read, ...] = ()
    why: str = ""
    neutral: str = ""
    macro: ClassVar[str] = "refuse"


@dataclass(frozen=True, slots=True)
class NestedRow(Row):
    """A row applied inside a transform (`by:`); rendered as a RULES entry, not code."""

    key: str = ""
    by: str = ""
    rule_literal: str = ""  # FieldRule(...) expression, "" for rename/transform rows
    macro: ClassVar[str] = ""


@dataclass(frozen=True, slots=True)
class ValueMap:
    const: str
    table: str
    mapping: dict[Any, Any]
    coerced: dict[Any, str]  # source value -> why the target cannot tell it apart


@dataclass(frozen=True, slots=True)
class Coverage:
    total: int
    mapped: int
    dropped: int
    refused: int
    uncovered: tuple[str, ...]

    @property
    def percent(self) -> str:
        done = self.total - len(self.uncovered)
        return f"{100 * done / self.total:.1f}" if self.total else "100.0"


@dataclass(frozen=True, slots=True)
class Import:
    module: str
    name: str
    alias: str


@dataclass
class Table:
    path: str
    stem: str  # e.g. chat__anthropic_request
    source: str
    target: str
    kind: str
    function: str
    summary: str
    sha256: str
    source_sha: str
    target_sha: str
    known_fields: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    value_maps: list[ValueMap] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    coverage: Coverage | None = None

    @property
    def source_format(self) -> str:
        return self.source.split(".")[0]

    @property
    def target_format(self) -> str:
        return self.target.split(".")[0]

    @property
    def examples(self) -> dict[str, Case]:
        """Each example once (first citing row's case), for rendering data a single time."""
        first: dict[str, Case] = {}
        for case in self.cases:
            first.setdefault(case.example, case)
        return first

    @property
    def code_rows(self) -> list[Row]:
        return [r for r in self.rows if not isinstance(r, NestedRow)]

    @property
    def rule_rows(self) -> list[NestedRow]:
        return [r for r in self.rows if isinstance(r, NestedRow) and r.rule_literal]
