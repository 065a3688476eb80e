"""Request-level settings, both directions: Responses `model` / `max_output_tokens` /
`reasoning` / `text.format` / `safety_identifier` <-> Anthropic `model` / `max_tokens` /
`thinking` / `output_config` (effort, format) / `metadata.user_id`.

They follow the per-model policy (mappings/models.yaml, via `ctx.policy`) that the Chat
direction uses, with its helpers (thinking.py): the family decides adaptive thinking with
an effort, a token budget kept below `max_tokens`, or no thinking at all; Anthropic
rejects thinking beside a temperature other than 1, a top_p below 0.95 or a forced tool.
Reasoning summaries map to the thinking `display` through the `reasoning_summary` value
table; the reverse asks OpenAI for encrypted reasoning, which is what lets a thinking
block round-trip through a Responses client (signatures.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform
from crosswalk.transforms.output_format import ANTHROPIC_FORMAT_NAME
from crosswalk.transforms.thinking import (
    ANTHROPIC_DEFAULT_EFFORT,
    TOOL_LOOP_WITHOUT_THINKING,
    budget_table,
    budget_thinking,
    family_max_tokens,
    nearest_effort,
    thinking_conflict,
    tool_loop_without_thinking,
)

# OpenAI: safety_identifier is "a string that uniquely identifies each user, with a maximum
# length of 64 characters. We recommend hashing their username or email address".
SAFETY_IDENTIFIER_MAX = 64
# OpenAI's documented reasoning effort when `reasoning.effort` is absent (reasoning models).
OPENAI_DEFAULT_EFFORT = "medium"
# What a Responses request includes to get reasoning back in `encrypted_content`.
ENCRYPTED_REASONING = "reasoning.encrypted_content"
# The `display` that asks Anthropic for no thinking text: OpenAI's default (no summary).
DISPLAY_OMITTED = "omitted"

# Reasons for losses on top-level fields this module reads (nested rows carry their own).
_NO_MODEL = "Anthropic needs a model; the request names none"
_FAMILY_CANNOT_THINK = "the model family takes no thinking (mappings/models.yaml: thinking none)"
_THINKING_CONFLICT = (
    "Anthropic rejects thinking together with {what}; the explicit setting was kept"
)
_EFFORT_WITHOUT_THINKING = (
    "thinking is disabled: Responses tunes effort only for reasoning, which it would switch on"
)

ThinkingOut = tuple[int, dict[str, Any] | None, str | None]


# ================================================================================
# responses -> anthropic
# ================================================================================


@transform(
    "reasoning.model_responses_to_anthropic",
    source="responses.request",
    target="anthropic.request",
    reads=("/model",),
    writes=("/model",),
)
def model_responses_to_anthropic(model: str | None, ctx: Context) -> str:
    """`model` as is; Anthropic requires one (Responses lets a stored prompt supply it).

    Example: "claude-opus-4-8" -> "claude-opus-4-8"; None is refused at /model.
    """
    if model is None:
        ctx.refuse("/model", _NO_MODEL)
    return model


def _summary(reasoning: Mapping[str, Any], ctx: Context) -> tuple[str | None, str]:
    """The requested summary and the pointer it came from (`generate_summary` is its
    deprecated name; `summary` wins when both are given)."""
    summary = reasoning.get("summary")
    legacy = reasoning.get("generate_summary")
    if legacy is None:
        return summary, "/reasoning/summary"
    if summary is not None:
        ctx.dropped("/reasoning/generate_summary", "superseded by /reasoning/summary")
        return summary, "/reasoning/summary"
    return legacy, "/reasoning/generate_summary"


@transform(
    "reasoning.responses_to_anthropic",
    source="responses.request",
    target="anthropic.request",
    reads=("/max_output_tokens", "/reasoning", "/model"),
    writes=("/max_tokens", "/thinking", "/output_config/effort"),
    handles=(
        "ReasoningReasoning/summary",
        "ReasoningReasoning/generate_summary",
        "ReasoningReasoning/context",
        "ReasoningReasoning/mode",
    ),
)
def responses_to_anthropic(
    max_output_tokens: int | None, reasoning: Mapping[str, Any] | None, ctx: Context
) -> ThinkingOut:
    """max_output_tokens + reasoning -> (max_tokens, thinking, output_config.effort).

    Why one function: the budget must fit under max_tokens and the model family decides
    the thinking style. max_tokens defaults to `ctx.options.default_max_tokens`, never
    above the family's maximum (coerced). An effort (OpenAI's default, medium, when only
    a summary is asked for) turns thinking on unless it is `none`, the family cannot
    think, a setting Anthropic rejects alongside thinking was kept (those rows run
    first), or (budget thinking) the request continues a tool call whose turn has no
    thinking Anthropic can verify: then the effort is dropped. A summary asks for
    summarized thinking (`display`).
    Example: claude-opus-4-8, {"effort": "high", "summary": "auto"} ->
    (4096, {"type": "adaptive", "display": "summarized"}, "high").
    """
    rule = ctx.policy.lookup(str(ctx.src.get("model", "")))
    defaulted = max_output_tokens is None
    limit = family_max_tokens(rule, max_output_tokens, ctx, "/max_output_tokens")
    reasoning = reasoning or {}
    apply_drops(ctx, "ReasoningReasoning", reasoning, ("context", "mode"), "/reasoning")
    summary, summary_at = _summary(reasoning, ctx)
    effort, effort_at = reasoning.get("effort"), "/reasoning/effort"
    if effort is None and summary is not None:
        effort, effort_at = OPENAI_DEFAULT_EFFORT, summary_at
    if effort is None or effort == "none":
        return limit, None, None
    if rule.thinking == "none":
        ctx.dropped(effort_at, _FAMILY_CANNOT_THINK)
        return limit, None, None
    conflict = thinking_conflict(ctx)
    if conflict is not None:
        ctx.dropped(effort_at, _THINKING_CONFLICT.format(what=conflict))
        return limit, None, None
    if rule.thinking == "budget" and tool_loop_without_thinking(ctx.out.get("messages") or []):
        ctx.dropped(effort_at, TOOL_LOOP_WITHOUT_THINKING)
        return limit, None, None
    thinking: dict[str, Any] | None
    output_effort = None
    if rule.thinking == "adaptive":
        thinking = {"type": "adaptive"}
        output_effort = rule.effort.get(effort, ANTHROPIC_DEFAULT_EFFORT)
    else:
        limit, thinking = budget_thinking(rule, effort, limit, defaulted, ctx, effort_at)
    if thinking is not None and summary is not None:
        key = "ReasoningReasoning/" + summary_at.rsplit("/", 1)[1]
        thinking["display"] = ctx.map_enum(key, summary, summary_at)
    return limit, thinking, output_effort


@transform(
    "reasoning.format_responses_to_anthropic",
    source="responses.request",
    target="anthropic.request",
    reads=("/text/format",),
    writes=("/output_config/format",),
    handles=(
        "ResponseFormatText",
        "ResponseFormatJSONObject",
        "ResponseFormatTextJSONSchemaConfigParam/name",
        "ResponseFormatTextJSONSchemaConfigParam/description",
        "ResponseFormatTextJSONSchemaConfigParam/strict",
    ),
)
def format_responses_to_anthropic(
    text_format: Mapping[str, Any], ctx: Context
) -> dict[str, Any] | None:
    """`text.format` -> `output_config.format`.

    json_schema -> {"type": "json_schema", "schema": <same object>}; its name,
    description and strict follow their rows (strict is neutral: Anthropic always
    enforces). text is neutral; json_object has no Anthropic counterpart (its row).
    Example: {"type": "json_schema", "name": "output", "schema": S} ->
    {"type": "json_schema", "schema": S}.
    """
    kind = text_format["type"]
    if kind == "text":
        ctx.apply_drop("ResponseFormatText", "/text/format", text_format)
        return None
    if kind == "json_object":
        ctx.apply_drop("ResponseFormatJSONObject", "/text/format", text_format)
        return None
    for key in ("name", "description", "strict"):
        if (value := text_format.get(key)) is not None:
            ctx.apply_drop(
                f"ResponseFormatTextJSONSchemaConfigParam/{key}", f"/text/format/{key}", value
            )
    return {"type": "json_schema", "schema": text_format["schema"]}


# ================================================================================
# anthropic -> responses
# ================================================================================


@transform(
    "reasoning.end_user_anthropic_to_responses",
    source="anthropic.request",
    target="responses.request",
    reads=("/metadata/user_id",),
    writes=("/safety_identifier",),
)
def end_user_anthropic_to_responses(user_id: str, ctx: Context) -> str:
    """Anthropic's end-user id -> `safety_identifier`, hashed when longer than OpenAI takes.

    Why: Anthropic takes ids up to 256 characters (Claude Code sends a JSON object of
    device, account and session ids), OpenAI up to 64; a SHA-256 hex digest is exactly 64
    characters and stays stable per user, which is what the field is for (`coerced`).
    Example: "user-123" -> "user-123".
    """
    if len(user_id) <= SAFETY_IDENTIFIER_MAX:
        return user_id
    ctx.coerced(
        "/metadata/user_id",
        f"longer than OpenAI's {SAFETY_IDENTIFIER_MAX} characters: sent as its SHA-256 hex digest",
    )
    return hashlib.sha256(user_id.encode()).hexdigest()


_THINKING_DEFS: Mapping[str, str] = {
    "adaptive": "BetaThinkingConfigAdaptiveParam",
    "enabled": "BetaThinkingConfigEnabledParam",
}


@transform(
    "reasoning.anthropic_to_responses",
    source="anthropic.request",
    target="responses.request",
    reads=("/thinking", "/output_config/effort", "/model"),
    writes=("/reasoning", "/include"),
    handles=(
        "BetaThinkingConfigAdaptiveParam/display",
        "BetaThinkingConfigAdaptiveParam/block_binding",
        "BetaThinkingConfigEnabledParam/display",
        "BetaThinkingConfigEnabledParam/block_binding",
        "BetaThinkingConfigBetweenToolsParam",
    ),
)
def anthropic_to_responses(
    thinking: Mapping[str, Any] | None, effort: str | None, ctx: Context
) -> tuple[dict[str, Any] | None, list[str] | None]:
    """thinking + output_config.effort -> (reasoning, include).

    Adaptive: the explicit effort, else Anthropic's default (high). Enabled: the explicit
    effort, else the effort whose budget (the family's table, inverted) is nearest to
    `budget_tokens`. `display` summarized asks for a summary; omitted is OpenAI's default.
    Thinking asks for `reasoning.encrypted_content`: it is what comes back as the
    signature of the thinking blocks the client replays. Disabled or absent thinking
    sends no reasoning (an explicit effort is dropped). Example: {"type": "adaptive",
    "display": "summarized"}, "low" -> ({"effort": "low", "summary": "auto"},
    ["reasoning.encrypted_content"]).
    """
    kind = thinking.get("type") if thinking is not None else None
    definition = _THINKING_DEFS.get(str(kind))
    if thinking is not None and definition is not None:
        block_binding = thinking.get("block_binding")
        if block_binding is not None:
            ctx.apply_drop(f"{definition}/block_binding", "/thinking/block_binding", block_binding)
        if effort is None and kind == "adaptive":
            effort = ANTHROPIC_DEFAULT_EFFORT
        elif effort is None:
            budgets = budget_table(str(ctx.src.get("model", "")), ctx)
            effort = (
                nearest_effort(budgets, int(thinking["budget_tokens"])) or OPENAI_DEFAULT_EFFORT
            )
        reasoning: dict[str, Any] = {"effort": effort}
        display = thinking.get("display")
        if display is not None and display != DISPLAY_OMITTED:
            reasoning["summary"] = ctx.map_enum(
                f"{definition}/display", display, "/thinking/display"
            )
        return reasoning, [ENCRYPTED_REASONING]
    if thinking is not None and kind == "between_tools":
        ctx.apply_drop("BetaThinkingConfigBetweenToolsParam", "/thinking", thinking)
    if effort is not None:
        ctx.dropped("/output_config/effort", _EFFORT_WITHOUT_THINKING)
    return None, None


@transform(
    "reasoning.format_anthropic_to_responses",
    source="anthropic.request",
    target="responses.request",
    reads=("/output_config/format",),
    writes=("/text/format",),
)
def format_anthropic_to_responses(output_format: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    """`output_config.format` -> `text.format` json_schema, named "output", strict.

    Why strict: Anthropic always enforces the schema; OpenAI does only when strict.
    Reports nothing. Example: {"type": "json_schema", "schema": S} -> {"type":
    "json_schema", "name": "output", "schema": S, "strict": True}.
    """
    return {
        "type": "json_schema",
        "name": ANTHROPIC_FORMAT_NAME,
        "schema": output_format["schema"],
        "strict": True,
    }
