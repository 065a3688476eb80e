"""The transform registry: the names tables may call, with what each reads and writes.

Codegen imports this registry (never the reverse) to check that every `transform:` in a
table exists, that its pointers agree with the row, and that every nested rule it says it
applies has a row in the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class TransformSpec:
    name: str
    module: str
    function: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    handles: tuple[str, ...]
    doc: str


REGISTRY: dict[str, TransformSpec] = {}


def transform(
    name: str,
    *,
    source: str | tuple[str, ...],
    target: str | tuple[str, ...],
    reads: tuple[str, ...],
    writes: tuple[str, ...],
    handles: tuple[str, ...] = (),
) -> Callable[[F], F]:
    """Register `fn` under `name` (`<topic>.<source>_to_<target>`).

    `source` or `target` may name several schemas: one rule for every direction whose
    schemas share the shape it reads and writes (Chat and Responses share their error
    body and sampling fields), so the rule is written once, as the tables say.

    `reads`/`writes` are JSON Pointers into the source/target schemas (instance pointers
    from the root, `*` for array items). `handles` lists the nested row keys (`Def/prop`
    or `Def`) whose drop/refuse/enum/clamp rules the function applies through `Context`.
    """

    def register(fn: F) -> F:
        if name in REGISTRY:
            raise ValueError(f"transform {name!r} registered twice")
        topic, _, fname = name.partition(".")
        if fn.__name__ != fname or not fn.__module__.endswith(f".{topic}"):
            raise ValueError(f"transform {name!r} must be {topic}.py:{fname}()")
        REGISTRY[name] = TransformSpec(
            name=name,
            module=fn.__module__,
            function=fn.__name__,
            sources=(source,) if isinstance(source, str) else source,
            targets=(target,) if isinstance(target, str) else target,
            reads=reads,
            writes=writes,
            handles=handles,
            doc=(fn.__doc__ or "").strip(),
        )
        return fn

    return register
