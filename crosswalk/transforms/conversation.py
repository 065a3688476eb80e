"""The conversation, both directions: Chat `messages` <-> Responses `input` + `instructions`.

Chat -> Responses: each message becomes a message item in place (system and developer
messages keep their role and position, which Responses takes anywhere in `input`); an
assistant message becomes one message item (when it has text or a refusal) followed by
one `function_call` / `custom_tool_call` item per tool call, in order; a tool message
becomes a `function_call_output`, or a `custom_tool_call_output` when the call it answers
is custom. Assistant text stays a plain string where it was one; content parts or a
refusal need Responses' output-message shape, whose required `id` is `msg_<index>` (the
Chat message's index: stable, unique within the request).

Responses -> Chat: `instructions` becomes the leading system message; every assistant-side
item (assistant message, reasoning, function or custom call) up to the next other item
merges into one assistant message (text, then `reasoning_content`, then `tool_calls`);
each call output becomes a tool message, and images or files in an output, which a
tool message cannot carry, move to one user message right after the run of tool
messages (as messages.anthropic_to_chat does for Anthropic tool results).

Tool-call ids are the same string in both APIs (Chat `tool_calls[].id` = Responses
`call_id`). Field fates are table rows; this module applies them by key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform
from crosswalk.transforms.unions import RESPONSES_REQUEST_ITEMS

Part = dict[str, Any]
Msg = dict[str, Any]
Item = dict[str, Any]

_CHAT_MESSAGE_DEFS: Mapping[str, str] = {
    "system": "ChatCompletionSystemMessageParam",
    "developer": "ChatCompletionDeveloperMessageParam",
    "user": "ChatCompletionUserMessageParam",
    "assistant": "ChatCompletionAssistantMessageParam",
}
_ASSISTANT_EXTRAS = ("name", "audio", "reasoning_content")
_NO_OUTPUT_BREAKPOINT = (
    "Responses output_text parts carry no cache breakpoint (assistant text is replayed as output)"
)
_LEGACY_CALL_ID = "fc_{n}"

# ================================================================================
# chat -> responses
# ================================================================================


def breakpoint_from_cache_control(cache: Mapping[str, Any], ctx: Context, pointer: str) -> Part:
    """An Anthropic-style `cache_control` (accepted by Chat gateways) -> OpenAI's explicit
    `prompt_cache_breakpoint`; a 1h ttl has no Responses lifetime (30m or 12h): `coerced`.

    >>> breakpoint_from_cache_control({"type": "ephemeral"}, None, "")  # type: ignore[arg-type]
    {'mode': 'explicit'}
    """
    if cache.get("ttl") == "1h":
        ctx.coerced(
            f"{pointer}/ttl",
            "Responses breakpoints live 30m or 12h; the 1h ttl was left to the 30m default",
        )
    return {"mode": "explicit"}


def _with_breakpoint(out: Part, part: Mapping[str, Any], ctx: Context, pointer: str) -> Part:
    """Copy a Chat part's cache marker: `prompt_cache_breakpoint` as is, else `cache_control`
    converted; both present: the breakpoint wins and cache_control is reported dropped."""
    bp = part.get("prompt_cache_breakpoint")
    cache = part.get("cache_control")
    if bp is not None:
        out["prompt_cache_breakpoint"] = bp
        if cache is not None:
            ctx.dropped(
                f"{pointer}/cache_control", "superseded by prompt_cache_breakpoint on the same part"
            )
    elif cache is not None:
        out["prompt_cache_breakpoint"] = breakpoint_from_cache_control(
            cache, ctx, f"{pointer}/cache_control"
        )
    return out


def input_part(part: Mapping[str, Any], ctx: Context, pointer: str) -> Part | None:
    """A Chat content part -> a Responses input part, or None when its row drops it.

    An image without `detail` gets "auto", Chat's default (Responses requires it).

    >>> input_part({"type": "text", "text": "hi"}, None, "")  # type: ignore[arg-type]
    {'type': 'input_text', 'text': 'hi'}
    """
    kind = part["type"]
    if kind == "text":
        return _with_breakpoint({"type": "input_text", "text": part["text"]}, part, ctx, pointer)
    if kind == "image_url":
        image = part["image_url"]
        out: Part = {
            "type": "input_image",
            "image_url": image["url"],
            "detail": image.get("detail") or "auto",
        }
        return _with_breakpoint(out, part, ctx, pointer)
    if kind == "file":
        file = part["file"]
        out = {"type": "input_file"}
        for key in ("file_data", "file_id", "filename"):
            if (value := file.get(key)) is not None:
                out[key] = value
        return _with_breakpoint(out, part, ctx, pointer)
    ctx.apply_drop("ChatCompletionContentPartInputAudioParam", pointer, part)
    return None


def _input_content(content: Any, ctx: Context, pointer: str) -> Any:
    """Chat message content (string or parts) -> Responses content; None if nothing is left."""
    if isinstance(content, str):
        return content
    parts = []
    for j, part in enumerate(content):
        converted = input_part(part, ctx, f"{pointer}/{j}")
        if converted is not None:
            parts.append(converted)
    return parts or None


def _drop_message_fields(
    m: Mapping[str, Any], keys: tuple[str, ...], ctx: Context, pointer: str
) -> None:
    definition = _CHAT_MESSAGE_DEFS[m["role"]]
    apply_drops(ctx, definition, m, keys, pointer)


def _output_parts(m: Mapping[str, Any], ctx: Context, pointer: str) -> list[Part]:
    """An assistant message's text and refusals -> Responses output message content."""
    content = m.get("content")
    parts: list[Part] = []
    if isinstance(content, str):
        if content:
            parts.append({"type": "output_text", "text": content, "annotations": []})
    else:
        for j, part in enumerate(content or ()):
            if part["type"] == "refusal":
                parts.append({"type": "refusal", "refusal": part["refusal"]})
                continue
            for key in ("prompt_cache_breakpoint", "cache_control"):
                if part.get(key) is not None:
                    ctx.dropped(f"{pointer}/content/{j}/{key}", _NO_OUTPUT_BREAKPOINT)
            parts.append({"type": "output_text", "text": part["text"], "annotations": []})
    if m.get("refusal"):
        parts.append({"type": "refusal", "refusal": m["refusal"]})
    return parts


