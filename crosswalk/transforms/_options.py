"""Caller-chosen knobs that change a conversion's output."""

from __future__ import annotations

from dataclasses import dataclass

from crosswalk.transforms._policy import ModelPolicy


@dataclass(frozen=True, slots=True)
class Options:
    """Options for one conversion.

    `default_max_tokens`: Anthropic requires `max_tokens`; used when the source has none.
    `policy`: the per-model table (mappings/models.yaml); None means the compiled default,
    which `crosswalk.convert` fills in (transforms never import generated code).
    """

    strict: bool = False
    default_max_tokens: int = 4096
    policy: ModelPolicy | None = None
