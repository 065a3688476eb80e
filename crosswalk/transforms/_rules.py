"""Nested row rules, as the generated converters hand them to transforms.

A transform row in a table owns a subtree (all of `/messages`, say); the fates of the
fields inside that subtree are still table rows, keyed `Def/prop` (or `Def` for a whole
object). The generated module turns those rows into `FieldRule`s and the transform
applies them through `Context`, so a drop's reason lives in the table, never in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

RuleKind = Literal["drop", "refuse", "enum", "clamp", "mapped"]


@dataclass(frozen=True, slots=True)
class FieldRule:
    """One nested row, reduced to what the runtime needs."""

    rule: RuleKind
    why: str = ""
    neutral: tuple[Any, ...] = ()
    mapping: Mapping[Any, Any] = field(default_factory=dict)
    # enum rows: source values the target cannot tell apart, and why (a loss entry)
    coerced: Mapping[Any, str] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    inert: bool = False  # drop rows: reported, but not a loss strict mode refuses