def call_item(call: Mapping[str, Any]) -> Item:
    """A Chat tool call -> a Responses function_call or custom_tool_call item.

    >>> call_item({"id": "c1", "type": "custom", "custom": {"name": "p", "input": "x"}})
    {'type': 'custom_tool_call', 'call_id': 'c1', 'name': 'p', 'input': 'x'}
    """
    if call["type"] == "custom":
        custom = call["custom"]
        return {
            "type": "custom_tool_call",
            "call_id": call["id"],
            "name": custom["name"],
            "input": custom["input"],
        }
    fn = call["function"]
    return {
        "type": "function_call",
        "call_id": call["id"],
        "name": fn["name"],
        "arguments": fn["arguments"],
    }


class _Items:
    """Responses input items under construction, with what tool messages need to know:
    which call ids are custom, and the legacy function calls not yet answered."""

    __slots__ = ("ctx", "custom_ids", "items", "legacy", "legacy_count")

    def __init__(self, ctx: Context, messages: Sequence[Mapping[str, Any]]) -> None:
        self.ctx = ctx
        self.items: list[Item] = []
        self.custom_ids = {
            call["id"]
            for m in messages
            if m["role"] == "assistant"
            for call in m.get("tool_calls") or ()
            if call["type"] == "custom"
        }
        self.legacy: list[tuple[str, str]] = []
        self.legacy_count = 0

    def message(self, m: Mapping[str, Any], i: int) -> None:
        """A system, developer or user message -> a message item with the same role."""
        pointer = f"/messages/{i}"
        _drop_message_fields(m, ("name",), self.ctx, pointer)
        content = _input_content(m["content"], self.ctx, f"{pointer}/content")
        if content is None:
            self.ctx.dropped(pointer, "no content is left for Responses after its parts' rows")
            return
        self.items.append({"role": m["role"], "content": content})

    def assistant(self, m: Mapping[str, Any], i: int) -> None:
        pointer = f"/messages/{i}"
        _drop_message_fields(m, _ASSISTANT_EXTRAS, self.ctx, pointer)
        calls = [call_item(call) for call in m.get("tool_calls") or ()]
        if m.get("function_call") is not None:
            calls.append(self._legacy_call(m["function_call"], f"{pointer}/function_call"))
        content = m.get("content")
        if isinstance(content, str) and not m.get("refusal"):
            if content or not calls:
                self.items.append({"role": "assistant", "content": content})
        else:
            parts = _output_parts(m, self.ctx, pointer)
            if parts:
                self.items.append(
                    {
                        "type": "message",
                        "role": "assistant",
                        "id": f"msg_{i}",
                        "status": "completed",
                        "content": parts,
                    }
                )
            elif not calls:
                self.ctx.dropped(pointer, "an assistant message with no text, refusal or call")
        self.items.extend(calls)

    def _legacy_call(self, call: Mapping[str, Any], pointer: str) -> Item:
        self.legacy_count += 1
        call_id = _LEGACY_CALL_ID.format(n=self.legacy_count)
        self.ctx.coerced(
            pointer, f"legacy function_call sent as a function_call item with call_id {call_id!r}"
        )
        self.legacy.append((call_id, call["name"]))
        return {
            "type": "function_call",
            "call_id": call_id,
            "name": call["name"],
            "arguments": call["arguments"],
        }

    def tool(self, m: Mapping[str, Any], i: int) -> None:
        """A tool message -> the output item of the call it answers (custom or function)."""
        call_id = m["tool_call_id"]
        kind = "custom_tool_call_output" if call_id in self.custom_ids else "function_call_output"
        output = _output_content(m["content"], self.ctx, f"/messages/{i}/content")
        self.items.append({"type": kind, "call_id": call_id, "output": output})

    def function(self, m: Mapping[str, Any], i: int) -> None:
        """A legacy function message -> the output of the earliest unanswered legacy call
        of that name (Chat identifies legacy results by name only)."""
        match = next((k for k, (_, name) in enumerate(self.legacy) if name == m["name"]), None)
        if match is None:
            self.ctx.dropped(
                f"/messages/{i}", "answers no function_call of an earlier assistant message"
            )
            return
        call_id, _ = self.legacy.pop(match)
        self.items.append(
            {"type": "function_call_output", "call_id": call_id, "output": m.get("content") or ""}
        )


