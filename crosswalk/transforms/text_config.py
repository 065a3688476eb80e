"""Request parameters whose shape differs between Chat Completions and Responses.

Chat keeps output settings flat (`response_format`, `verbosity`, `reasoning_effort`,
`logprobs`, `max_completion_tokens`); Responses nests them (`text.format`,
`text.verbosity`, `reasoning.effort`, `include`, `max_output_tokens`). Renames that need
no code are plain table rows; this module holds the conversions that change a value's
shape or need a rule the APIs impose (the Responses output floor of 16 tokens, Chat's
usage-in-stream opt-in, the single `include` value that means log probabilities).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crosswalk.transforms._context import Context
from crosswalk.transforms._registry import transform

# OpenAI rejects `max_output_tokens` below 16 ("integer below minimum value"); Chat's
# `max_completion_tokens` takes any positive value.
RESPONSES_MIN_OUTPUT_TOKENS = 16
# The `include` value that asks Responses for token log probabilities (Chat: logprobs).
LOGPROBS_INCLUDE = "message.output_text.logprobs"
# Why each other `include` value cannot reach Chat, by value.
_INCLUDE_DROPPED: Mapping[str, str] = {
    "reasoning.encrypted_content": (
        "Chat returns no encrypted reasoning, so the reply's reasoning cannot be replayed next turn"
    ),
    "message.input_image.image_url": "Chat does not echo input items back",
    "computer_call_output.output.image_url": "Chat has no computer use tool",
    "file_search_call.results": "Chat has no file search tool",
    "web_search_call.results": "Chat reports no web search call items (only url_citation annotations)",
    "web_search_call.action.sources": (
        "Chat reports no web search call items (only url_citation annotations)"
    ),
    "code_interpreter_call.outputs": "Chat has no code interpreter tool",
}
_UNKNOWN_INCLUDE = "not an include value this converter knows; Chat has no include list"


# ---------------------------------------------------------------------------------
# chat -> responses
# ---------------------------------------------------------------------------------


@transform(
    "text_config.max_tokens_chat_to_responses",
    source="chat.request",
    target="responses.request",
    reads=("/max_completion_tokens", "/max_tokens"),
    writes=("/max_output_tokens",),
)
def max_tokens_chat_to_responses(
    max_completion_tokens: int | None, max_tokens: int | None, ctx: Context
) -> int | None:
    """`max_completion_tokens` (else legacy `max_tokens`) -> `max_output_tokens`.

    Both count reasoning and visible output. `max_completion_tokens` supersedes
    `max_tokens` (reported dropped). Responses rejects values below 16, so a smaller
    limit becomes 16 (`coerced`): the reply may run a few tokens longer than asked.
    Example: (512, None) -> 512; (None, 5) -> 16, coerced /max_tokens.
    """
    pointer = "/max_completion_tokens"
    limit = max_completion_tokens
    if limit is None:
        pointer, limit = "/max_tokens", max_tokens
    elif max_tokens is not None:
        ctx.dropped("/max_tokens", "superseded by /max_completion_tokens")
    if limit is None:
        return None
    if limit < RESPONSES_MIN_OUTPUT_TOKENS:
        ctx.coerced(
            pointer,
            f"Responses takes max_output_tokens >= {RESPONSES_MIN_OUTPUT_TOKENS}; "
            f"{limit} became {RESPONSES_MIN_OUTPUT_TOKENS}",
        )
        return RESPONSES_MIN_OUTPUT_TOKENS
    return limit


@transform(
    "text_config.format_chat_to_responses",
    source="chat.request",
    target="responses.request",
    reads=("/response_format",),
    writes=("/text/format",),
)
def format_chat_to_responses(response_format: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    """`response_format` -> `text.format` (the json_schema fields move up one level).

    text and json_object keep their shape. A json_schema format without a schema (Chat
    allows it, Responses requires one) constrains the reply to JSON and nothing more,
    which is JSON mode: it becomes json_object (`coerced`). The schema travels by
    reference. Example: {"type": "json_schema", "json_schema": {"name": "a", "schema":
    S}} -> {"type": "json_schema", "name": "a", "schema": S}.
    """
    kind = response_format["type"]
    if kind != "json_schema":
        return {"type": kind}
    spec = response_format["json_schema"]
    if spec.get("schema") is None:
        ctx.coerced(
            "/response_format/json_schema",
            "json_schema without a schema sent as json_object (Responses requires a schema)",
        )
        return {"type": "json_object"}
    out: dict[str, Any] = {"type": "json_schema", "name": spec["name"], "schema": spec["schema"]}
    for key in ("description", "strict"):
        if (value := spec.get(key)) is not None:
            out[key] = value
    return out


@transform(
    "text_config.logprobs_chat_to_responses",
    source="chat.request",
    target="responses.request",
    reads=("/logprobs", "/top_logprobs"),
    writes=("/include", "/top_logprobs"),
)
def logprobs_chat_to_responses(
    logprobs: bool | None, top_logprobs: int | None, ctx: Context
) -> tuple[list[str] | None, int | None]:
    """`logprobs` + `top_logprobs` -> (`include`, `top_logprobs`).

    Responses returns log probabilities only when `include` names
    "message.output_text.logprobs"; `top_logprobs` means the same in both. `logprobs:
    false` is both APIs' default. Reports nothing.
    Example: (True, 3) -> (["message.output_text.logprobs"], 3).
    """
    include = [LOGPROBS_INCLUDE] if logprobs else None
    return include, top_logprobs


# ---------------------------------------------------------------------------------
# responses -> chat
# ---------------------------------------------------------------------------------


@transform(
    "text_config.model_responses_to_chat",
    source="responses.request",
    target="chat.request",
    reads=("/model",),
    writes=("/model",),
)
def model_responses_to_chat(model: str | None, ctx: Context) -> str:
    """`model` -> `model`; refused when absent.

    Why: Responses may leave the model to a stored prompt template (`prompt`, itself
    refused); Chat requires one and crosswalk will not guess it.
    Example: "gpt-5" -> "gpt-5".
    """
    if model is None:
        ctx.refuse("/model", "Chat requires a model; this request names none")
    return model


@transform(
    "text_config.format_responses_to_chat",
    source="responses.request",
    target="chat.request",
    reads=("/text/format",),
    writes=("/response_format",),
)
def format_responses_to_chat(fmt: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    """`text.format` -> `response_format` (the json_schema fields move under `json_schema`).

    Reports nothing: every format has a Chat counterpart. Example: {"type": "json_schema",
    "name": "a", "schema": S, "strict": True} -> {"type": "json_schema", "json_schema":
    {"name": "a", "schema": S, "strict": True}}.
    """
    kind = fmt["type"]
    if kind != "json_schema":
        return {"type": kind}
    spec: dict[str, Any] = {"name": fmt["name"]}
    for key in ("description", "schema", "strict"):
        if (value := fmt.get(key)) is not None:
            spec[key] = value
    return {"type": "json_schema", "json_schema": spec}


@transform(
    "text_config.logprobs_responses_to_chat",
    source="responses.request",
    target="chat.request",
    reads=("/include", "/top_logprobs"),
    writes=("/logprobs", "/top_logprobs"),
)
def logprobs_responses_to_chat(
    include: Sequence[str] | None, top_logprobs: int | None, ctx: Context
) -> tuple[bool | None, int | None]:
    """`include` + `top_logprobs` -> (`logprobs`, `top_logprobs`).

    "message.output_text.logprobs" becomes `logprobs: true`; every other value is
    reported dropped at its index, with why. `top_logprobs` travels only with logprobs:
    Responses returns none without the include value, and Chat rejects top_logprobs
    without `logprobs: true`, so alone it changes nothing and is not a loss.
    Example: (["reasoning.encrypted_content", "message.output_text.logprobs"], 2) ->
    (True, 2), dropped /include/0.
    """
    wants_logprobs = False
    for index, value in enumerate(include or ()):
        if value == LOGPROBS_INCLUDE:
            wants_logprobs = True
        else:
            ctx.dropped(f"/include/{index}", _INCLUDE_DROPPED.get(value, _UNKNOWN_INCLUDE))
    if not wants_logprobs:
        return None, None
    return True, top_logprobs


@transform(
    "text_config.stream_responses_to_chat",
    source="responses.request",
    target="chat.request",
    reads=("/stream",),
    writes=("/stream", "/stream_options/include_usage"),
)
def stream_responses_to_chat(stream: bool, ctx: Context) -> tuple[bool, bool | None]:
    """`stream` -> (`stream`, `stream_options.include_usage`).

    Why: a Responses stream always ends with usage (`response.completed`); a Chat stream
    carries usage only when asked. Reports nothing. Example: True -> (True, True).
    """
    return stream, (True if stream else None)


@transform(
    "text_config.cache_ttl_responses_to_chat",
    source="responses.request",
    target="chat.request",
    reads=("/prompt_cache_options/ttl",),
    writes=("/prompt_cache_options/ttl",),
)
def cache_ttl_responses_to_chat(ttl: str, ctx: Context) -> str | None:
    """`prompt_cache_options.ttl` -> the same; Chat takes only "30m".

    A 12h lifetime is reported dropped (the cache then lives for Chat's 30 minutes;
    cost may differ, the reply does not). Example: "30m" -> "30m".
    """
    if ttl == "30m":
        return ttl
    ctx.dropped(
        "/prompt_cache_options/ttl",
        f"Chat prompt caches live 30m; a {ttl} lifetime cannot be requested",
    )
    return None
