"""Response bodies, both directions: an Anthropic Message <-> a Responses Response.

Anthropic -> Responses: content blocks become output items in their order. A run of text
blocks is one `message` item with an `output_text` part per block (so the blocks come back
one for one); `thinking` / `redacted_thinking` become `reasoning` items whose
`encrypted_content` carries the signature or the redacted data (signatures.py), so a
Responses client that replays the item sends Anthropic a valid thinking block next turn;
`tool_use` becomes a `function_call`, or a `custom_tool_call` when its name is one of the
client's custom tools (`Options.custom_tools`, from the request); a web search
`server_tool_use` and its `web_search_tool_result` become one `web_search_call`.
`stop_reason` becomes `status` + `incomplete_details` through the `response_stop` value
table, usage goes through tokens.py, and item ids derive from the message id
(response_ids.item_id, index = position in `output`).

Responses -> Anthropic: the inverse. Reasoning items become thinking blocks: one whose
`encrypted_content` was made by signatures.py gives its Anthropic block back byte for
byte; OpenAI's own encrypted reasoning travels in the block's signature (wrapped by
signatures.wrap_openai), so an Anthropic client that replays it gives the Responses
upstream its state back; an item with no encrypted content at all is dropped with a
loss entry (nothing an Anthropic client could replay). Custom tool
calls become `tool_use` with input `{"input": <text>}`; tool-call ids are sanitised for
Anthropic (ids.py). A refusal part becomes `stop_details`, with stop_reason `refusal`.

Every field's fate is a row of mappings/anthropic__responses.response.yaml or
mappings/responses__anthropic.response.yaml; this module applies the rows by key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from crosswalk.transforms import signatures, tokens
from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform
from crosswalk.transforms.ids import ToolIdMap
from crosswalk.transforms.messages import parse_arguments
from crosswalk.transforms.response_ids import item_id, response_id
from crosswalk.transforms.tools import CUSTOM_TOOL_INPUT
from crosswalk.transforms.unions import (
    ANTHROPIC_DOCUMENT_CITATIONS,
    ANTHROPIC_RESPONSE_SERVER_BLOCKS,
    RESPONSES_OUTPUT_ITEMS,
)

Block = dict[str, Any]
Item = dict[str, Any]

# The nested enum rows that bind value tables (mappings/values.yaml). `stop_reason` is a
# root string with no definition of its own: its row names it by instance pointer. The
# reverse row is keyed on IncompleteDetails, which holds the reason it reads.
STOP_TABLE = "$root/stop_reason"
OUTCOME_TABLE = "IncompleteDetails"
TIER_TABLE = "BetaUsage/service_tier"

COMPLETED = "completed"
INCOMPLETE = "incomplete"
WEB_SEARCH = "web_search"
SERVER_TOOL_ID_PREFIX = "srvtoolu_"
_ID_RULE = "Anthropic tool ids match ^[a-zA-Z0-9_-]{1,64}$"
_SERVER_ID_CHARS = re.compile(r"[^a-zA-Z0-9_]")


def _escape(key: str) -> str:
    """A JSON Pointer reference token for an object key (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _json(value: Any) -> str:
    """Compact JSON text, as OpenAI writes tool arguments."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ================================================================================
# anthropic -> responses
# ================================================================================

_WEB_CITATION_EXTRAS = ("cited_text", "encrypted_index")
_WEB_RESULT_EXTRAS = ("title", "encrypted_content", "page_age")
_TOOL_USE_EXTRAS = ("caller", "toolset_name")
_REFUSAL_EXTRAS = (
    "category",
    "fallback_credit_token",
    "fallback_has_prefill_claim",
    "recommended_model",
)
_USAGE_EXTRAS = ("cache_creation", "inference_geo", "iterations", "fallback_credit", "speed")


def _no_image_gen() -> Block:
    """ToolUsage requires both tool families; one with no recorded usage has zero counts."""
    return {
        "input_tokens": 0,
        "input_tokens_details": {"image_tokens": 0, "text_tokens": 0},
        "output_tokens": 0,
        "total_tokens": 0,
    }


class _Output:
    """Output items under construction, with the web searches still awaiting a result."""

    __slots__ = ("ctx", "items", "searches", "source_id")

    def __init__(self, source_id: str, ctx: Context) -> None:
        self.ctx = ctx
        self.source_id = source_id
        self.items: list[Item] = []
        self.searches: dict[str, Item] = {}

    def new(self, prefix: str, kind: str) -> Item:
        """Append an item whose id is derived from the message id and its position."""
        item: Item = {"type": kind, "id": item_id(prefix, self.source_id, len(self.items))}
        self.items.append(item)
        return item

    def message(self) -> Item:
        """The message item that text joins: the last item if it is one, else a new one."""
        if self.items and self.items[-1]["type"] == "message":
            return self.items[-1]
        item = self.new("msg", "message")
        item.update(status=COMPLETED, role="assistant", content=[])
        return item


def responses_web_annotation(url: str, title: str | None, text: str) -> Block:
    """A web citation as a Responses annotation of its output_text `text`: it backs the
    whole block, so it spans the whole part. The stream writer builds its annotations
    with this too."""
    span = {"start_index": 0, "end_index": len(text)}
    return {"type": "url_citation", **span, "url": url, "title": title or ""}


def _annotations(
    citations: Sequence[Block] | None, text: str, ctx: Context, pointer: str
) -> list[Block]:
    """Anthropic citations of one text block -> Responses annotations of its output_text.

    A web search citation backs the whole block, so its url_citation spans the whole part.
    Example: [{"type": "web_search_result_location", "url": U, "title": T, ...}] on "abc" ->
    [{"type": "url_citation", "start_index": 0, "end_index": 3, "url": U, "title": T}].
    """
    out: list[Block] = []
    for k, citation in enumerate(citations or ()):
        cp = f"{pointer}/citations/{k}"
        kind = citation["type"]
        if kind == "web_search_result_location":
            for key in _WEB_CITATION_EXTRAS:
                ctx.apply_drop(
                    f"BetaCitationsWebSearchResultLocation/{key}", f"{cp}/{key}", citation[key]
                )
            out.append(responses_web_annotation(citation["url"], citation.get("title"), text))
        elif (definition := ANTHROPIC_DOCUMENT_CITATIONS.get(kind)) is not None:
            ctx.apply_drop(definition, cp, citation)
        else:
            ctx.dropped(cp, f"a {kind} citation has no Responses annotation")
    return out


def _text(out: _Output, block: Block, pointer: str) -> None:
    text = block["text"]
    part: Block = {
        "type": "output_text",
        "text": text,
        "annotations": _annotations(block.get("citations"), text, out.ctx, pointer),
    }
    out.message()["content"].append(part)


def _thinking(out: _Output, block: Block, pointer: str) -> None:
    """thinking -> reasoning: the text is the one summary part, the signature is encoded."""
    item = out.new("rs", "reasoning")
    text = block["thinking"]
    item["summary"] = [{"type": "summary_text", "text": text}] if text else []
    item["encrypted_content"] = signatures.encode_signature(block["signature"])


def _redacted_thinking(out: _Output, block: Block, pointer: str) -> None:
    item = out.new("rs", "reasoning")
    item["summary"] = []
    item["encrypted_content"] = signatures.encode_redacted(block["data"])


def _custom_input(value: Mapping[str, Any], ctx: Context, pointer: str) -> str:
    """A custom tool's `{"input": text}` -> its text; anything else travels as JSON text."""
    text = value.get(CUSTOM_TOOL_INPUT)
    if isinstance(text, str) and len(value) == 1:
        return text
    ctx.coerced(
        pointer,
        'a custom tool takes {"input": string}; the tool_use input was sent as its JSON text',
    )
    return _json(value)


def _tool_use(out: _Output, block: Block, pointer: str) -> None:
    """tool_use -> function_call, or custom_tool_call for the client's custom tools."""
    ctx = out.ctx
    apply_drops(ctx, "BetaToolUseBlock", block, _TOOL_USE_EXTRAS, pointer)
    name = block["name"]
    if name in ctx.options.custom_tools:
        item = out.new("ctc", "custom_tool_call")
        item.update(
            call_id=block["id"],
            name=name,
            input=_custom_input(block["input"], ctx, f"{pointer}/input"),
        )
        return
    item = out.new("fc", "function_call")
    item.update(call_id=block["id"], name=name, arguments=_json(block["input"]), status=COMPLETED)


def _server_tool_use(out: _Output, block: Block, pointer: str) -> None:
    """A web search server_tool_use -> a web_search_call awaiting its result.

    Other server tools are dropped by the `name` row (web_search is its neutral value).
    """
    ctx = out.ctx
    if (caller := block.get("caller")) is not None:
        ctx.apply_drop("BetaServerToolUseBlock/caller", f"{pointer}/caller", caller)
    ctx.apply_drop("BetaServerToolUseBlock/name", pointer, block["name"])
    if block["name"] != WEB_SEARCH:
        return
    action: Block = {"type": "search"}
    for key, value in block["input"].items():
        if key == "query" and isinstance(value, str):
            action["query"] = value
        else:
            ctx.dropped(
                f"{pointer}/input/{_escape(key)}",
                "a Responses web search action carries only the query",
            )
    item = out.new("ws", "web_search_call")
    item.update(status=INCOMPLETE, action=action)
    out.searches[block["id"]] = item


def _web_search_result(out: _Output, block: Block, pointer: str) -> None:
    """web_search_tool_result -> status and sources of its web_search_call.

    A result whose server_tool_use is not in this message gets a call of its own.
    """
    ctx = out.ctx
    if (caller := block.get("caller")) is not None:
        ctx.apply_drop("BetaWebSearchToolResultBlock/caller", f"{pointer}/caller", caller)
    item = out.searches.pop(block["tool_use_id"], None)
    if item is None:
        item = out.new("ws", "web_search_call")
        item["action"] = {"type": "search"}
    content = block["content"]
    if not isinstance(content, list):
        item["status"] = "failed"
        ctx.apply_drop(
            "BetaWebSearchToolResultErrorObject/error_code",
            f"{pointer}/content/error_code",
            content["error_code"],
        )
        return
    item["status"] = COMPLETED
    sources = []
    for k, result in enumerate(content):
        rp = f"{pointer}/content/{k}"
        apply_drops(ctx, "BetaWebSearchResultBlock", result, _WEB_RESULT_EXTRAS, rp)
        sources.append({"type": "url", "url": result["url"]})
    if sources:
        item["action"]["sources"] = sources


_TO_RESPONSES = {
    "text": _text,
    "thinking": _thinking,
    "redacted_thinking": _redacted_thinking,
    "tool_use": _tool_use,
    "server_tool_use": _server_tool_use,
    "web_search_tool_result": _web_search_result,
}


def _status(stop_reason: str | None, ctx: Context) -> tuple[str | None, Block | None]:
    """stop_reason -> (status, incomplete_details) through the `response_stop` table.

    The table's responses column is `completed`, an incomplete_details.reason, or
    `incomplete` (incomplete without a reason). Example: "max_tokens" ->
    ("incomplete", {"reason": "max_output_tokens"}); "pause_turn" -> ("incomplete", {}).
    """
    if stop_reason is None:
        return None, None
    outcome = ctx.map_enum(STOP_TABLE, stop_reason, "/stop_reason")
    if outcome == COMPLETED:
        return COMPLETED, None
    return INCOMPLETE, ({} if outcome == INCOMPLETE else {"reason": outcome})


def _refusal(out: _Output, details: Block, ctx: Context) -> None:
    """stop_details -> a refusal part closing the message (its explanation is the text)."""
    apply_drops(ctx, "BetaRefusalStopDetails", details, _REFUSAL_EXTRAS, "/stop_details")
    explanation = details.get("explanation")
    if explanation:
        out.message()["content"].append({"type": "refusal", "refusal": explanation})


@transform(
    "output_items.anthropic_to_responses",
    source="anthropic.response",
    target="responses.response",
    reads=("/content", "/stop_details", "/stop_reason", "/id"),
    writes=("/output", "/status", "/incomplete_details"),
    handles=(
        STOP_TABLE,
        *(f"BetaCitationsWebSearchResultLocation/{key}" for key in _WEB_CITATION_EXTRAS),
        *ANTHROPIC_DOCUMENT_CITATIONS.values(),
        *(f"BetaToolUseBlock/{key}" for key in _TOOL_USE_EXTRAS),
        "BetaServerToolUseBlock/caller",
        "BetaServerToolUseBlock/name",
        "BetaWebSearchToolResultBlock/caller",
        *(f"BetaWebSearchResultBlock/{key}" for key in _WEB_RESULT_EXTRAS),
        "BetaWebSearchToolResultErrorObject/error_code",
        *ANTHROPIC_RESPONSE_SERVER_BLOCKS.values(),
        *(f"BetaRefusalStopDetails/{key}" for key in _REFUSAL_EXTRAS),
    ),
)
def anthropic_to_responses(
    content: list[Block], stop_details: Block | None, ctx: Context
) -> tuple[list[Item], str | None, Block | None]:
    """Message content + stop_details (+ stop_reason, id) -> (output, status, incomplete_details).

    The order of the blocks is the order of the items. When the reply is incomplete and
    ends in a message, that message is `incomplete`, as OpenAI marks the item it cut.
    Reports what the table's rows drop, and `coerced` stop reasons that read back as others.
    Example: [{"type": "text", "text": "hi"}] with stop_reason end_turn ->
    ([{"type": "message", "id": "msg_<core>_0", "status": "completed", "role": "assistant",
    "content": [{"type": "output_text", "text": "hi", "annotations": []}]}], "completed", None).
    """
    out = _Output(ctx.src["id"], ctx)
    for i, block in enumerate(content):
        pointer = f"/content/{i}"
        kind = block["type"]
        handler = _TO_RESPONSES.get(kind)
        if handler is not None:
            handler(out, block, pointer)
        elif (definition := ANTHROPIC_RESPONSE_SERVER_BLOCKS.get(kind)) is not None:
            ctx.apply_drop(definition, pointer, block)
        else:
            ctx.dropped(pointer, f"a {kind} block has no Responses output item")
    status, incomplete = _status(ctx.src.get("stop_reason"), ctx)
    if stop_details is not None:
        _refusal(out, stop_details, ctx)
    if status == INCOMPLETE and out.items and out.items[-1]["type"] == "message":
        out.items[-1]["status"] = INCOMPLETE
    return out.items, status, incomplete


@transform(
    "output_items.id_anthropic_to_responses",
    source="anthropic.response",
    target="responses.response",
    reads=("/id",),
    writes=("/id", "/created_at"),
)
def id_anthropic_to_responses(message_id: str, ctx: Context) -> tuple[str, int]:
    """The Message id -> the Response id (`resp_` + its body) and `created_at`.

    Why created_at is here: an Anthropic Message carries no timestamp, so the Response's
    creation time is the conversion's clock (`ctx.now()`, fixed by `Options.now`).
    Example: "msg_01XF" -> ("resp_01XF", <now>).
    """
    return response_id("responses", message_id), ctx.now()


@transform(
    "output_items.usage_anthropic_to_responses",
    source="anthropic.response",
    target="responses.response",
    reads=("/usage",),
    writes=("/usage", "/tool_usage", "/service_tier"),
    handles=(
        *(f"BetaUsage/{key}" for key in _USAGE_EXTRAS),
        "BetaServerToolUsage/web_fetch_requests",
        TIER_TABLE,
    ),
)
def usage_anthropic_to_responses(
    usage: Block, ctx: Context
) -> tuple[tokens.Usage, Block | None, str | None]:
    """Anthropic usage -> (Responses usage, tool_usage, service_tier).

    Counts go through tokens.py (OpenAI input includes cache reads and writes); web
    searches become tool_usage.web_search; the tier goes through `response_service_tier`.
    Example: {"input_tokens": 10, "cache_read_input_tokens": 100, "output_tokens": 7} ->
    input_tokens 110 with cached_tokens 100, output_tokens 7, total_tokens 117.
    """
    result = tokens.to_responses(tokens.from_anthropic(usage))
    apply_drops(ctx, "BetaUsage", usage, _USAGE_EXTRAS, "/usage")
    tool_usage: Block | None = None
    server = usage.get("server_tool_use")
    if server is not None:
        ctx.apply_drop(
            "BetaServerToolUsage/web_fetch_requests",
            "/usage/server_tool_use/web_fetch_requests",
            server["web_fetch_requests"],
        )
        tool_usage = {
            "image_gen": _no_image_gen(),
            "web_search": {"num_requests": server["web_search_requests"]},
        }
    tier = usage.get("service_tier")
    if tier is not None:
        tier = ctx.map_enum(TIER_TABLE, tier, "/usage/service_tier")
    return result, tool_usage, tier


# ================================================================================
# responses -> anthropic
# ================================================================================

_TEXT_EXTRAS = ("annotations", "logprobs")
_DROPPED_ACTIONS: Mapping[str, str] = {
    "open_page": "ActionOpenPage",
    "find_in_page": "ActionFind",
}
_MESSAGE_EXTRAS = ("phase", "status")
_CUSTOM_CALL_EXTRAS = ("async", "caller", "namespace")
_CALL_EXTRAS = (*_CUSTOM_CALL_EXTRAS, "status")
_CALL_TYPES = frozenset({"function_call", "custom_tool_call"})
_UNSTATED_REASONING = (
    "a reasoning item without encrypted_content has no state a client could replay: no "
    "thinking block is sent"
)
# The only web search failure Anthropic can name without a reason from the source.
_SEARCH_FAILED = "unavailable"


class _Content:
    """Anthropic content under construction, and what decides the stop reason."""

    __slots__ = ("blocks", "ctx", "has_calls", "ids", "refusals")

    def __init__(self, ctx: Context, ids: ToolIdMap) -> None:
        self.ctx = ctx
        self.ids = ids
        self.blocks: list[Block] = []
        self.refusals: list[str] = []
        self.has_calls = False

    def tool_id(self, call_id: str, pointer: str) -> str:
        new = self.ids.get(call_id)
        if new != call_id:
            self.ctx.coerced(f"{pointer}/call_id", f"tool call id became {new!r} ({_ID_RULE})")
        return new


def _message(state: _Content, item: Item, pointer: str) -> None:
    """A message item -> one text block per output_text; refusals go to stop_details."""
    apply_drops(state.ctx, "ResponseOutputMessage", item, _MESSAGE_EXTRAS, pointer)
    for j, part in enumerate(item["content"]):
        if part["type"] == "refusal":
            state.refusals.append(part["refusal"])
            continue
        apply_drops(state.ctx, "ResponseOutputText", part, _TEXT_EXTRAS, f"{pointer}/content/{j}")
        state.blocks.append({"type": "text", "text": part["text"]})


def _reasoning(state: _Content, item: Item, pointer: str) -> None:
    """A reasoning item -> a thinking block: a block made from an Anthropic one comes
    back byte for byte, OpenAI's own encrypted reasoning rides in the signature.

    The thinking text is the summary parts joined by blank lines (the reasoning_text
    content parts when there is no summary); the signature or redacted data is decoded
    from encrypted_content. An item with none is dropped whole (_UNSTATED_REASONING).
    """
    ctx = state.ctx
    encrypted = item.get("encrypted_content")
    if not encrypted:
        ctx.dropped(pointer, _UNSTATED_REASONING)
        return
    apply_drops(state.ctx, "ResponseReasoningItem", item, ("status",), pointer)
    kind, payload = signatures.decode(encrypted) or ("thinking", signatures.wrap_openai(encrypted))
    summary = [part["text"] for part in item["summary"]]
    content = [part["text"] for part in item.get("content") or ()]
    if kind == "redacted_thinking":
        for key, texts in (("summary", summary), ("content", content)):
            if texts:
                ctx.dropped(f"{pointer}/{key}", "redacted thinking carries no readable text")
        state.blocks.append({"type": "redacted_thinking", "data": payload})
        return
    if summary and content:
        ctx.dropped(
            f"{pointer}/content",
            "the thinking text is the summary; a thinking block has room for one text",
        )
    text = "\n\n".join(summary or content)
    state.blocks.append({"type": "thinking", "thinking": text, "signature": payload})


def _function_call(state: _Content, item: Item, pointer: str) -> None:
    apply_drops(state.ctx, "ResponseFunctionToolCall", item, _CALL_EXTRAS, pointer)
    state.blocks.append(
        {
            "type": "tool_use",
            "id": state.tool_id(item["call_id"], pointer),
            "name": item["name"],
            "input": parse_arguments(item["arguments"], state.ctx, f"{pointer}/arguments"),
        }
    )
    state.has_calls = True


def _custom_tool_call(state: _Content, item: Item, pointer: str) -> None:
    """A custom tool call -> tool_use whose input is `{"input": <the text>}`."""
    apply_drops(state.ctx, "ResponseCustomToolCall", item, _CUSTOM_CALL_EXTRAS, pointer)
    state.blocks.append(
        {
            "type": "tool_use",
            "id": state.tool_id(item["call_id"], pointer),
            "name": item["name"],
            "input": {CUSTOM_TOOL_INPUT: item["input"]},
        }
    )
    state.has_calls = True


def server_tool_id(item_id_: str) -> str:
    """A web_search_call id -> an Anthropic server tool id (`srvtoolu_` + word characters).

    >>> server_tool_id("ws_68af0c1b"), server_tool_id("ws_01XF_3")
    ('srvtoolu_68af0c1b', 'srvtoolu_01XF_3')
    """
    body = _SERVER_ID_CHARS.sub("_", item_id_.removeprefix("ws_"))
    return SERVER_TOOL_ID_PREFIX + (body or "0")


def _web_search_call(state: _Content, item: Item, pointer: str) -> None:
    """A search web_search_call -> server_tool_use + web_search_tool_result.

    Its sources cannot become Anthropic search results (they need a title and Anthropic's
    encrypted page content), so a completed search has an empty result list; a failed one
    an error result; one still running has no result yet.
    """
    ctx = state.ctx
    action = item["action"]
    if action["type"] != "search":
        ctx.apply_drop(_DROPPED_ACTIONS[action["type"]], f"{pointer}/action", action)
        return
    queries: list[str] = action.get("queries") or []
    query = action.get("query")
    if query is None and queries:
        query = queries[0]
    if queries:
        extra = [q for q in queries if q != query]
        ctx.apply_drop("ActionSearch/queries", f"{pointer}/action/queries", extra)
    if (sources := action.get("sources")) is not None:
        ctx.apply_drop("ActionSearch/sources", f"{pointer}/action/sources", sources)
    tool_id = server_tool_id(item["id"])
    state.blocks.append(
        {
            "type": "server_tool_use",
            "id": tool_id,
            "name": WEB_SEARCH,
            "input": {} if query is None else {"query": query},
        }
    )
    status = item["status"]
    if status == COMPLETED:
        result: Any = []
    elif status == "failed":
        result = {"type": "web_search_tool_result_error", "error_code": _SEARCH_FAILED}
    else:
        return
    state.blocks.append(
        {"type": "web_search_tool_result", "tool_use_id": tool_id, "content": result}
    )


_TO_ANTHROPIC = {
    "message": _message,
    "reasoning": _reasoning,
    "function_call": _function_call,
    "custom_tool_call": _custom_tool_call,
    "web_search_call": _web_search_call,
}


def _call_ids(output: Sequence[Item]) -> Iterator[str]:
    for item in output:
        if item["type"] in _CALL_TYPES:
            yield item["call_id"]


def _stop_reason(
    status: str | None, incomplete_details: Block | None, has_calls: bool, ctx: Context
) -> str:
    """status + incomplete_details.reason -> stop_reason through the `response_stop` table.

    A completed Response with tool calls is Anthropic's tool_use. A Response without a
    status is taken as completed. Statuses with no row (failed, cancelled, in_progress,
    queued) are refused at /status.
    """
    reason = (incomplete_details or {}).get("reason")
    pointer = "/status"
    if status is None or status == COMPLETED:
        outcome = COMPLETED
    elif status == INCOMPLETE and reason is not None:
        outcome, pointer = reason, "/incomplete_details/reason"
    else:
        outcome = status
    stop: str = ctx.map_enum(OUTCOME_TABLE, outcome, pointer)
    return "tool_use" if stop == "end_turn" and has_calls else stop


@transform(
    "output_items.responses_to_anthropic",
    source="responses.response",
    target="anthropic.response",
    reads=("/output", "/status", "/incomplete_details"),
    writes=("/content", "/stop_reason", "/stop_details"),
    handles=(
        OUTCOME_TABLE,
        *(f"ResponseOutputMessage/{key}" for key in _MESSAGE_EXTRAS),
        *(f"ResponseOutputText/{key}" for key in _TEXT_EXTRAS),
        "ResponseReasoningItem/status",
        *(f"ResponseFunctionToolCall/{key}" for key in _CALL_EXTRAS),
        *(f"ResponseCustomToolCall/{key}" for key in _CUSTOM_CALL_EXTRAS),
        "ActionSearch/queries",
        "ActionSearch/sources",
        *_DROPPED_ACTIONS.values(),
        *RESPONSES_OUTPUT_ITEMS.values(),
    ),
)
def responses_to_anthropic(
    output: list[Item], status: str | None, incomplete_details: Block | None, ctx: Context
) -> tuple[list[Block], str, Block | None]:
    """Response output + status + incomplete_details -> (content, stop_reason, stop_details).

    Items become blocks in their order. Refusal parts become `stop_details` (their texts
    joined by blank lines) and make the stop reason `refusal`, whatever the status.
    Reports dropped items and fields through the table's rows, foreign reasoning items,
    `coerced` tool-call ids, malformed arguments.
    Example: [{"type": "custom_tool_call", "call_id": "call_1", "name": "apply_patch",
    "input": "*** Begin Patch"}], "completed" -> ([{"type": "tool_use", "id": "call_1",
    "name": "apply_patch", "input": {"input": "*** Begin Patch"}}], "tool_use", None).
    """
    state = _Content(ctx, ToolIdMap(_call_ids(output)))
    for i, item in enumerate(output):
        pointer = f"/output/{i}"
        kind = item["type"]
        handler = _TO_ANTHROPIC.get(kind)
        if handler is not None:
            handler(state, item, pointer)
        elif (definition := RESPONSES_OUTPUT_ITEMS.get(kind)) is not None:
            ctx.apply_drop(definition, pointer, item)
        else:
            ctx.dropped(pointer, f"a {kind} item has no Anthropic content block")
    stop = _stop_reason(status, incomplete_details, state.has_calls, ctx)
    if not state.refusals:
        return state.blocks, stop, None
    details = {"type": "refusal", "explanation": "\n\n".join(state.refusals)}
    return state.blocks, "refusal", details


@transform(
    "output_items.id_responses_to_anthropic",
    source="responses.response",
    target="anthropic.response",
    reads=("/id",),
    writes=("/id",),
)
def id_responses_to_anthropic(response_id_: str, ctx: Context) -> str:
    """The Response id -> the Message id (`msg_` + its body). Example: "resp_68af" -> "msg_68af"."""
    return response_id("anthropic", response_id_)


@transform(
    "output_items.usage_responses_to_anthropic",
    source="responses.response",
    target="anthropic.response",
    reads=("/usage", "/tool_usage"),
    writes=("/usage",),
    handles=("InputTokensDetails/cache_write_tokens_details", "ToolUsage/image_gen"),
)
def usage_responses_to_anthropic(
    usage: Block | None, tool_usage: Block | None, ctx: Context
) -> tokens.Usage:
    """Responses usage + tool_usage -> Anthropic usage (required there, so always written).

    Counts go through tokens.py (Anthropic input_tokens excludes cache reads and writes);
    reasoning tokens become output_tokens_details.thinking_tokens when there are any; web
    searches become server_tool_use. A Response without usage gets zero counts, `coerced`.
    Example: {"input_tokens": 110, "input_tokens_details": {"cached_tokens": 100, ...},
    "output_tokens": 7, ...} -> {"input_tokens": 10, "cache_read_input_tokens": 100, ...}.
    """
    if usage is None:
        ctx.coerced(
            "/usage", "the Response reports no usage; Anthropic requires it, zero counts sent"
        )
        counts = tokens.Tokens(input=0, output=0)
    else:
        counts = tokens.from_responses(usage)
        ttls = usage["input_tokens_details"].get("cache_write_tokens_details")
        if ttls is not None:
            ctx.apply_drop(
                "InputTokensDetails/cache_write_tokens_details",
                "/usage/input_tokens_details/cache_write_tokens_details",
                ttls,
            )
        if counts.cache_read + counts.cache_write > counts.input:
            ctx.coerced(
                "/usage/input_tokens",
                "fewer input tokens than cached ones; Anthropic's uncached input_tokens is 0",
            )
    result = tokens.to_anthropic(counts)
    if counts.reasoning:
        result["output_tokens_details"] = {"thinking_tokens": counts.reasoning}
    if tool_usage is not None:
        result["server_tool_use"] = {
            "web_search_requests": tool_usage["web_search"]["num_requests"],
            "web_fetch_requests": 0,
        }
        image_gen = {k: v for k, v in tool_usage["image_gen"].items() if v is not None}
        ctx.apply_drop("ToolUsage/image_gen", "/tool_usage/image_gen", image_gen)
    return result
