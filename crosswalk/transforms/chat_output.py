"""Response bodies, both directions: Chat `ChatCompletion` <-> Responses `Response`.

A Response lists output items (reasoning, message, function_call, custom_tool_call, hosted
tool calls ...); a ChatCompletion holds one assistant message per choice with three
places: `reasoning_content` (non-standard), `content` and `tool_calls`. Towards Responses
the one message becomes items in that order (reasoning, message, calls), with ids derived
from the completion id (`response_ids.item_id`). Towards Chat the items fold into the
message; an item after a later kind is reported coerced (its position is lost), and hosted
tool items (web search, file search, code interpreter, shell, MCP ...) are dropped by their
rows: the model already used them upstream and Chat cannot represent them.

`finish_reason` <-> `status` + `incomplete_details` goes through the
`chat_incomplete_reason` value table. Custom tools and their calls map directly. Field
fates are table rows; this module applies them by key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crosswalk.transforms import response_ids, tokens
from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform
from crosswalk.transforms.completion import ONE_ANSWER, chat_web_annotation, reasoning_and_content
from crosswalk.transforms.unions import (
    CHAT_DETAILS_FIELD,
    CHAT_USAGE_DETAILS,
    RESPONSES_OUTPUT_ITEMS,
)

Block = dict[str, Any]

# The nested enum rows that bind the `chat_incomplete_reason` value table.
_FINISH_REASON = "Choice/finish_reason"
_INCOMPLETE_REASON = "IncompleteDetails/reason"

_LEGACY_CALL = "legacy function_call sent as a function_call item with the call id {call_id!r}"
_NO_TEXT = "the message has no text for these to refer to"
_OUT_OF_ORDER = (
    "Chat keeps reasoning, text and tool calls apart, in that order; "
    "this item's position among the others is lost"
)
_NO_REASON = "an incomplete response without a reason: `length` was sent"
_UNFINISHED = (
    "a {status} response is not a finished answer and Chat has no completion for it "
    "(a failed response is an error: convert its error instead)"
)
_SUMMARY_USED = (
    "Chat has one reasoning text: the summary was used and the full reasoning text is lost"
)
_SUB_SECOND = "Chat's created is whole seconds; the fraction was dropped"
_NO_TIER = "Chat has no service tier {value!r}"
_ONE_RESULT = "Responses carries one moderation result per side; the first was kept"
_OTHER_MODEL = "Responses names only the result's moderation model, which differs from this one"
_NO_RESULT = "moderation without results: Responses needs one result per side"

# Chat's service tiers (openai 3.54.0 ChatCompletion.service_tier); Responses has one more.
CHAT_TIERS = frozenset({"auto", "default", "flex", "scale", "priority", "fast"})
_RESULT_FIELDS = (
    "categories",
    "category_applied_input_types",
    "category_scores",
    "flagged",
    "model",
)

# ================================================================================
# chat -> responses
# ================================================================================


@transform(
    "chat_output.id_chat_to_responses",
    source="chat.response",
    target="responses.response",
    reads=("/id",),
    writes=("/id",),
)
def id_chat_to_responses(completion_id: str, ctx: Context) -> str:
    """The completion id under the Responses prefix. Example: "chatcmpl-ab" -> "resp_ab"."""
    return response_ids.response_id("responses", completion_id)


def token_bytes(entry: Mapping[str, Any]) -> list[int]:
    """A logprob entry's `bytes`, or the UTF-8 bytes of its token when Chat sent null.

    >>> token_bytes({"token": "hé", "bytes": None})
    [104, 195, 169]
    """
    value = entry.get("bytes")
    return list(value) if value is not None else list(str(entry["token"]).encode("utf-8"))


def _responses_logprobs(entries: Sequence[Mapping[str, Any]]) -> list[Block]:
    """Chat token logprobs -> Responses `Logprob`s (the same fields; bytes always present)."""
    return [
        {
            "token": e["token"],
            "logprob": e["logprob"],
            "bytes": token_bytes(e),
            "top_logprobs": [
                {"token": t["token"], "logprob": t["logprob"], "bytes": token_bytes(t)}
                for t in e.get("top_logprobs") or ()
            ],
        }
        for e in entries
    ]


def _output_text(text: str, message: Mapping[str, Any], choice: Mapping[str, Any]) -> Block:
    """The message's content -> one `output_text` part, with annotations and logprobs."""
    part: Block = {
        "type": "output_text",
        "text": text,
        "annotations": [
            {"type": "url_citation", **a["url_citation"]} for a in message.get("annotations") or ()
        ],
    }
    logprobs = choice.get("logprobs") or {}
    if (entries := logprobs.get("content")) is not None:
        part["logprobs"] = _responses_logprobs(entries)
    return part


