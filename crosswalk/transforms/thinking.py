"""Output limits and reasoning: Chat's max tokens + reasoning_effort <-> Anthropic's
max_tokens + thinking + output_config.effort.

They interact, so each direction is one transform: Anthropic requires `max_tokens`, a
thinking budget must stay below it, and the per-model policy (mappings/models.yaml, via
`ctx.policy`) decides whether a family takes adaptive thinking with an effort, a token
budget, or no thinking at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._policy import ModelRule
from crosswalk.transforms._registry import transform

# Reasons for losses on top-level fields this module reads (nested rows carry their own).
_FAMILY_CANNOT_THINK = "the model family takes no thinking (mappings/models.yaml: thinking none)"
_BUDGET_DOES_NOT_FIT = "max_tokens leaves no room for the family's minimum thinking budget"
_BUDGET_REDUCED = "thinking budget reduced to stay below max_tokens"
_ABOVE_FAMILY_MAX = "above the model family's max_output_tokens"
_THINKING_CONFLICT = (
    "Anthropic rejects thinking together with {what}; the explicit setting was kept"
)
_EFFORT_WITHOUT_THINKING = (
    "thinking is disabled: Chat has no way to tune output effort without reasoning"
)
# Anthropic's documented default effort when `output_config.effort` is absent.
ANTHROPIC_DEFAULT_EFFORT = "high"
ThinkingOut = tuple[int, dict[str, Any] | None, str | None]


def _requested_max_tokens(
    max_completion_tokens: int | None, max_tokens: int | None, ctx: Context
) -> int | None:
    """The client's output limit: `max_completion_tokens` wins, `max_tokens` is superseded.

    Example: (100, 200) -> 100, with `/max_tokens` reported dropped.
    """
    if max_completion_tokens is not None:
        if max_tokens is not None:
            ctx.dropped("/max_tokens", "superseded by /max_completion_tokens")
        return max_completion_tokens
    return max_tokens


def thinking_conflict(ctx: Context) -> str | None:
    """What already in the target forbids thinking (Anthropic: temperature must be 1, top_p
    at least 0.95, and tool_choice may not force a tool), or None.

    Example: ctx.out == {"temperature": 0.2} -> "temperature 0.2".
    """
    out = ctx.out
    temperature = out.get("temperature")
    if temperature is not None and temperature != 1:
        return f"temperature {temperature}"
    top_p = out.get("top_p")
    if top_p is not None and top_p < 0.95:
        return f"top_p {top_p}"
    choice = out.get("tool_choice")
    if isinstance(choice, Mapping) and choice.get("type") in ("any", "tool"):
        return f"tool_choice {choice['type']}"
    return None


def budget_thinking(
    rule: ModelRule,
    effort: str,
    max_tokens: int,
    defaulted: bool,
    ctx: Context,
    pointer: str = "/reasoning_effort",
) -> tuple[int, dict[str, Any] | None]:
    """`thinking: enabled` with the family's budget for `effort`, always below max_tokens.

    A defaulted max_tokens grows to budget + default (capped at the family max); an
    explicit one is kept and the budget shrinks to fit (`coerced`), or thinking is dropped
    when not even the minimum budget fits. Example: effort high, max_tokens defaulted 4096
    -> (20480, {"type": "enabled", "budget_tokens": 16384}).
    """
    budget = rule.budget[effort]
    if defaulted:
        max_tokens = min(budget + ctx.options.default_max_tokens, rule.max_output_tokens)
    if max_tokens <= rule.min_budget:
        ctx.dropped(pointer, _BUDGET_DOES_NOT_FIT)
        return max_tokens, None
    if budget >= max_tokens:
        budget = max_tokens - 1
        ctx.coerced(pointer, _BUDGET_REDUCED)
    return max_tokens, {"type": "enabled", "budget_tokens": budget}


THINKING_BLOCKS = frozenset({"thinking", "redacted_thinking"})
TOOL_LOOP_WITHOUT_THINKING = (
    "the conversation continues a tool call whose turn has no thinking block Anthropic can "
    "verify (its reasoning was not Anthropic's, or Chat carried none), and Anthropic rejects budget thinking then"
)


def tool_loop_without_thinking(messages: list[Mapping[str, Any]]) -> bool:
    """Whether the request continues a tool call (its last turn carries tool results)
    whose assistant turn does not start with thinking.

    Why: with budget thinking on, Anthropic requires that turn to start with a thinking
    block ("a final assistant message must start with a thinking block"); when the
    client's reasoning could not be replayed (OpenAI's, or Chat's, which has no signature),
    thinking must stay off.
    Adaptive thinking may skip thinking on a turn, so a turn without it is valid there.

    >>> tool_loop_without_thinking([
    ...     {"role": "assistant", "content": [{"type": "tool_use", "id": "t", "name": "f", "input": {}}]},
    ...     {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t"}]}])
    True
    """
    if len(messages) < 2:
        return False
    last, turn = messages[-1], messages[-2]
    if last["role"] != "user" or turn["role"] != "assistant" or isinstance(last["content"], str):
        return False
    if not any(block["type"] == "tool_result" for block in last["content"]):
        return False
    content = turn["content"]
    return isinstance(content, str) or content[0]["type"] not in THINKING_BLOCKS


def family_max_tokens(rule: ModelRule, requested: int | None, ctx: Context, pointer: str) -> int:
    """Anthropic's required `max_tokens`: the request's, else the configured default, never
    above the model family's `max_output_tokens` (a larger request is `coerced` at `pointer`).
    """
    if requested is None:
        return min(ctx.options.default_max_tokens, rule.max_output_tokens)
    if requested > rule.max_output_tokens:
        ctx.coerced(pointer, f"{requested} {_ABOVE_FAMILY_MAX} ({rule.max_output_tokens})")
        return rule.max_output_tokens
    return requested


@transform(
    "thinking.chat_to_anthropic",
    source="chat.request",
    target="anthropic.request",
    reads=("/max_completion_tokens", "/max_tokens", "/reasoning_effort", "/model"),
    writes=("/max_tokens", "/thinking", "/output_config/effort"),
)
def chat_to_anthropic(
    max_completion_tokens: int | None,
    max_tokens: int | None,
    reasoning_effort: str | None,
    ctx: Context,
) -> ThinkingOut:
    """max tokens + reasoning_effort -> (max_tokens, thinking, output_config.effort).

    Why one function: the budget must fit under max_tokens and the model family decides
    the thinking style. max_tokens defaults to `ctx.options.default_max_tokens` and never
    exceeds the family's `max_output_tokens` (a larger request is `coerced`). Effort
    `none` (or absent) means no thinking; a family without thinking, a budget that cannot
    fit, or a setting Anthropic rejects alongside thinking (temperature != 1, top_p < 0.95,
    forced tool_choice: those rows run first), or a budget family continuing a tool call
    (see `tool_loop_without_thinking`) drop `/reasoning_effort`.
    Example: model claude-opus-4-8, reasoning_effort high ->
    (4096, {"type": "adaptive"}, "high").
    """
    rule = ctx.policy.lookup(str(ctx.src.get("model", "")))
    requested = _requested_max_tokens(max_completion_tokens, max_tokens, ctx)
    defaulted = requested is None
    pointer = "/max_completion_tokens" if max_completion_tokens is not None else "/max_tokens"
    limit = family_max_tokens(rule, requested, ctx, pointer)
    if reasoning_effort is None or reasoning_effort == "none":
        return limit, None, None
    if rule.thinking == "none":
        ctx.dropped("/reasoning_effort", _FAMILY_CANNOT_THINK)
        return limit, None, None
    conflict = thinking_conflict(ctx)
    if conflict is not None:
        ctx.dropped("/reasoning_effort", _THINKING_CONFLICT.format(what=conflict))
        return limit, None, None
    if rule.thinking == "adaptive":
        return (
            limit,
            {"type": "adaptive"},
            rule.effort.get(reasoning_effort, ANTHROPIC_DEFAULT_EFFORT),
        )
    if tool_loop_without_thinking(ctx.out.get("messages") or []):
        ctx.dropped("/reasoning_effort", TOOL_LOOP_WITHOUT_THINKING)
        return limit, None, None
    limit, thinking = budget_thinking(rule, reasoning_effort, limit, defaulted, ctx)
    return limit, thinking, None


def nearest_effort(budget_table: Mapping[str, int], budget: int) -> str | None:
    """Invert a budget table: the effort whose budget is nearest (ties: the smaller effort).

    Example: {"low": 2048, "high": 16384}, 31999 -> "high".
    """
    if not budget_table:
        return None
    return min(
        budget_table, key=lambda effort: (abs(budget_table[effort] - budget), budget_table[effort])
    )


def budget_table(model: str, ctx: Context) -> Mapping[str, int]:
    """The budget table for `model`; families without one use the catch-all family's."""
    rule = ctx.policy.lookup(model)
    return rule.budget or ctx.policy.rules[-1].budget


@transform(
    "thinking.anthropic_to_chat",
    source="anthropic.request",
    target="chat.request",
    reads=("/thinking", "/output_config/effort", "/model"),
    writes=("/reasoning_effort",),
    handles=(
        "BetaThinkingConfigAdaptiveParam/display",
        "BetaThinkingConfigAdaptiveParam/block_binding",
        "BetaThinkingConfigEnabledParam/display",
        "BetaThinkingConfigEnabledParam/block_binding",
        "BetaThinkingConfigBetweenToolsParam",
    ),
)
def anthropic_to_chat(
    thinking: Mapping[str, Any] | None, effort: str | None, ctx: Context
) -> str | None:
    """thinking + output_config.effort -> reasoning_effort.

    Adaptive: the explicit effort, else Anthropic's default (high). Enabled: the explicit
    effort if given, else the effort whose budget (the model family's table in
    mappings/models.yaml, inverted) is nearest to `budget_tokens`. Disabled or absent
    thinking: no reasoning_effort (an explicit effort is reported dropped, as Chat cannot
    tune effort without reasoning). `display`, `block_binding` and between-tools thinking
    follow their table rows. Example: {"type": "enabled", "budget_tokens": 31999} on
    claude-sonnet-4-5 -> "max".
    """
    kind = thinking.get("type") if thinking is not None else None
    if kind in ("adaptive", "enabled"):
        assert thinking is not None
        prefix = (
            "BetaThinkingConfigAdaptiveParam"
            if kind == "adaptive"
            else "BetaThinkingConfigEnabledParam"
        )
        apply_drops(ctx, prefix, thinking, ("display", "block_binding"), "/thinking")
        if effort is not None:
            return effort
        if kind == "adaptive":
            return ANTHROPIC_DEFAULT_EFFORT
        return nearest_effort(
            budget_table(str(ctx.src.get("model", "")), ctx), int(thinking["budget_tokens"])
        )
    if kind == "between_tools":
        ctx.apply_drop("BetaThinkingConfigBetweenToolsParam", "/thinking", thinking)
    if effort is not None:
        ctx.dropped("/output_config/effort", _EFFORT_WITHOUT_THINKING)
    return None