def _output_content(content: Any, ctx: Context, pointer: str) -> Any:
    """Tool message content -> call output: a string stays, text parts become input_text."""
    if isinstance(content, str):
        return content
    return [
        _with_breakpoint({"type": "input_text", "text": part["text"]}, part, ctx, f"{pointer}/{j}")
        for j, part in enumerate(content)
    ]


_ON_CHAT_ROLE: Mapping[str, Callable[[_Items, Mapping[str, Any], int], None]] = {
    "system": _Items.message,
    "developer": _Items.message,
    "user": _Items.message,
    "assistant": _Items.assistant,
    "tool": _Items.tool,
    "function": _Items.function,
}


@transform(
    "conversation.chat_to_responses",
    source="chat.request",
    target="responses.request",
    reads=("/messages",),
    writes=("/input",),
    handles=(
        "ChatCompletionSystemMessageParam/name",
        "ChatCompletionDeveloperMessageParam/name",
        "ChatCompletionUserMessageParam/name",
        *(f"ChatCompletionAssistantMessageParam/{key}" for key in _ASSISTANT_EXTRAS),
        "ChatCompletionContentPartInputAudioParam",
    ),
)
def chat_to_responses(messages: Sequence[Mapping[str, Any]], ctx: Context) -> list[Item]:
    """Chat messages -> Responses input items, in order.

    Reports `coerced` for legacy function calls (their call ids are synthesised) and
    1h cache_control ttls, `dropped` for what the rows drop, for breakpoints on
    assistant text, for empty messages and for function results that answer no call.

    >>> chat_to_responses([{"role": "developer", "content": "be brief"}], None)  # type: ignore[arg-type]
    [{'role': 'developer', 'content': 'be brief'}]
    """
    items = _Items(ctx, messages)
    for i, m in enumerate(messages):
        _ON_CHAT_ROLE[m["role"]](items, m, i)
    return items.items