def _message_item(
    choice: Mapping[str, Any],
    content: str | None,
    item_id: str,
    status: str,
    ctx: Context,
    pointer: str,
) -> Block | None:
    """content (without inline reasoning) + refusal -> a message item, or None when the
    message has neither.

    Annotations and logprobs of a message without text have nothing to attach to (reported);
    logprobs of a refusal have no Responses place (their row).
    """
    message = choice["message"]
    parts: list[Block] = []
    if content is not None:
        parts.append(_output_text(content, message, choice))
    else:
        if message.get("annotations"):
            ctx.dropped(f"{pointer}/message/annotations", _NO_TEXT)
        if (choice.get("logprobs") or {}).get("content"):
            ctx.dropped(f"{pointer}/logprobs/content", _NO_TEXT)
    if (refusal_logprobs := (choice.get("logprobs") or {}).get("refusal")) is not None:
        ctx.apply_drop("ChoiceLogprobs/refusal", f"{pointer}/logprobs/refusal", refusal_logprobs)
    if (refusal := message.get("refusal")) is not None:
        parts.append({"type": "refusal", "refusal": refusal})
    if not parts:
        return None
    return {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": status,
        "content": parts,
    }


def _call_item(call: Mapping[str, Any], item_id: str) -> Block:
    """A Chat tool call -> a function_call or custom_tool_call item (same call id)."""
    if call.get("type") == "custom":
        custom = call["custom"]
        return {
            "type": "custom_tool_call",
            "id": item_id,
            "call_id": call["id"],
            "name": custom["name"],
            "input": custom["input"],
        }
    fn = call["function"]
    return {
        "type": "function_call",
        "id": item_id,
        "call_id": call["id"],
        "name": fn["name"],
        "arguments": fn["arguments"],
        "status": "completed",
    }


class _Items:
    """Output items under construction; ids are `<prefix>_<completion id body>_<index>`."""

    __slots__ = ("items", "source_id")

    def __init__(self, source_id: str) -> None:
        self.source_id = source_id
        self.items: list[Block] = []

    def next_id(self, prefix: str) -> str:
        return response_ids.item_id(prefix, self.source_id, len(self.items))


