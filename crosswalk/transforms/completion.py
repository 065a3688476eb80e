"""Response bodies, both directions: Anthropic `Message` <-> Chat `ChatCompletion`.

A Message is an ordered list of content blocks. A ChatCompletion holds one assistant
message per choice, with three separate places: `reasoning_content` (the widely used
non-standard field for thinking text), `content` (text) and `tool_calls`. So the Chat
policy for what it cannot carry is:

- thinking text goes to `reasoning_content`; the signature, and redacted thinking whole,
  are opaque Anthropic state with no Chat field: dropped, reported;
- server-side tool activity (server_tool_use, web search / fetch / code execution results,
  MCP, ...) already happened upstream and its findings are in the text; the blocks are
  dropped by their rows, and web-search citations survive as `url_citation` annotations;
- block order: Chat keeps reasoning, text and tool calls apart, in that order; a block that
  comes after a later kind (text after a tool call, interleaved thinking) is reported
  coerced, because its position is lost.

Towards Anthropic the one message becomes blocks in that same order (thinking, text,
refusal text, tool_use). Tool-call ids are the same string in both formats, sanitised
towards Anthropic (ids.py). Field fates are table rows; this module applies them by key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from crosswalk.transforms import response_ids, think_tags, tokens
from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform
from crosswalk.transforms.ids import ToolIdMap
from crosswalk.transforms.messages import parse_arguments, tool_use_block
from crosswalk.transforms.tools import CUSTOM_TOOL_INPUT
from crosswalk.transforms.unions import (
    ANTHROPIC_DOCUMENT_CITATIONS,
    ANTHROPIC_RESPONSE_SERVER_BLOCKS,
    CHAT_DETAILS_FIELD,
    CHAT_USAGE_DETAILS,
)

Block = dict[str, Any]

# The nested enum rows that bind the value tables of mappings/values.yaml.
_STOP_REASON = "$root/stop_reason"
_FINISH_REASON = "Choice/finish_reason"
_ANTHROPIC_TIER = "BetaUsage/service_tier"
_CHAT_TIER = "$root/service_tier"

# Reasons for losses on fields whose rows are transforms (drop rows carry their own).
ONE_ANSWER = "only choice 0 is kept: the target holds a single answer"
_OUT_OF_ORDER = (
    "Chat keeps reasoning, text and tool calls apart, in that order; "
    "this block's position among the others is lost"
)
_EXPLANATION_UNUSED = (
    "Chat has one refusal string and the model's own text fills it; the explanation is lost"
)
_NO_REFUSAL = "stop details explain a refusal, and this answer is not one"
_EMPTY_SIGNATURE = (
    "Chat carries no thinking signature: the thinking block's signature is empty, which "
    "Anthropic itself would reject if the block were replayed to it"
)
_LEGACY_CALL = "legacy function_call sent as tool_use with the synthesised id {tool_id!r}"
_CLAMPED_INPUT = (
    "more cached prompt tokens than prompt tokens: Anthropic's uncached input_tokens "
    "was clamped to 0"
)
_NO_TIER = "no {target} service tier corresponds to {value!r}"

# ================================================================================
# anthropic -> chat
# ================================================================================

# Chat's order of places within its one message: reasoning, text, tool calls.
_RANK: Mapping[str, int] = {"thinking": 0, "text": 1, "tool_use": 2}

# Block types Chat cannot carry, by the definition whose drop row states why.
_DROPPED_BLOCKS: Mapping[str, str] = {
    "redacted_thinking": "BetaRedactedThinkingBlock",
    "server_tool_use": "BetaServerToolUseBlock",
    "web_search_tool_result": "BetaWebSearchToolResultBlock",
    **ANTHROPIC_RESPONSE_SERVER_BLOCKS,
}
_WEB_CITATION = "BetaCitationsWebSearchResultLocation"
_WEB_CITATION_EXTRAS = ("cited_text", "encrypted_index")
_STOP_DETAIL_EXTRAS = (
    "category",
    "fallback_credit_token",
    "fallback_has_prefill_claim",
    "recommended_model",
)
_TOOL_USE_EXTRAS = ("caller", "toolset_name")
_ANTHROPIC_USAGE_EXTRAS = (
    "server_tool_use",
    "inference_geo",
    "speed",
    "iterations",
    "fallback_credit",
)


@transform(
    "completion.id_anthropic_to_chat",
    source="anthropic.response",
    target="chat.response",
    reads=("/id",),
    writes=("/id", "/created"),
)
def id_anthropic_to_chat(message_id: str, ctx: Context) -> tuple[str, int]:
    """The message id under Chat's prefix, and `created`, which a Message lacks.

    Anthropic messages carry no timestamp, so `created` is the conversion time
    (`ctx.now()`, fixed by `Options.now`). Example: "msg_01XF" -> ("chatcmpl-01XF", now).
    """
    return response_ids.response_id("chat", message_id), ctx.now()


def chat_web_annotation(url: str, title: str | None, start: int, end: int) -> Block:
    """A web citation as a Chat annotation: it backs its whole text block, which spans
    `start`..`end` of the message content. Chat requires a title ("" when none). The
    stream writer builds its annotations with this too."""
    span = {"start_index": start, "end_index": end, "title": title or "", "url": url}
    return {"type": "url_citation", "url_citation": span}


def _annotations(block: Block, start: int, ctx: Context, pointer: str) -> list[Block]:
    """A text block's citations -> Chat `url_citation` annotations spanning the block.

    Only web-search citations name a URL; Chat annotations have no room for the cited
    source text or Anthropic's encrypted index (their rows report them), and document
    citations are dropped by their rows. A missing title becomes "" (Chat requires one).
    """
    out: list[Block] = []
    end = start + len(block["text"])
    for k, citation in enumerate(block.get("citations") or ()):
        at = f"{pointer}/citations/{k}"
        kind = citation.get("type")
        if kind == "web_search_result_location":
            out.append(chat_web_annotation(citation["url"], citation.get("title"), start, end))
            apply_drops(ctx, _WEB_CITATION, citation, _WEB_CITATION_EXTRAS, at)
        elif (definition := ANTHROPIC_DOCUMENT_CITATIONS.get(str(kind))) is not None:
            ctx.apply_drop(definition, at, citation)
        else:
            ctx.dropped(at, f"a {kind} citation has no Chat counterpart")
    return out


def _json_arguments(tool_input: Any) -> str:
    """Anthropic tool `input` -> Chat `arguments` (compact JSON, non-ASCII kept)."""
    return json.dumps(tool_input, ensure_ascii=False, separators=(",", ":"))


def custom_input(tool_input: Any) -> str | None:
    """The free-form text of a custom tool call carried as `{"input": text}`, or None.

    >>> custom_input({"input": "*** Begin Patch"}), custom_input({"input": 1})
    ('*** Begin Patch', None)
    """
    if isinstance(tool_input, Mapping) and len(tool_input) == 1:
        text = tool_input.get(CUSTOM_TOOL_INPUT)
        if isinstance(text, str):
            return text
    return None


def _chat_tool_call(block: Block, ctx: Context, pointer: str) -> Block:
    """A tool_use block -> a Chat tool call: custom when the client declared the tool custom.

    `ctx.options.custom_tools` names the client's custom (free-form) tools; their calls
    travel to Anthropic as `{"input": text}` and come back as custom calls. A declared
    custom tool whose input is not that shape is sent as a function call (coerced).
    `caller` and `toolset_name` follow their rows.
    """
    apply_drops(ctx, "BetaToolUseBlock", block, _TOOL_USE_EXTRAS, pointer)
    name, tool_input = block["name"], block["input"]
    if name in ctx.options.custom_tools:
        text = custom_input(tool_input)
        if text is not None:
            return {"id": block["id"], "type": "custom", "custom": {"name": name, "input": text}}
        ctx.coerced(
            f"{pointer}/input",
            'the client declared this tool custom, but its input is not {"input": string}; '
            "sent as a function call",
        )
    return {
        "id": block["id"],
        "type": "function",
        "function": {"name": name, "arguments": _json_arguments(tool_input)},
    }


def _refusal_explanation(
    stop_details: Mapping[str, Any] | None, refused: bool, has_text: bool, ctx: Context
) -> str | None:
    """The refusal explanation Chat can use (only when the model wrote no text), or None.

    The other stop details follow their rows; an unused explanation is reported.
    """
    if stop_details is None:
        return None
    apply_drops(ctx, "BetaRefusalStopDetails", stop_details, _STOP_DETAIL_EXTRAS, "/stop_details")
    explanation = stop_details.get("explanation")
    if explanation is None:
        return None
    if not refused:
        ctx.dropped("/stop_details/explanation", _NO_REFUSAL)
        return None
    if has_text:
        ctx.dropped("/stop_details/explanation", _EXPLANATION_UNUSED)
        return None
    return str(explanation)


def _finish_reason(stop_reason: str | None, has_calls: bool, ctx: Context) -> str:
    """Anthropic stop_reason -> Chat finish_reason, through the `chat_stop_reason` table.

    The values Chat folds together are reported coerced (a matched stop sequence is
    reported by the /stop_sequence row). A missing stop_reason (never sent in a finished
    Message, but schema-valid) becomes `tool_calls` or `stop`, as Chat requires one.
    """
    if stop_reason is None:
        return "tool_calls" if has_calls else "stop"
    finish: str = ctx.map_enum(_STOP_REASON, stop_reason, "/stop_reason")
    return finish


@transform(
    "completion.anthropic_to_chat",
    source="anthropic.response",
    target="chat.response",
    reads=("/content", "/role", "/stop_details", "/stop_reason"),
    writes=("/choices",),
    handles=(
        _STOP_REASON,
        "BetaThinkingBlock/signature",
        *(f"BetaToolUseBlock/{key}" for key in _TOOL_USE_EXTRAS),
        *(f"{_WEB_CITATION}/{key}" for key in _WEB_CITATION_EXTRAS),
        *ANTHROPIC_DOCUMENT_CITATIONS.values(),
        *_DROPPED_BLOCKS.values(),
        *(f"BetaRefusalStopDetails/{key}" for key in _STOP_DETAIL_EXTRAS),
    ),
)
def anthropic_to_chat(
    content: Sequence[Block],
    role: str,
    stop_details: Mapping[str, Any] | None,
    ctx: Context,
) -> list[Block]:
    """Content blocks + stop reason -> the one Chat choice.

    Text blocks join (with "") into `content`, thinking texts join (with a blank line)
    into `reasoning_content`, tool_use blocks become `tool_calls`; `role` is always
    assistant. A `refusal` stop puts the text in `message.refusal` instead (or, with no
    text, the stop details' explanation) and finishes with `content_filter`. `content` is
    null beside tool calls or a refusal and "" for an empty answer, as OpenAI sends.

    >>> from crosswalk.transforms import FieldRule, Options
    >>> from crosswalk.transforms._policy import ModelPolicy
    >>> rules = {"$root/stop_reason": FieldRule("enum", mapping={"end_turn": "stop"})}
    >>> ctx = Context({"stop_reason": "end_turn"}, rules, Options(policy=ModelPolicy(rules=())))
    >>> anthropic_to_chat([{"type": "text", "text": "hi"}], "assistant", None, ctx)[0]["message"]
    {'role': 'assistant', 'content': 'hi', 'refusal': None, 'annotations': []}
    """
    refused = ctx.src.get("stop_reason") == "refusal"
    texts: list[str] = []
    thoughts: list[str] = []
    calls: list[Block] = []
    annotations: list[Block] = []
    offset = 0
    highest = 0
    for j, block in enumerate(content):
        pointer = f"/content/{j}"
        kind = str(block.get("type"))
        rank = _RANK.get(kind)
        if rank is None:
            _drop_block(block, kind, ctx, pointer)
            continue
        if rank < highest:
            ctx.coerced(pointer, _OUT_OF_ORDER)
        highest = max(highest, rank)
        if kind == "text":
            if refused and block.get("citations"):
                ctx.dropped(
                    f"{pointer}/citations",
                    "the text became Chat's refusal, which has no annotations",
                )
            elif not refused:
                annotations.extend(_annotations(block, offset, ctx, pointer))
            texts.append(block["text"])
            offset += len(block["text"])
        elif kind == "thinking":
            thoughts.append(block["thinking"])
            ctx.apply_drop(
                "BetaThinkingBlock/signature", f"{pointer}/signature", block["signature"]
            )
        else:
            calls.append(_chat_tool_call(block, ctx, pointer))
    explanation = _refusal_explanation(stop_details, refused, bool(texts), ctx)
    message: Block = {
        "role": role,  # both APIs' const "assistant": the row from /role, kept as given
        "content": None,
        "refusal": None,
        "annotations": annotations,
    }
    if refused and (texts or explanation is not None):
        message["refusal"] = "".join(texts) if texts else explanation
    elif texts or not calls:
        message["content"] = "".join(texts)
    if thoughts:
        message["reasoning_content"] = "\n\n".join(thoughts)
    if calls:
        message["tool_calls"] = calls
    finish = _finish_reason(ctx.src.get("stop_reason"), bool(calls), ctx)
    return [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}]


def _drop_block(block: Block, kind: str, ctx: Context, pointer: str) -> None:
    definition = _DROPPED_BLOCKS.get(kind)
    if definition is None:
        ctx.dropped(pointer, f"a {kind} block has no Chat counterpart")
    else:
        ctx.apply_drop(definition, pointer, block)


def _served_tier(value: Any, key: str, target: str, ctx: Context, pointer: str) -> str | None:
    """A response's service tier through the value table bound to row `key`, or None.

    A response's tier reports what served it rather than asking for anything, so a tier
    with no counterpart is dropped (reported), never refused.
    """
    mapping = ctx.rule(key).mapping
    if value in mapping:
        tier: str = mapping[value]
        return tier
    ctx.dropped(pointer, _NO_TIER.format(target=target, value=value))
    return None


@transform(
    "completion.usage_anthropic_to_chat",
    source="anthropic.response",
    target="chat.response",
    reads=("/usage",),
    writes=("/usage", "/service_tier"),
    handles=(
        _ANTHROPIC_TIER,
        "BetaUsage/cache_creation",
        *(f"BetaUsage/{key}" for key in _ANTHROPIC_USAGE_EXTRAS),
    ),
)
def usage_anthropic_to_chat(
    usage: dict[str, Any], ctx: Context
) -> tuple[dict[str, Any], str | None]:
    """Anthropic `usage` -> (Chat `usage`, `service_tier`), through tokens.py.

    prompt_tokens = input + cache reads + cache writes; cache writes are kept as
    `cache_write_tokens`, thinking tokens (when the beta reports them) as
    `reasoning_tokens`. The 5m/1h split of cache writes is reported only when some
    writes have the 1h TTL (with 5m only, Chat's one count says everything). The tier
    goes through the `chat_usage_tier` table.

    >>> from crosswalk.transforms import Options
    >>> from crosswalk.transforms._policy import ModelPolicy
    >>> ctx = Context({}, {}, Options(policy=ModelPolicy(rules=())))
    >>> usage_anthropic_to_chat({"input_tokens": 10, "output_tokens": 7,
    ...                          "cache_read_input_tokens": 100}, ctx)[0]["prompt_tokens"]
    110
    """
    out = tokens.to_chat(tokens.from_anthropic(usage))
    apply_drops(ctx, "BetaUsage", usage, _ANTHROPIC_USAGE_EXTRAS, "/usage")
    split = usage.get("cache_creation")
    if split is not None and split.get("ephemeral_1h_input_tokens"):
        ctx.apply_drop("BetaUsage/cache_creation", "/usage/cache_creation", split)
    tier = usage.get("service_tier")
    if tier is None:
        return out, None
    return out, _served_tier(tier, _ANTHROPIC_TIER, "Chat", ctx, "/usage/service_tier")


# ================================================================================
# chat -> anthropic
# ================================================================================


@transform(
    "completion.id_chat_to_anthropic",
    source="chat.response",
    target="anthropic.response",
    reads=("/id",),
    writes=("/id",),
)
def id_chat_to_anthropic(completion_id: str, ctx: Context) -> str:
    """The completion id under Anthropic's prefix. Example: "chatcmpl-abc" -> "msg_abc"."""
    return response_ids.response_id("anthropic", completion_id)


def reasoning_and_content(message: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(reasoning, content) of a Chat message: `reasoning_content` when it is a non-empty
    string, else reasoning written inline as leading `<think>` tags (think_tags.py, the
    rule the stream reader applies too); content is what remains.

    >>> reasoning_and_content({"content": "<think>hm</think> 42"})
    ('hm', '42')
    >>> reasoning_and_content({"content": "42", "reasoning_content": "hm"})
    ('hm', '42')
    """
    content: str | None = message.get("content")
    reasoning: str | None = message.get("reasoning_content") or None
    if reasoning is None and content:
        thought, rest = think_tags.split(content)
        if thought is not None:
            return thought or None, rest or None
    return reasoning, content


def _legacy_call(call: Mapping[str, Any], ids: ToolIdMap, ctx: Context, pointer: str) -> Block:
    """A legacy `function_call` -> a tool_use block with an id made from the completion's."""
    tool_id = ids.get("fc_" + response_ids.core(str(ctx.src.get("id", ""))))
    ctx.coerced(pointer, _LEGACY_CALL.format(tool_id=tool_id))
    args = parse_arguments(call["arguments"], ctx, f"{pointer}/arguments")
    return {"type": "tool_use", "id": tool_id, "name": call["name"], "input": args}


def _anthropic_blocks(message: Mapping[str, Any], ctx: Context, pointer: str) -> list[Block]:
    """The Chat message -> blocks: thinking, text, tool_use (Anthropic order). The refusal
    is not a block: it is the stop details' explanation."""
    blocks: list[Block] = []
    thought, content = reasoning_and_content(message)
    if thought is not None:
        ctx.coerced(f"{pointer}/reasoning_content", _EMPTY_SIGNATURE)
        blocks.append({"type": "thinking", "thinking": thought, "signature": ""})
    apply_drops(ctx, "ChatCompletionMessage", message, ("annotations", "audio"), pointer)
    if content:
        blocks.append({"type": "text", "text": content})
    calls = message.get("tool_calls") or ()
    ids = ToolIdMap(call["id"] for call in calls)
    for k, call in enumerate(calls):
        blocks.append(tool_use_block(call, ctx, f"{pointer}/tool_calls/{k}", ids))
    if (legacy := message.get("function_call")) is not None:
        blocks.append(_legacy_call(legacy, ids, ctx, f"{pointer}/function_call"))
    return blocks


@transform(
    "completion.chat_to_anthropic",
    source="chat.response",
    target="anthropic.response",
    reads=("/choices",),
    writes=("/content", "/stop_reason", "/stop_details"),
    handles=(
        _FINISH_REASON,
        "Choice/logprobs",
        "ChatCompletionMessage/annotations",
        "ChatCompletionMessage/audio",
    ),
)
def chat_to_anthropic(
    choices: Sequence[Block], ctx: Context
) -> tuple[list[Block], str | None, Block | None]:
    """Choice 0 -> (content blocks, stop_reason, stop_details); the other choices are
    reported dropped.

    `reasoning_content` becomes a thinking block with an empty signature (coerced: Chat
    carries none), `content` a text block, tool calls tool_use blocks (ids sanitised,
    custom input as {"input": text}). finish_reason goes through the `chat_stop_reason`
    table, except that a refusal makes the stop reason `refusal` (a finish_reason other
    than stop or content_filter is then reported coerced) and its text the stop details'
    explanation, as the Responses table writes a refusal part and as the reverse tables
    read it back. No choice at all gives no content and no stop reason.

    >>> from crosswalk.transforms import Options, FieldRule
    >>> from crosswalk.transforms._policy import ModelPolicy
    >>> rules = {"Choice/finish_reason": FieldRule("enum", mapping={"stop": "end_turn"})}
    >>> ctx = Context({}, rules, Options(policy=ModelPolicy(rules=())))
    >>> chat_to_anthropic([{"index": 0, "finish_reason": "stop",
    ...     "message": {"role": "assistant", "content": "hi"}}], ctx)
    ([{'type': 'text', 'text': 'hi'}], 'end_turn', None)
    """
    if not choices:
        return [], None, None
    for k in range(1, len(choices)):
        ctx.dropped(f"/choices/{k}", ONE_ANSWER)
    choice = choices[0]
    pointer = "/choices/0"
    if (logprobs := choice.get("logprobs")) is not None:
        ctx.apply_drop("Choice/logprobs", f"{pointer}/logprobs", logprobs)
    message = choice["message"]
    blocks = _anthropic_blocks(message, ctx, f"{pointer}/message")
    finish = choice["finish_reason"]
    stop: str = ctx.map_enum(_FINISH_REASON, finish, f"{pointer}/finish_reason")
    details = None
    if refusal := message.get("refusal"):
        if finish not in ("stop", "content_filter"):
            ctx.coerced(
                f"{pointer}/finish_reason",
                f"the message is a refusal, so Anthropic's stop_reason is refusal, not {stop}",
            )
        stop = "refusal"
        details = {"type": "refusal", "explanation": refusal}
    return blocks, stop, details


@transform(
    "completion.usage_chat_to_anthropic",
    source="chat.response",
    target="anthropic.response",
    reads=("/usage", "/service_tier"),
    writes=("/usage",),
    handles=(
        _CHAT_TIER,
        *(f"{definition}/{key}" for definition, keys in CHAT_USAGE_DETAILS.items() for key in keys),
    ),
)
def usage_chat_to_anthropic(usage: dict[str, Any] | None, ctx: Context) -> dict[str, Any]:
    """Chat `usage` + `service_tier` -> Anthropic `usage`, through tokens.py.

    input_tokens = prompt_tokens - cached - cache writes (never negative: reported);
    cache writes and reasoning tokens are kept (`output_tokens_details.thinking_tokens`).
    A completion without usage gets zero counts, as Anthropic requires `usage`. The
    top-level `service_tier` (read from the source; its own row binds the
    `chat_usage_tier` table) becomes `usage.service_tier`; one with no counterpart is
    dropped.

    >>> from crosswalk.transforms import Options
    >>> from crosswalk.transforms._policy import ModelPolicy
    >>> ctx = Context({}, {}, Options(policy=ModelPolicy(rules=())))
    >>> usage_chat_to_anthropic({"prompt_tokens": 110, "completion_tokens": 7,
    ...     "total_tokens": 117, "prompt_tokens_details": {"cached_tokens": 100}}, ctx)
    {'input_tokens': 10, 'output_tokens': 7, 'cache_read_input_tokens': 100, 'cache_creation_input_tokens': 0}
    """
    counts = tokens.from_chat(usage or {})
    out = tokens.to_anthropic(counts)
    if counts.input < counts.cache_read + counts.cache_write:
        ctx.coerced("/usage/prompt_tokens", _CLAMPED_INPUT)
    if counts.reasoning is not None:
        out["output_tokens_details"] = {"thinking_tokens": counts.reasoning}
    for definition, keys in CHAT_USAGE_DETAILS.items():
        field = CHAT_DETAILS_FIELD[definition]
        details = (usage or {}).get(field) or {}
        apply_drops(ctx, definition, details, keys, f"/usage/{field}")
    if (service_tier := ctx.src.get("service_tier")) is not None:
        tier = _served_tier(service_tier, _CHAT_TIER, "Anthropic", ctx, "/service_tier")
        if tier is not None:
            out["service_tier"] = tier
    return out
