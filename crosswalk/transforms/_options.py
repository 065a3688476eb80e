"""Caller-chosen knobs that change a conversion's output."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from crosswalk.transforms._policy import ModelPolicy


@dataclass(frozen=True, slots=True)
class Options:
    """Options for one conversion.

    `default_max_tokens`: Anthropic requires `max_tokens`; used when the source has none.
    `policy`: the per-model table (mappings/models.yaml); None means the compiled default,
    which `crosswalk.convert` fills in (transforms never import generated code).
    `custom_tools`: names of the tools the *client* declared as custom (free-form input,
    OpenAI `custom` tools). Anthropic has only JSON tools, so a custom tool travels there
    as a function taking `{"input": string}`; when the reply comes back, these names say
    which `tool_use` blocks to turn back into custom tool calls. The request is the only
    place that knowledge lives, so the caller carries it from the request conversion to
    the response conversion (`crosswalk.convert.custom_tool_names`); nothing is stored.
    `now`: the Unix time written into `created`/`created_at` when the source has none
    (Anthropic messages carry no timestamp); None means the current time. Fixed in tests.
    """

    strict: bool = False
    default_max_tokens: int = 4096
    policy: ModelPolicy | None = None
    custom_tools: frozenset[str] = field(default_factory=frozenset)
    now: int | None = None

    def __post_init__(self) -> None:
        # Accept any iterable of names (a list from YAML or JSON) and store it hashable.
        if not isinstance(self.custom_tools, frozenset):
            names: Iterable[str] = self.custom_tools
            object.__setattr__(self, "custom_tools", frozenset(names))