@transform(
    "chat_output.chat_to_responses",
    source="chat.response",
    target="responses.response",
    reads=("/choices", "/id"),
    writes=("/output", "/status", "/incomplete_details"),
    handles=(_FINISH_REASON, "ChoiceLogprobs/refusal", "ChatCompletionMessage/audio"),
)
def chat_to_responses(
    choices: Sequence[Block], ctx: Context
) -> tuple[list[Block], str, Block | None]:
    """Choice 0 -> (output items, status, incomplete_details); other choices are dropped.

    Items, in Chat's order: a reasoning item (one summary part holding `reasoning_content`,
    no encrypted content), a message item (output_text with annotations and logprobs, then
    a refusal part), then one function_call / custom_tool_call item per tool call (the
    call id is the tool call's id). A finish_reason in the `chat_incomplete_reason` table
    makes the response `incomplete` with that reason; the others complete it.

    >>> from crosswalk.transforms import Options, FieldRule
    >>> from crosswalk.transforms._policy import ModelPolicy
    >>> rules = {"Choice/finish_reason": FieldRule("enum", mapping={"length": "max_output_tokens"})}
    >>> ctx = Context({"id": "chatcmpl-ab"}, rules, Options(policy=ModelPolicy(rules=())))
    >>> items, status, details = chat_to_responses([{"index": 0, "finish_reason": "length",
    ...     "message": {"role": "assistant", "content": "Once"}}], ctx)
    >>> items[0]["id"], items[0]["status"], status, details
    ('msg_ab_0', 'incomplete', 'incomplete', {'reason': 'max_output_tokens'})
    """
    if not choices:
        return [], "completed", None
    for k in range(1, len(choices)):
        ctx.dropped(f"/choices/{k}", ONE_ANSWER)
    choice, pointer = choices[0], "/choices/0"
    message = choice["message"]
    reason = ctx.rule(_FINISH_REASON).mapping.get(choice["finish_reason"])
    status = "completed" if reason is None else "incomplete"
    out = _Items(str(ctx.src.get("id", "")))
    thought, content = reasoning_and_content(message)
    if thought is not None:
        out.items.append(
            {
                "type": "reasoning",
                "id": out.next_id("rs"),
                "summary": [{"type": "summary_text", "text": thought}],
            }
        )
    if (audio := message.get("audio")) is not None:
        ctx.apply_drop("ChatCompletionMessage/audio", f"{pointer}/message/audio", audio)
    item = _message_item(choice, content, out.next_id("msg"), status, ctx, pointer)
    if item is not None:
        out.items.append(item)
    for call in message.get("tool_calls") or ():
        prefix = "ctc" if call.get("type") == "custom" else "fc"
        out.items.append(_call_item(call, out.next_id(prefix)))
    if (legacy := message.get("function_call")) is not None:
        call_id = "call_" + response_ids.core(out.source_id)
        ctx.coerced(f"{pointer}/message/function_call", _LEGACY_CALL.format(call_id=call_id))
        out.items.append(
            _call_item({"id": call_id, "type": "function", "function": legacy}, out.next_id("fc"))
        )
    return out.items, status, None if reason is None else {"reason": reason}