# ================================================================================
# responses -> chat
# ================================================================================

# The Chat part types each role takes, and why the others are dropped there.
_PARTS_BY_ROLE: Mapping[str, tuple[frozenset[str], str]] = {
    "user": (frozenset({"text", "image_url", "file"}), "Chat user messages carry no refusals"),
    "system": (frozenset({"text"}), "Chat system messages carry text only"),
    "developer": (frozenset({"text"}), "Chat developer messages carry text only"),
    "assistant": (
        frozenset({"text", "refusal"}),
        "Chat assistant messages carry text and refusals only",
    ),
}
_MOVED = "Chat tool messages carry text only; moved to a user message after the tool messages"
_TEXT_AFTER_CALL = "Chat puts an assistant message's text before its tool calls; it came after one"
_ORPHAN_REASONING = (
    "reasoning with no assistant message or call after it: Chat has no message to attach it to"
)

# Fields without a Chat counterpart, per item definition (applied through their rows).
_ITEM_EXTRAS: Mapping[str, tuple[str, ...]] = {
    "EasyInputMessageParam": ("phase",),
    "Message": ("status",),
    "ResponseOutputMessageParam": ("id", "phase", "status"),
    "ResponseFunctionToolCallParam": ("id", "status", "async", "caller", "namespace"),
    "ResponseCustomToolCallParam": ("id", "async", "caller", "namespace"),
    "FunctionCallOutput": ("id", "status", "caller"),
    "ResponseCustomToolCallOutputParam": ("id", "caller"),
    "ResponseReasoningItemParam": ("id", "status", "encrypted_content"),
    "ResponseOutputTextParam": ("annotations", "logprobs"),
}
# Part definitions, by where the part sits: a message, or a function / custom call output.
_MESSAGE_PARTS = ("ResponseInputImageParam", "ResponseInputFileParam")
_FUNCTION_OUTPUT_PARTS = ("ResponseInputImageContentParam", "ResponseInputFileContentParam")


def _drop_item_fields(item: Mapping[str, Any], definition: str, ctx: Context, pointer: str) -> None:
    apply_drops(ctx, definition, item, _ITEM_EXTRAS[definition], pointer)


def _chat_text(part: Mapping[str, Any]) -> Part:
    out: Part = {"type": "text", "text": part["text"]}
    if (bp := part.get("prompt_cache_breakpoint")) is not None:
        out["prompt_cache_breakpoint"] = bp
    return out


def _chat_image(
    part: Mapping[str, Any], definition: str, ctx: Context, pointer: str
) -> Part | None:
    """A Responses input_image -> a Chat image_url part; an image given only by an OpenAI
    file id is refused by its row (Chat images take a URL)."""
    url = part.get("image_url")
    file_id = part.get("file_id")
    if url is None:
        if file_id is None:
            ctx.dropped(pointer, "an image with neither image_url nor file_id")
            return None
        ctx.apply_drop(f"{definition}/file_id", f"{pointer}/file_id", file_id)
        return None
    if file_id is not None:
        ctx.dropped(f"{pointer}/file_id", "superseded by image_url on the same part")
    image: Part = {"url": url}
    if (detail := part.get("detail")) is not None:
        image["detail"] = detail
    out: Part = {"type": "image_url", "image_url": image}
    if (bp := part.get("prompt_cache_breakpoint")) is not None:
        out["prompt_cache_breakpoint"] = bp
    return out


