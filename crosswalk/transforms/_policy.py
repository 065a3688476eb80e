"""Per-model policy: how a model family takes thinking, effort and output limits.

The data is `mappings/models.yaml`, compiled into `crosswalk.generated.policy`; this
module only defines its shape and the lookup, so transforms stay free of model names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Literal

ThinkingStyle = Literal["adaptive", "budget", "none"]


@dataclass(frozen=True, slots=True)
class ModelRule:
    """One family. `effort` maps an OpenAI reasoning effort to Anthropic `output_config.effort`
    (adaptive families); `budget` maps it to `thinking.budget_tokens` (budget families).

    `sampling_rejects` names the sampling parameters the family refuses outright;
    `sampling_exclusive` those it takes only one at a time (the first set one wins).
    `web_search_tool` is the web search server-tool version the family takes.
    """

    name: str
    match: tuple[str, ...]
    thinking: ThinkingStyle
    effort: Mapping[str, str] = field(default_factory=dict)
    budget: Mapping[str, int] = field(default_factory=dict)
    min_budget: int = 1024
    max_output_tokens: int = 4096
    sampling_rejects: tuple[str, ...] = ()
    sampling_exclusive: tuple[str, ...] = ()
    web_search_tool: str = "web_search_20250305"

    def matches(self, model: str) -> bool:
        return any(fnmatchcase(model, pattern) for pattern in self.match)


@dataclass(frozen=True, slots=True)
class ModelPolicy:
    """Ordered rules; the first match wins and the last rule should match `*`.

    Lookups are memoised per model name: a process sees few distinct models, and pattern
    matching on every conversion showed up in profiles.
    """

    rules: tuple[ModelRule, ...]
    _memo: dict[str, ModelRule] = field(default_factory=dict, compare=False, repr=False)

    def lookup(self, model: str) -> ModelRule:
        found = self._memo.get(model)
        if found is None:
            found = next((rule for rule in self.rules if rule.matches(model)), self.rules[-1])
            if len(self._memo) < 1024:
                self._memo[model] = found
        return found