def _responses_usage(usage: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    """Chat usage -> Responses usage, reporting the details Responses has no field for."""
    for definition, keys in CHAT_USAGE_DETAILS.items():
        field = CHAT_DETAILS_FIELD[definition]
        details = usage.get(field) or {}
        apply_drops(ctx, definition, details, keys, f"/usage/{field}")
    return tokens.to_responses(tokens.from_chat(dict(usage)))


@transform(
    "chat_output.usage_chat_to_responses",
    source="chat.response",
    target="responses.response",
    reads=("/usage",),
    writes=("/usage",),
    handles=tuple(f"{d}/{k}" for d, keys in CHAT_USAGE_DETAILS.items() for k in keys),
)
def usage_chat_to_responses(usage: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    """Chat `usage` -> Responses `usage`, through tokens.py (both count cache in the input).

    Cache writes and reasoning tokens are kept (unknown reasoning is 0: Responses requires
    the count); modality and prediction breakdowns follow their rows.

    >>> from crosswalk.transforms import Options
    >>> from crosswalk.transforms._policy import ModelPolicy
    >>> ctx = Context({}, {}, Options(policy=ModelPolicy(rules=())))
    >>> usage_chat_to_responses({"prompt_tokens": 9, "completion_tokens": 2,
    ...                          "total_tokens": 11}, ctx)["input_tokens_details"]
    {'cached_tokens': 0, 'cache_write_tokens': 0}
    """
    return _responses_usage(usage, ctx)


def _responses_moderation_side(side: Mapping[str, Any], ctx: Context, pointer: str) -> Block | None:
    """One side of Chat's moderation -> Responses' (its first result), or None."""
    if side.get("type") == "error":
        return {"type": "error", "code": side["code"], "message": side["message"]}
    results = side["results"]
    if not results:
        ctx.dropped(pointer, _NO_RESULT)
        return None
    for k in range(1, len(results)):
        ctx.dropped(f"{pointer}/results/{k}", _ONE_RESULT)
    first = results[0]
    if side.get("model") != first["model"]:
        ctx.dropped(f"{pointer}/model", _OTHER_MODEL)
    return {"type": "moderation_result", **{key: first[key] for key in _RESULT_FIELDS}}


@transform(
    "chat_output.moderation_chat_to_responses",
    source="chat.response",
    target="responses.response",
    reads=("/moderation",),
    writes=("/moderation",),
)
def moderation_chat_to_responses(moderation: Mapping[str, Any], ctx: Context) -> Block | None:
    """Chat moderation (a list of results per side) -> Responses (one result per side).

    Both sides are required there, so a side without any result drops the whole field.
    The list's own `model` is normally its result's (each result names its model); a
    different one is reported dropped.
    """
    sides: Block = {}
    for side in ("input", "output"):
        converted = _responses_moderation_side(moderation[side], ctx, f"/moderation/{side}")
        if converted is None:
            return None
        sides[side] = converted
    return sides


# ================================================================================
# responses -> chat
# ================================================================================

# Chat's order of places within its one message: reasoning, text, tool calls.
_RANK: Mapping[str, int] = {
    "reasoning": 0,
    "message": 1,
    "function_call": 2,
    "custom_tool_call": 2,
}
# Output items Chat cannot carry, by the definition whose drop row states why.
_DROPPED_ITEMS: Mapping[str, str] = {
    "web_search_call": "ResponseFunctionWebSearch",
    **RESPONSES_OUTPUT_ITEMS,
}
_DROPPED_ANNOTATIONS: Mapping[str, str] = {
    "file_citation": "AnnotationFileCitation",
    "container_file_citation": "AnnotationContainerFileCitation",
    "file_path": "AnnotationFilePath",
}
# Item fields with no Chat place, applied through their rows (`<Def>/<field>`).
_ITEM_EXTRAS: Mapping[str, tuple[str, ...]] = {
    "ResponseReasoningItem": ("id", "status", "encrypted_content"),
    "ResponseOutputMessage": ("id", "status", "phase"),
    "ResponseFunctionToolCall": ("id", "status", "caller", "namespace", "async"),
    "ResponseCustomToolCall": ("id", "caller", "namespace", "async"),
}
_ITEM_DEFS: Mapping[str, str] = {
    "reasoning": "ResponseReasoningItem",
    "message": "ResponseOutputMessage",
    "function_call": "ResponseFunctionToolCall",
    "custom_tool_call": "ResponseCustomToolCall",
}


@transform(
    "chat_output.id_responses_to_chat",
    source="responses.response",
    target="chat.response",
    reads=("/id", "/created_at"),
    writes=("/id", "/created"),
)
def id_responses_to_chat(response_id: str, created_at: float, ctx: Context) -> tuple[str, int]:
    """The response id under Chat's prefix, and `created_at` in whole seconds.

    A fractional timestamp loses its fraction (coerced).
    Example: ("resp_68af", 1756781646.0) -> ("chatcmpl-68af", 1756781646).
    """
    created = int(created_at)
    if created != created_at:
        ctx.coerced("/created_at", _SUB_SECOND)
    return response_ids.response_id("chat", response_id), created


class _Message:
    """The one Chat message a list of output items folds into."""

    __slots__ = (
        "annotations",
        "calls",
        "ctx",
        "length",
        "logprobs",
        "refusals",
        "texts",
        "thoughts",
    )

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.texts: list[str] = []
        self.length = 0  # characters of text so far: where the next part's offsets start
        self.refusals: list[str] = []
        self.thoughts: list[str] = []
        self.calls: list[Block] = []
        self.annotations: list[Block] = []
        self.logprobs: list[Block] = []

    def reasoning(self, item: Mapping[str, Any], pointer: str) -> None:
        """Summary texts (else the full reasoning text) joined by a blank line."""
        summary = [part["text"] for part in item.get("summary") or ()]
        content = [part["text"] for part in item.get("content") or ()]
        if summary and content:
            self.ctx.dropped(f"{pointer}/content", _SUMMARY_USED)
        texts = summary or content
        if texts:
            self.thoughts.append("\n\n".join(texts))

    def message(self, item: Mapping[str, Any], pointer: str) -> None:
        for k, part in enumerate(item["content"]):
            if part.get("type") == "refusal":
                self.refusals.append(part["refusal"])
            else:
                self._text(part, f"{pointer}/content/{k}")

    def _text(self, part: Mapping[str, Any], pointer: str) -> None:
        offset = self.length
        for k, annotation in enumerate(part.get("annotations") or ()):
            kind = str(annotation.get("type"))
            if kind == "url_citation":
                self.annotations.append(
                    chat_web_annotation(
                        annotation["url"],
                        annotation["title"],
                        annotation["start_index"] + offset,
                        annotation["end_index"] + offset,
                    )
                )
            elif (definition := _DROPPED_ANNOTATIONS.get(kind)) is not None:
                self.ctx.apply_drop(definition, f"{pointer}/annotations/{k}", annotation)
            else:
                self.ctx.dropped(
                    f"{pointer}/annotations/{k}", f"a {kind} annotation has no Chat counterpart"
                )
        for entry in part.get("logprobs") or ():
            self.logprobs.append(
                {
                    "token": entry["token"],
                    "logprob": entry["logprob"],
                    "bytes": entry["bytes"],
                    "top_logprobs": [
                        {"token": t["token"], "logprob": t["logprob"], "bytes": t["bytes"]}
                        for t in entry["top_logprobs"]
                    ],
                }
            )
        self.texts.append(part["text"])
        self.length += len(part["text"])

    def call(self, item: Mapping[str, Any]) -> None:
        if item["type"] == "custom_tool_call":
            self.calls.append(
                {
                    "id": item["call_id"],
                    "type": "custom",
                    "custom": {"name": item["name"], "input": item["input"]},
                }
            )
        else:
            self.calls.append(
                {
                    "id": item["call_id"],
                    "type": "function",
                    "function": {"name": item["name"], "arguments": item["arguments"]},
                }
            )

    def build(self) -> Block:
        """Chat's message; `content` is null beside tool calls or a refusal, else a string."""
        message: Block = {
            "role": "assistant",
            "content": None,
            "refusal": "".join(self.refusals) if self.refusals else None,
            "annotations": self.annotations,
        }
        if self.texts or not (self.calls or self.refusals):
            message["content"] = "".join(self.texts)
        if self.thoughts:
            message["reasoning_content"] = "\n\n".join(self.thoughts)
        if self.calls:
            message["tool_calls"] = self.calls
        return message


def _drop_item_extras(item: Mapping[str, Any], definition: str, ctx: Context, pointer: str) -> None:
    apply_drops(ctx, definition, item, _ITEM_EXTRAS[definition], pointer)


def _finish_reason(
    status: str | None, details: Mapping[str, Any] | None, has_calls: bool, ctx: Context
) -> str:
    """status + incomplete_details -> finish_reason (`chat_incomplete_reason` table).

    A completed (or status-less) response stops with `tool_calls` when it calls tools,
    else `stop`; an unfinished or failed one is refused at /status.
    """
    if status is None or status == "completed":
        return "tool_calls" if has_calls else "stop"
    if status != "incomplete":
        ctx.refuse("/status", _UNFINISHED.format(status=status))
    reason = (details or {}).get("reason")
    if reason is None:
        ctx.coerced("/status", _NO_REASON)
        return "length"
    finish: str = ctx.map_enum(_INCOMPLETE_REASON, reason, "/incomplete_details/reason")
    return finish


@transform(
    "chat_output.responses_to_chat",
    source="responses.response",
    target="chat.response",
    reads=("/output", "/status", "/incomplete_details"),
    writes=("/choices",),
    handles=(
        _INCOMPLETE_REASON,
        *(f"{d}/{k}" for d, keys in _ITEM_EXTRAS.items() for k in keys),
        *_DROPPED_ITEMS.values(),
        *_DROPPED_ANNOTATIONS.values(),
    ),
)
def responses_to_chat(
    output: Sequence[Block],
    status: str | None,
    incomplete_details: Mapping[str, Any] | None,
    ctx: Context,
) -> list[Block]:
    """Output items + status -> the one Chat choice.

    Reasoning items become `reasoning_content` (summary parts, else the reasoning text,
    joined by a blank line; encrypted content cannot follow), message text `content` (with
    annotations shifted to the joined text and logprobs), refusal parts `refusal`,
    function and custom tool calls `tool_calls` (call_id is the tool call id). Hosted-tool
    items are dropped by their rows.

    >>> from crosswalk.transforms import Options
    >>> from crosswalk.transforms._policy import ModelPolicy
    >>> ctx = Context({}, {}, Options(policy=ModelPolicy(rules=())))
    >>> responses_to_chat([{"type": "message", "role": "assistant", "content": [
    ...     {"type": "output_text", "text": "hi", "annotations": []}]}], "completed", None, ctx)
    [{'index': 0, 'message': {'role': 'assistant', 'content': 'hi', 'refusal': None, 'annotations': []}, 'logprobs': None, 'finish_reason': 'stop'}]
    """
    message = _Message(ctx)
    highest = 0
    for i, item in enumerate(output):
        pointer = f"/output/{i}"
        kind = str(item.get("type"))
        rank = _RANK.get(kind)
        if rank is None:
            definition = _DROPPED_ITEMS.get(kind)
            if definition is None:
                ctx.dropped(pointer, f"a {kind} item has no Chat counterpart")
            else:
                ctx.apply_drop(definition, pointer, item)
            continue
        if rank < highest:
            ctx.coerced(pointer, _OUT_OF_ORDER)
        highest = max(highest, rank)
        _drop_item_extras(item, _ITEM_DEFS[kind], ctx, pointer)
        if kind == "reasoning":
            message.reasoning(item, pointer)
        elif kind == "message":
            message.message(item, pointer)
        else:
            message.call(item)
    finish = _finish_reason(status, incomplete_details, bool(message.calls), ctx)
    logprobs = {"content": message.logprobs, "refusal": None} if message.logprobs else None
    return [{"index": 0, "message": message.build(), "logprobs": logprobs, "finish_reason": finish}]


@transform(
    "chat_output.usage_responses_to_chat",
    source="responses.response",
    target="chat.response",
    reads=("/usage",),
    writes=("/usage",),
    handles=("InputTokensDetails/cache_write_tokens_details",),
)
def usage_responses_to_chat(usage: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Responses `usage` -> Chat `usage`, through tokens.py (both count cache in the input).

    Cache writes and reasoning tokens are kept. The 30m/12h split of cache writes is
    reported only when some writes have the 12h TTL (otherwise Chat's one count says it).

    >>> from crosswalk.transforms import Options
    >>> from crosswalk.transforms._policy import ModelPolicy
    >>> ctx = Context({}, {}, Options(policy=ModelPolicy(rules=())))
    >>> usage_responses_to_chat({"input_tokens": 9, "output_tokens": 2, "total_tokens": 11,
    ...     "input_tokens_details": {"cached_tokens": 4, "cache_write_tokens": 0},
    ...     "output_tokens_details": {"reasoning_tokens": 1}}, ctx)["completion_tokens_details"]
    {'reasoning_tokens': 1}
    """
    details = usage.get("input_tokens_details") or {}
    split = details.get("cache_write_tokens_details")
    if split is not None and split.get("ttl_12h_tokens"):
        ctx.apply_drop(
            "InputTokensDetails/cache_write_tokens_details",
            "/usage/input_tokens_details/cache_write_tokens_details",
            split,
        )
    return tokens.to_chat(tokens.from_responses(usage))


@transform(
    "chat_output.service_tier_responses_to_chat",
    source="responses.response",
    target="chat.response",
    reads=("/service_tier",),
    writes=("/service_tier",),
)
def service_tier_responses_to_chat(service_tier: str, ctx: Context) -> str | None:
    """The tier that served the response; Chat has every Responses tier but `ultrafast`,
    which is reported dropped (a response's tier is a report, so nothing is refused).

    Example: "priority" -> "priority"; "ultrafast" -> None (dropped).
    """
    if service_tier in CHAT_TIERS:
        return service_tier
    ctx.dropped("/service_tier", _NO_TIER.format(value=service_tier))
    return None


@transform(
    "chat_output.moderation_responses_to_chat",
    source="responses.response",
    target="chat.response",
    reads=("/moderation",),
    writes=("/moderation",),
)
def moderation_responses_to_chat(moderation: Mapping[str, Any], ctx: Context) -> Block:
    """Responses moderation (one result per side) -> Chat's (a list of one result per side).

    The list names the moderation model, which is the result's.
    """
    sides: Block = {}
    for side in ("input", "output"):
        part = moderation[side]
        if part.get("type") == "error":
            sides[side] = {"type": "error", "code": part["code"], "message": part["message"]}
        else:
            result = {key: part[key] for key in _RESULT_FIELDS}
            sides[side] = {
                "type": "moderation_results",
                "model": part["model"],
                "results": [{**result, "type": "moderation_result"}],
            }
    return sides