def _chat_file(part: Mapping[str, Any], definition: str, ctx: Context, pointer: str) -> Part | None:
    """A Responses input_file -> a Chat file part (data, id, name); a file given only by
    URL is dropped by its row (Chat files are inline or OpenAI file ids)."""
    apply_drops(ctx, definition, part, ("detail", "file_url"), pointer)
    file = {k: part[k] for k in ("file_data", "file_id", "filename") if part.get(k) is not None}
    if "file_data" not in file and "file_id" not in file:
        if part.get("file_url") is None:
            ctx.dropped(pointer, "a file with neither file_data, file_id nor file_url")
        return None
    out: Part = {"type": "file", "file": file}
    if (bp := part.get("prompt_cache_breakpoint")) is not None:
        out["prompt_cache_breakpoint"] = bp
    return out


def chat_part(
    part: Mapping[str, Any], defs: tuple[str, str], ctx: Context, pointer: str
) -> Part | None:
    """A Responses content part -> a Chat part, or None when dropped.

    `defs` names the image and file definitions of the part's position (message parts
    and function-output parts are distinct definitions with the same fields).

    >>> chat_part({"type": "refusal", "refusal": "no"}, _MESSAGE_PARTS, None, "")  # type: ignore[arg-type]
    {'type': 'refusal', 'refusal': 'no'}
    """
    kind = part["type"]
    if kind in ("input_text", "output_text"):
        if kind == "output_text":
            _drop_item_fields(part, "ResponseOutputTextParam", ctx, pointer)
        return _chat_text(part)
    if kind == "refusal":
        return {"type": "refusal", "refusal": part["refusal"]}
    if kind == "input_image":
        return _chat_image(part, defs[0], ctx, pointer)
    if kind == "input_file":
        return _chat_file(part, defs[1], ctx, pointer)
    ctx.dropped(pointer, f"a {kind} part has no Chat counterpart")
    return None


def _message_def(item: Mapping[str, Any]) -> str:
    """Which of the three message definitions an item is (their extras differ)."""
    if item["role"] == "assistant" and ("id" in item or "status" in item):
        return "ResponseOutputMessageParam"
    if "status" in item:
        return "Message"
    return "EasyInputMessageParam"


class _Run:
    """One Chat assistant message under construction from consecutive assistant items."""

    __slots__ = ("calls", "parts", "reasoning_at", "strings", "thoughts")

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.strings: list[str] | None = []  # the content while every piece is a string
        self.calls: list[Part] = []
        self.thoughts: list[str] = []
        self.reasoning_at: list[str] = []

    def add_content(self, content: Any, parts: list[Part]) -> None:
        if isinstance(content, str) and self.strings is not None:
            self.strings.append(content)
        else:
            self.strings = None
        self.parts.extend(parts)

    def message(self) -> Msg | None:
        if not (self.parts or self.calls or self.strings):
            return None
        msg: Msg = {"role": "assistant"}
        if self.strings is not None and len(self.strings) == 1:
            msg["content"] = self.strings[0]
        elif self.parts:
            msg["content"] = self.parts
        if self.thoughts:
            msg["reasoning_content"] = "\n\n".join(self.thoughts)
        if self.calls:
            msg["tool_calls"] = self.calls
        return msg


