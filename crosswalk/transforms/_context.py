"""The conversion context: options, the loss report, and the table's nested rules.

One `Context` is made per conversion. Transforms receive it instead of globals so that
they stay pure: everything they may consult (the whole source, the target built so far,
the caller's options) and everything they may report goes through here.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from crosswalk.errors import RefusedError
from crosswalk.loss import LossReport
from crosswalk.transforms._options import Options
from crosswalk.transforms._policy import ModelPolicy
from crosswalk.transforms._rules import FieldRule


class Context:
    """Per-conversion state shared by the generated converter and its transforms."""

    __slots__ = ("loss", "options", "out", "policy", "rules", "src")

    def __init__(
        self,
        src: Mapping[str, Any],
        rules: Mapping[str, FieldRule],
        options: Options | None = None,
    ) -> None:
        self.src = src
        self.rules = rules
        self.options = options or Options()
        if self.options.policy is None:
            raise ValueError(
                "Context needs options.policy (crosswalk.convert supplies the default)"
            )
        self.policy: ModelPolicy = self.options.policy
        self.loss = LossReport(strict=self.options.strict)
        self.out: dict[str, Any] = {}

    def now(self) -> int:
        """The Unix time for `created`/`created_at` fields the source cannot supply."""
        fixed = self.options.now
        return int(time.time()) if fixed is None else fixed

    # -- reporting ---------------------------------------------------------------

    def dropped(self, pointer: str, reason: str, *, inert: bool = False) -> None:
        self.loss.dropped(pointer, reason, inert=inert)

    def coerced(self, pointer: str, reason: str) -> None:
        self.loss.coerced(pointer, reason)

    def refuse(self, pointer: str, message: str) -> NoReturn:
        raise RefusedError(pointer, message)

    # -- top-level row helpers (arguments inlined by the generator) ---------------

    def clamp(self, value: float, lo: float, hi: float, pointer: str) -> float:
        """Clamp into [lo, hi]; a changed value is a `coerced` loss."""
        clamped = min(max(value, lo), hi)
        if clamped != value:
            self.coerced(pointer, f"{value} clamped to {clamped} (target range {lo}..{hi})")
        return clamped

    def discard(
        self, pointer: str, value: Any, neutral: tuple[Any, ...], why: str, *, inert: bool = False
    ) -> None:
        """A drop row: values the target treats as its default are not a loss."""
        if value not in neutral:
            self.dropped(pointer, why, inert=inert)

    def lookup(self, mapping: Mapping[Any, Any], value: Any, pointer: str) -> Any:
        """An enum row: translate through a value table; no counterpart is a refusal."""
        try:
            return mapping[value]
        except (KeyError, TypeError):
            self.refuse(pointer, f"value {value!r} has no counterpart in the target")

    def unknown_fields(self, src: Mapping[str, Any], known: frozenset[str], schema_id: str) -> None:
        """Report top-level keys the source schema does not define (newer than our SDK pin)."""
        for key in src.keys() - known:
            escaped = key.replace("~", "~0").replace("/", "~1")
            self.dropped(f"/{escaped}", f"not a field of {schema_id}: no row maps it")

    # -- nested rows (keyed `Def/prop`, applied by transforms) -------------------

    def rule(self, key: str) -> FieldRule:
        return self.rules[key]

    def apply_drop(self, key: str, pointer: str, value: Any) -> None:
        """Apply the table's drop or refuse row `key` to a value found at `pointer`."""
        rule = self.rules[key]
        if value in rule.neutral:
            return
        if rule.rule == "refuse":
            self.refuse(pointer, rule.why)
        self.dropped(pointer, rule.why, inert=rule.inert)

    def map_enum(self, key: str, value: Any, pointer: str) -> Any:
        """Translate through the value table bound to row `key`; unknown values are
        refused, and values the target cannot tell apart are reported coerced, with the
        table's reason."""
        rule = self.rules[key]
        mapped = self.lookup(rule.mapping, value, pointer)
        if (why := rule.coerced.get(value)) is not None:
            self.coerced(pointer, why)
        return mapped

    def clamp_field(self, key: str, value: float, pointer: str) -> float:
        rule = self.rules[key]
        lo = rule.minimum if rule.minimum is not None else value
        hi = rule.maximum if rule.maximum is not None else value
        return self.clamp(value, lo, hi, pointer)


def apply_drops(
    ctx: Context, definition: str, obj: Mapping[str, Any], keys: Iterable[str], pointer: str
) -> None:
    """`ctx.apply_drop` for each of `keys` that `obj` (a `definition` at `pointer`) sets:
    the fields a transform handles by dropping them, each by its own row. (A function,
    not a method: it touches `ctx` only when there is something to drop.)"""
    for key in keys:
        if (value := obj.get(key)) is not None:
            ctx.apply_drop(f"{definition}/{key}", f"{pointer}/{key}", value)
