"""Loss entries: what a conversion dropped or changed, by JSON Pointer.

Every converter records into a `LossReport` instead of deciding locally whether loss is
acceptable; the caller's policy (lenient or strict) decides once, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from crosswalk.errors import LossError

LossKind = Literal["dropped", "coerced"]


@dataclass(frozen=True, slots=True)
class LossEntry:
    """One field of the source that did not arrive unchanged in the target."""

    kind: LossKind
    pointer: str
    reason: str
    # Inert: the target has no place for the value and has no use for it either (an id it
    # makes itself, a timestamp): reported, but not a loss strict mode refuses.
    inert: bool = False

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "pointer": self.pointer, "reason": self.reason}


@dataclass(slots=True)
class LossReport:
    """Collects entries; in strict mode the first entry raises instead.

    Raising at the first loss (rather than after the whole conversion) keeps strict mode
    cheap and makes the error name the earliest offending field.
    """

    strict: bool = False
    entries: list[LossEntry] = field(default_factory=list)

    def dropped(self, pointer: str, reason: str, *, inert: bool = False) -> None:
        self._add(LossEntry("dropped", pointer, reason, inert))

    def coerced(self, pointer: str, reason: str) -> None:
        self._add(LossEntry("coerced", pointer, reason))

    def _add(self, entry: LossEntry) -> None:
        if self.strict and not entry.inert:
            raise LossError(entry.pointer, f"{entry.kind} in strict mode: {entry.reason}")
        self.entries.append(entry)

    def to_json(self) -> list[dict[str, str]]:
        return [e.to_json() for e in self.entries]