class _Messages:
    """Chat messages under construction: the open assistant run and the parts moved out
    of tool outputs, waiting for the end of the run of tool messages."""

    __slots__ = ("ctx", "moved", "out", "run", "unanswered")

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.out: list[Msg] = []
        self.run: _Run | None = None
        self.moved: list[Part] = []
        # (call_id, name, namespace) of each call no output has answered yet
        self.unanswered: list[tuple[str, str, str | None]] = []

    # -- bookkeeping -------------------------------------------------------------

    def open_run(self) -> _Run:
        self.flush_moved()
        if self.run is None:
            self.run = _Run()
        return self.run

    def close_run(self) -> None:
        run, self.run = self.run, None
        if run is None:
            return
        msg = run.message()
        if msg is not None:
            self.out.append(msg)
        elif run.thoughts:
            for pointer in run.reasoning_at:
                self.ctx.dropped(pointer, _ORPHAN_REASONING)

    def flush_moved(self) -> None:
        if self.moved:
            self.out.append({"role": "user", "content": self.moved})
            self.moved = []

    def finish(self) -> list[Msg]:
        self.close_run()
        self.flush_moved()
        return self.out

    # -- items ---------------------------------------------------------------------

    def message(self, item: Mapping[str, Any], pointer: str) -> None:
        _drop_item_fields(item, _message_def(item), self.ctx, pointer)
        role = item["role"]
        content = item["content"]
        parts: list[Part] = []
        if not isinstance(content, str):
            allowed, why = _PARTS_BY_ROLE[role]
            for j, part in enumerate(content):
                converted = chat_part(part, _MESSAGE_PARTS, self.ctx, f"{pointer}/content/{j}")
                if converted is None:
                    continue
                if converted["type"] in allowed:
                    parts.append(converted)
                else:
                    self.ctx.dropped(f"{pointer}/content/{j}", why)
        if role == "assistant":
            run = self.open_run()
            if run.calls:
                self.ctx.coerced(pointer, _TEXT_AFTER_CALL)
            if isinstance(content, str):
                parts = [{"type": "text", "text": content}]
            run.add_content(content, parts)
            return
        self.close_run()
        self.flush_moved()
        if not isinstance(content, str) and not parts:
            self.ctx.dropped(pointer, "no content is left for Chat after its parts' rows")
            return
        self.out.append({"role": role, "content": content if isinstance(content, str) else parts})

    def call(self, item: Mapping[str, Any], pointer: str) -> None:
        custom = item["type"] == "custom_tool_call"
        definition = "ResponseCustomToolCallParam" if custom else "ResponseFunctionToolCallParam"
        _drop_item_fields(item, definition, self.ctx, pointer)
        call: Part
        if custom:
            call = {
                "id": item["call_id"],
                "type": "custom",
                "custom": {"name": item["name"], "input": item["input"]},
            }
        else:
            call = {
                "id": item["call_id"],
                "type": "function",
                "function": {"name": item["name"], "arguments": item["arguments"]},
            }
        self.open_run().calls.append(call)
        self.unanswered.append((item["call_id"], item["name"], item.get("namespace")))

    def reasoning(self, item: Mapping[str, Any], pointer: str) -> None:
        _drop_item_fields(item, "ResponseReasoningItemParam", self.ctx, pointer)
        summary = "\n\n".join(part["text"] for part in item["summary"])
        content = "\n\n".join(part["text"] for part in item.get("content") or ())
        if summary and content:
            self.ctx.dropped(
                f"{pointer}/content", "Chat carries one reasoning text; the summary was kept"
            )
        text = summary or content
        run = self.open_run()
        if text:
            run.thoughts.append(text)
            run.reasoning_at.append(pointer)

    def output(self, item: Mapping[str, Any], pointer: str) -> None:
        custom = item["type"] == "custom_tool_call_output"
        definition = "ResponseCustomToolCallOutputParam" if custom else "FunctionCallOutput"
        _drop_item_fields(item, definition, self.ctx, pointer)
        call_id = self._answered_call(item, pointer)
        if call_id is None:
            return
        self.close_run()
        defs = _MESSAGE_PARTS if custom else _FUNCTION_OUTPUT_PARTS
        output = item["output"]
        content: Any = output
        if not isinstance(output, str):
            texts: list[Part] = []
            for j, part in enumerate(output):
                converted = chat_part(part, defs, self.ctx, f"{pointer}/output/{j}")
                if converted is None:
                    continue
                if converted["type"] == "text":
                    texts.append(converted)
                else:
                    self.ctx.coerced(f"{pointer}/output/{j}", _MOVED)
                    self.moved.append(converted)
            content = texts or ""
        self.out.append({"role": "tool", "tool_call_id": call_id, "content": content})

    def _answered_call(self, item: Mapping[str, Any], pointer: str) -> str | None:
        """The call id an output answers: its `call_id`, else (a function output may name
        its call instead) the earliest unanswered call of that name and namespace."""
        call_id = item.get("call_id")
        if call_id is None:
            wanted = (item.get("name"), item.get("namespace"))
            call_id = next((c for c, *named in self.unanswered if tuple(named) == wanted), None)
            if call_id is None:
                self.ctx.dropped(pointer, "no call_id, and no unanswered call has its name")
                return None
        self.unanswered = [u for u in self.unanswered if u[0] != call_id]
        return str(call_id)

    def whole(self, item: Mapping[str, Any], pointer: str) -> None:
        """An item kind Chat cannot express: its whole-definition row drops or refuses it."""
        kind = item_kind(item)
        definition = RESPONSES_REQUEST_ITEMS.get(kind)
        if definition is None:
            self.ctx.dropped(pointer, f"unknown Responses item type {kind!r}: no row maps it")
        else:
            self.ctx.apply_drop(definition, pointer, item)


_ON_ITEM: Mapping[str, Callable[[_Messages, Mapping[str, Any], str], None]] = {
    "message": _Messages.message,
    "function_call": _Messages.call,
    "custom_tool_call": _Messages.call,
    "reasoning": _Messages.reasoning,
    "function_call_output": _Messages.output,
    "custom_tool_call_output": _Messages.output,
}


def item_kind(item: Mapping[str, Any]) -> str:
    """An input item's kind: its `type`; untyped items are messages (they have a role) or
    item references (`type` is optional on both).

    >>> item_kind({"role": "user", "content": "hi"}), item_kind({"id": "msg_1"})
    ('message', 'item_reference')
    """
    kind = item.get("type")
    if isinstance(kind, str):
        return kind
    return "message" if "role" in item else "item_reference"


_FROM_RESPONSES_HANDLES = (
    *(f"{definition}/{key}" for definition, keys in _ITEM_EXTRAS.items() for key in keys),
    *(f"{definition}/file_id" for definition in (_MESSAGE_PARTS[0], _FUNCTION_OUTPUT_PARTS[0])),
    *(
        f"{definition}/{key}"
        for definition in (_MESSAGE_PARTS[1], _FUNCTION_OUTPUT_PARTS[1])
        for key in ("detail", "file_url")
    ),
    *sorted(RESPONSES_REQUEST_ITEMS.values()),
)


@transform(
    "conversation.responses_to_chat",
    source="responses.request",
    target="chat.request",
    reads=("/input", "/instructions"),
    writes=("/messages",),
    handles=_FROM_RESPONSES_HANDLES,
)
def responses_to_chat(
    input_: str | Sequence[Mapping[str, Any]] | None, instructions: str | None, ctx: Context
) -> list[Msg]:
    """Responses `input` + `instructions` -> Chat messages (instructions first).

    A string input is one user message. Reports `coerced` for parts moved out of tool
    outputs and for assistant text that followed a call; `dropped`/refusals through the
    table's rows for what Chat cannot carry. Refuses a request with no message at all
    (Chat needs one).

    >>> responses_to_chat("hi", "be brief", None)  # type: ignore[arg-type]
    [{'role': 'system', 'content': 'be brief'}, {'role': 'user', 'content': 'hi'}]
    """
    messages = _Messages(ctx)
    if instructions:
        messages.out.append({"role": "system", "content": instructions})
    if isinstance(input_, str):
        messages.out.append({"role": "user", "content": input_})
    else:
        for i, item in enumerate(input_ or ()):
            handler = _ON_ITEM.get(item_kind(item), _Messages.whole)
            handler(messages, item, f"/input/{i}")
    out = messages.finish()
    if not out:
        ctx.refuse("/input", "Chat needs at least one message; nothing in the request makes one")
    return out
