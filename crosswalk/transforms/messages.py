"""Messages, both directions: Chat `messages` <-> Anthropic `messages` + `system`.

Chat -> Anthropic: leading system/developer messages become `system`, later ones stay in
place as Anthropic system messages; same-role turns merge; the tool messages answering
an assistant turn gather, in tool-call order, into one user turn (an unanswered call gets
an error result); tool-call ids are sanitised (ids.py). Anthropic -> Chat: tool_result
blocks become tool messages placed before the rest of their user turn, images a tool
message cannot carry move to a user message right after, thinking becomes
`reasoning_content`. Field fates are table rows; this module applies them by key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import orjson

from crosswalk.transforms import media
from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform
from crosswalk.transforms.ids import ToolIdMap
from crosswalk.transforms.unions import (
    ANTHROPIC_REQUEST_BLOCK_TWINS,
    ANTHROPIC_REQUEST_SERVER_BLOCKS,
)

Block = dict[str, Any]
Msg = dict[str, Any]

SYSTEM_ROLES = frozenset({"system", "developer"})
MISSING_RESULT = "tool result missing"
_ID_RULE = "Anthropic tool ids match ^[a-zA-Z0-9_-]{1,64}$"

# ================================================================================
# chat -> anthropic
# ================================================================================


def cache_from_breakpoint(bp: Block, ctx: Context, pointer: str) -> Block:
    """Chat `prompt_cache_breakpoint` -> Anthropic `cache_control` (12h -> 1h, coerced).

    >>> cache_from_breakpoint({"mode": "explicit"}, None, "")  # type: ignore[arg-type]
    {'type': 'ephemeral'}
    """
    if bp.get("ttl") == "12h":
        ctx.coerced(f"{pointer}/ttl", "Anthropic's longest cache ttl is 1h; 12h became 1h")
        return {"type": "ephemeral", "ttl": "1h"}
    return {"type": "ephemeral"}


def _cache_of(part: Block, ctx: Context, pointer: str) -> Block | None:
    """The Anthropic cache_control for a Chat part: `cache_control` as is, else the breakpoint."""
    cache: Block | None = part.get("cache_control")
    bp = part.get("prompt_cache_breakpoint")
    if bp is None:
        return cache
    if cache is not None:
        ctx.dropped(
            f"{pointer}/prompt_cache_breakpoint", "superseded by cache_control on the same part"
        )
        return cache
    return cache_from_breakpoint(bp, ctx, f"{pointer}/prompt_cache_breakpoint")


def _with_cache(block: Block, part: Block, ctx: Context, pointer: str) -> Block:
    cache = _cache_of(part, ctx, pointer)
    if cache is not None:
        block["cache_control"] = cache
    return block


def text_block(part: Block, ctx: Context, pointer: str) -> Block:
    """A Chat text part -> an Anthropic text block; a bare `{type, text}` passes by reference.

    >>> text_block({"type": "text", "text": "hi"}, None, "")  # type: ignore[arg-type]
    {'type': 'text', 'text': 'hi'}
    """
    if len(part) == 2:
        return part
    return _with_cache({"type": "text", "text": part["text"]}, part, ctx, pointer)


def _image_block(part: Block, ctx: Context, pointer: str) -> Block:
    image = part["image_url"]
    detail = image.get("detail")
    if detail is not None:
        ctx.apply_drop("ImageURL/detail", f"{pointer}/image_url/detail", detail)
    source = media.image_source_from_url(image["url"], ctx, f"{pointer}/image_url/url")
    return _with_cache({"type": "image", "source": source}, part, ctx, pointer)


def _document_block(part: Block, ctx: Context, pointer: str) -> Block | None:
    file = part["file"]
    file_id = file.get("file_id")
    if file_id is not None:
        ctx.apply_drop("FileFile/file_id", f"{pointer}/file/file_id", file_id)
    data = file.get("file_data")
    if data is None:
        ctx.dropped(pointer, "file part has no file_data")
        return None
    block: Block = {
        "type": "document",
        "source": media.document_source_from_file_data(data, ctx, f"{pointer}/file/file_data"),
    }
    if file.get("filename") is not None:
        block["title"] = file["filename"]
    return _with_cache(block, part, ctx, pointer)


def user_block(part: Block, ctx: Context, pointer: str) -> Block | None:
    """A Chat user content part -> an Anthropic block, or None when its row drops it."""
    kind = part["type"]
    if kind == "text":
        return text_block(part, ctx, pointer)
    if kind == "image_url":
        return _image_block(part, ctx, pointer)
    if kind == "file":
        return _document_block(part, ctx, pointer)
    ctx.apply_drop("ChatCompletionContentPartInputAudioParam", pointer, part)
    return None


def content_blocks(content: Any, ctx: Context, pointer: str) -> list[Block]:
    """Chat message content (string, parts or None) -> Anthropic blocks, empties left out."""
    if content is None or content == "":
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    blocks = []
    for j, part in enumerate(content):
        if part.get("type") == "refusal":
            ctx.coerced(
                f"{pointer}/{j}",
                "refusal part sent as a text block (Anthropic has no refusal input)",
            )
            blocks.append({"type": "text", "text": part["refusal"]})
            continue
        block = user_block(part, ctx, f"{pointer}/{j}")
        if block is not None and not (
            block["type"] == "text" and block["text"] == "" and len(block) == 2
        ):
            blocks.append(block)
    return blocks


_MALFORMED = object()


def _lenient_json(text: str) -> Any:
    """What the stdlib parser makes of `text`, or `_MALFORMED`.

    orjson (the fast path) is stricter than the stdlib: it refuses NaN/Infinity and
    integers beyond 64 bits, which some clients do send; those keep their old meaning.
    """
    try:
        return json.loads(text)
    except ValueError:
        return _MALFORMED


def parse_arguments(arguments: str, ctx: Context, pointer: str) -> dict[str, Any]:
    """Chat `arguments` (a JSON string) -> Anthropic `input` (an object).

    "" is {}; malformed or non-object JSON is {} plus a `dropped` loss at `pointer`.

    >>> parse_arguments('{"a": 1}', None, "")  # type: ignore[arg-type]
    {'a': 1}
    """
    if not arguments.strip():
        return {}
    try:
        value = orjson.loads(arguments)
    except orjson.JSONDecodeError:
        value = _lenient_json(arguments)
    if value is _MALFORMED:
        ctx.dropped(
            pointer,
            "arguments are not valid JSON; Anthropic tool_use input must be an object, {} sent",
        )
        return {}
    if not isinstance(value, dict):
        ctx.dropped(
            pointer,
            "arguments JSON is not an object; Anthropic tool_use input must be an object, {} sent",
        )
        return {}
    return value


def tool_use_block(call: Block, ctx: Context, pointer: str, ids: ToolIdMap) -> Block:
    """A Chat tool call -> a tool_use block (id sanitised; custom input as {"input": raw})."""
    new_id = ids.get(call["id"])
    if new_id != call["id"]:
        ctx.coerced(f"{pointer}/id", f"tool call id became {new_id!r} ({_ID_RULE})")
    if call["type"] == "custom":
        custom = call["custom"]
        return {
            "type": "tool_use",
            "id": new_id,
            "name": custom["name"],
            "input": {"input": custom["input"]},
        }
    fn = call["function"]
    args = parse_arguments(fn["arguments"], ctx, f"{pointer}/function/arguments")
    return {"type": "tool_use", "id": new_id, "name": fn["name"], "input": args}


class Turns:
    """Anthropic turns under construction: merges same-role turns and answers tool calls.

    `pending` holds the calls of the last assistant turn (id, pointer, legacy function
    name); `results` the tool_result blocks seen since, keyed by id. Public because the
    Responses items transform (items.py) builds Anthropic turns the same way.
    """

    __slots__ = ("ctx", "fc_count", "ids", "out", "pending", "results")

    def __init__(self, ctx: Context, ids: ToolIdMap) -> None:
        self.ctx = ctx
        self.ids = ids
        self.out: list[Msg] = []
        self.pending: list[tuple[str, str, str | None]] = []
        self.results: dict[str, tuple[Block, str]] = {}
        self.fc_count = 0

    def add(self, role: str, blocks: list[Block], pointer: str) -> None:
        if not blocks:
            self.ctx.dropped(pointer, "empty message; Anthropic rejects empty content")
            return
        last = self.out[-1] if self.out else None
        if last is not None and last["role"] == role:
            last["content"].extend(blocks)
        else:
            self.out.append({"role": role, "content": blocks})

    def answer_pending(self) -> None:
        """Emit one user turn with a tool_result per pending call, in call order."""
        if not self.pending and not self.results:
            return
        blocks = []
        for tool_id, pointer, _ in self.pending:
            found = self.results.pop(tool_id, None)
            if found is None:
                self.ctx.coerced(
                    pointer,
                    "no tool message answers this call; Anthropic needs one, an error result was sent",
                )
                blocks.append(
                    {
                        "type": "tool_result",
                        "tool_use_id": tool_id,
                        "is_error": True,
                        "content": MISSING_RESULT,
                    }
                )
            else:
                blocks.append(found[0])
        for _, pointer in self.results.values():
            self.ctx.dropped(
                pointer,
                "answers no tool call of the preceding assistant message; Anthropic rejects it",
            )
        self.pending, self.results = [], {}
        if blocks:
            self.add("user", blocks, "")

    def add_result(self, tool_id: str, block: Block, pointer: str) -> None:
        previous = self.results.get(tool_id)
        if previous is not None:
            self.ctx.dropped(
                previous[1], "a later tool message answers the same call; the later one was kept"
            )
        self.results[tool_id] = (block, pointer)

    def finish(self) -> list[Msg]:
        """Collapse single bare text blocks back into string content."""
        self.answer_pending()
        for msg in self.out:
            content = msg["content"]
            if len(content) == 1 and len(content[0]) == 2 and content[0]["type"] == "text":
                msg["content"] = content[0]["text"]
        return self.out


def _on_user(turns: Turns, m: Msg, i: int) -> None:
    turns.answer_pending()
    pointer = f"/messages/{i}"
    apply_drops(turns.ctx, "ChatCompletionUserMessageParam", m, ("name",), pointer)
    turns.add("user", content_blocks(m["content"], turns.ctx, f"{pointer}/content"), pointer)


def _on_assistant(turns: Turns, m: Msg, i: int) -> None:
    turns.answer_pending()
    ctx, pointer = turns.ctx, f"/messages/{i}"
    apply_drops(
        ctx,
        "ChatCompletionAssistantMessageParam",
        m,
        ("name", "audio", "reasoning_content"),
        pointer,
    )
    blocks = content_blocks(m.get("content"), ctx, f"{pointer}/content")
    if m.get("refusal"):
        ctx.coerced(
            f"{pointer}/refusal", "refusal sent as a text block (Anthropic has no refusal input)"
        )
        blocks.append({"type": "text", "text": m["refusal"]})
    for k, call in enumerate(m.get("tool_calls") or ()):
        block = tool_use_block(call, ctx, f"{pointer}/tool_calls/{k}", turns.ids)
        turns.pending.append((block["id"], f"{pointer}/tool_calls/{k}", None))
        blocks.append(block)
    if m.get("function_call") is not None:
        blocks.append(_legacy_call(turns, m["function_call"], f"{pointer}/function_call"))
    turns.add("assistant", blocks, pointer)


def _legacy_call(turns: Turns, call: Block, pointer: str) -> Block:
    turns.fc_count += 1
    tool_id = f"fc_{turns.fc_count}"
    turns.ctx.coerced(
        pointer, f"legacy function_call sent as tool_use with synthesised id {tool_id!r}"
    )
    turns.pending.append((tool_id, pointer, call["name"]))
    args = parse_arguments(call["arguments"], turns.ctx, f"{pointer}/arguments")
    return {"type": "tool_use", "id": tool_id, "name": call["name"], "input": args}


def _result_content(content: Any, ctx: Context, pointer: str) -> Any:
    if content is None or isinstance(content, str):
        return content or ""
    return [text_block(part, ctx, f"{pointer}/{j}") for j, part in enumerate(content)]


def _on_tool(turns: Turns, m: Msg, i: int) -> None:
    pointer = f"/messages/{i}"
    tool_id = turns.ids.get(m["tool_call_id"])
    if tool_id != m["tool_call_id"]:
        turns.ctx.coerced(
            f"{pointer}/tool_call_id", f"tool call id became {tool_id!r} ({_ID_RULE})"
        )
    content = _result_content(m["content"], turns.ctx, f"{pointer}/content")
    turns.add_result(
        tool_id, {"type": "tool_result", "tool_use_id": tool_id, "content": content}, pointer
    )


def _on_function(turns: Turns, m: Msg, i: int) -> None:
    pointer = f"/messages/{i}"
    match = next(
        (t for t, _, name in turns.pending if name == m["name"] and t not in turns.results), None
    )
    if match is None:
        turns.ctx.dropped(pointer, "answers no function_call of the preceding assistant message")
        return
    content = _result_content(m.get("content"), turns.ctx, f"{pointer}/content")
    turns.add_result(
        match, {"type": "tool_result", "tool_use_id": match, "content": content}, pointer
    )


def _on_system(turns: Turns, m: Msg, i: int) -> None:
    turns.answer_pending()
    pointer = f"/messages/{i}"
    definition = (
        "ChatCompletionSystemMessageParam"
        if m["role"] == "system"
        else "ChatCompletionDeveloperMessageParam"
    )
    apply_drops(turns.ctx, definition, m, ("name",), pointer)
    content = m["content"]
    if not isinstance(content, str):
        content = content_blocks(content, turns.ctx, f"{pointer}/content")
    if content:
        turns.out.append({"role": "system", "content": content})


_ON_ROLE: dict[str, Callable[[Turns, Msg, int], None]] = {
    "user": _on_user,
    "assistant": _on_assistant,
    "tool": _on_tool,
    "function": _on_function,
    "system": _on_system,
    "developer": _on_system,
}


def leading_system(messages: list[Msg], ctx: Context) -> tuple[Any, int]:
    """The leading system/developer messages -> Anthropic `system`, and how many there were.

    A string joined by blank lines unless a cache marker needs blocks.

    >>> leading_system([{"role": "system", "content": "a"}, {"role": "user", "content": "b"}], None)  # type: ignore[arg-type]
    ('a', 1)
    """
    n = 0
    while n < len(messages) and messages[n]["role"] in SYSTEM_ROLES:
        n += 1
    blocks: list[Block] = []
    for i in range(n):
        m = messages[i]
        definition = (
            "ChatCompletionSystemMessageParam"
            if m["role"] == "system"
            else "ChatCompletionDeveloperMessageParam"
        )
        apply_drops(ctx, definition, m, ("name",), f"/messages/{i}")
        blocks.extend(content_blocks(m["content"], ctx, f"/messages/{i}/content"))
    if not blocks:
        return None, n
    if all(len(b) == 2 for b in blocks):
        return "\n\n".join(b["text"] for b in blocks), n
    return blocks, n


def _chat_call_ids(messages: list[Msg]) -> Iterator[str]:
    for m in messages:
        if m["role"] == "tool":
            yield m["tool_call_id"]
        elif m["role"] == "assistant":
            yield from (call["id"] for call in m.get("tool_calls") or ())


@transform(
    "messages.chat_to_anthropic",
    source="chat.request",
    target="anthropic.request",
    reads=("/messages",),
    writes=("/messages", "/system"),
    handles=(
        "ChatCompletionDeveloperMessageParam/name",
        "ChatCompletionSystemMessageParam/name",
        "ChatCompletionUserMessageParam/name",
        "ChatCompletionAssistantMessageParam/name",
        "ChatCompletionAssistantMessageParam/audio",
        "ChatCompletionAssistantMessageParam/reasoning_content",
        "ChatCompletionContentPartInputAudioParam",
        "ImageURL/detail",
        "FileFile/file_id",
    ),
)
def chat_to_anthropic(
    messages: list[dict[str, Any]], ctx: Context
) -> tuple[list[dict[str, Any]], Any]:
    """Chat messages -> (Anthropic messages, Anthropic system or None).

    Reports `coerced` for changed tool ids, synthesised results and legacy function
    calls, `dropped` for empty turns, bad arguments and orphan tool messages.

    >>> chat_to_anthropic([{"role": "user", "content": "hi"}], None)  # type: ignore[arg-type]
    ([{'role': 'user', 'content': 'hi'}], None)
    """
    system, start = leading_system(messages, ctx)
    turns = Turns(ctx, ToolIdMap(_chat_call_ids(messages)))
    for i in range(start, len(messages)):
        m = messages[i]
        _ON_ROLE[m["role"]](turns, m, i)
    return turns.finish(), system


# ================================================================================
# anthropic -> chat
# ================================================================================

# Block types Chat cannot express, by the definition whose drop/refuse row decides them.
_DROPPED_BLOCKS: dict[str, str] = {
    "redacted_thinking": "BetaRedactedThinkingBlockParam",
    **ANTHROPIC_REQUEST_SERVER_BLOCKS,
}
# The response-shaped twins (`BetaTextBlock`, ...) share a `type` with the Param
# definitions and cannot be told apart on the wire; their rows state the same fates.
_RESPONSE_TWINS = (
    "BetaRedactedThinkingBlock",
    "BetaThinkingBlock/signature",
    *ANTHROPIC_REQUEST_BLOCK_TWINS,
)
_TO_CHAT_FIELDS = (
    "BetaSystemMessageParam/clear_at",
    "BetaSystemMessageParam/output_config",
    "BetaTextBlockParam/citations",
    "BetaImageBlockParam/transformations",
    "BetaFileImageSourceParam",
    "BetaRequestDocumentBlockParam/citations",
    "BetaRequestDocumentBlockParam/context",
    "BetaContentBlockSourceParam",
    "BetaURLPDFSourceParam",
    "BetaFileDocumentSourceParam",
    "BetaThinkingBlockParam/signature",
    "BetaToolUseBlockParam/cache_control",
    "BetaToolUseBlockParam/caller",
    "BetaToolUseBlockParam/toolset_name",
    "BetaToolResultBlockParam/cache_control",
    "BetaToolResultBlockParam/is_error",
    "BetaToolResultBlockParam/toolset_name",
)


def breakpoint_from_cache(cache: Block, ctx: Context, pointer: str) -> Block:
    """Anthropic `cache_control` -> Chat `prompt_cache_breakpoint` (ttl 1h omitted, coerced).

    >>> breakpoint_from_cache({"type": "ephemeral"}, None, "")  # type: ignore[arg-type]
    {'mode': 'explicit'}
    """
    if cache.get("ttl") == "1h":
        ctx.coerced(
            f"{pointer}/ttl",
            "Chat breakpoints take ttl 30m or 12h; the 1h ttl was left to the default",
        )
    return {"mode": "explicit"}


def _with_breakpoint(part: Block, block: Block, ctx: Context, pointer: str) -> Block:
    cache = block.get("cache_control")
    if cache is not None:
        part["prompt_cache_breakpoint"] = breakpoint_from_cache(
            cache, ctx, f"{pointer}/cache_control"
        )
    return part


def text_part(block: Block, ctx: Context, pointer: str) -> Block:
    """An Anthropic text block -> a Chat text part; a bare `{type, text}` passes by reference.

    >>> text_part({"type": "text", "text": "hi"}, None, "")  # type: ignore[arg-type]
    {'type': 'text', 'text': 'hi'}
    """
    if len(block) == 2:
        return block
    citations = block.get("citations")
    if citations is not None:
        ctx.apply_drop("BetaTextBlockParam/citations", f"{pointer}/citations", citations)
    return _with_breakpoint({"type": "text", "text": block["text"]}, block, ctx, pointer)


def _image_part(block: Block, ctx: Context, pointer: str) -> Block | None:
    if block.get("transformations") is not None:
        ctx.apply_drop(
            "BetaImageBlockParam/transformations",
            f"{pointer}/transformations",
            block["transformations"],
        )
    part = media.image_part_from_source(block["source"])
    if part is None:
        ctx.apply_drop("BetaFileImageSourceParam", f"{pointer}/source", block["source"])
        return None
    return _with_breakpoint(part, block, ctx, pointer)


_DOCUMENT_SOURCES = {
    "content": "BetaContentBlockSourceParam",
    "url": "BetaURLPDFSourceParam",
    "file": "BetaFileDocumentSourceParam",
}


def _document_part(block: Block, ctx: Context, pointer: str) -> Block | None:
    apply_drops(ctx, "BetaRequestDocumentBlockParam", block, ("citations", "context"), pointer)
    source = block["source"]
    kind = source["type"]
    if kind == "base64":
        return _with_breakpoint(
            media.pdf_file_part(source, block.get("title")), block, ctx, pointer
        )
    if kind == "text":
        ctx.coerced(
            pointer, "plain-text document sent as a text part (document framing and title lost)"
        )
        return _with_breakpoint({"type": "text", "text": source["data"]}, block, ctx, pointer)
    ctx.apply_drop(_DOCUMENT_SOURCES[kind], f"{pointer}/source", source)
    return None


def user_part(block: Block, ctx: Context, pointer: str) -> Block | None:
    """An Anthropic user-turn block (not tool_result) -> a Chat part, or None if dropped."""
    kind = block["type"]
    if kind == "text":
        return text_part(block, ctx, pointer)
    if kind == "image":
        return _image_part(block, ctx, pointer)
    if kind == "document":
        return _document_part(block, ctx, pointer)
    definition = _DROPPED_BLOCKS.get(kind)
    if definition is None:
        ctx.dropped(pointer, f"a {kind} block has no Chat counterpart in this position")
    else:
        ctx.apply_drop(definition, pointer, block)
    return None


def tool_message(block: Block, ctx: Context, pointer: str, moved: list[Block]) -> Msg:
    """A tool_result block -> a Chat tool message; non-text parts go to `moved` (coerced)."""
    apply_drops(
        ctx,
        "BetaToolResultBlockParam",
        block,
        ("cache_control", "is_error", "toolset_name"),
        pointer,
    )
    content = block.get("content")
    if content is None or isinstance(content, str):
        return {"role": "tool", "tool_call_id": block["tool_use_id"], "content": content or ""}
    parts = []
    for k, item in enumerate(content):
        part = user_part(item, ctx, f"{pointer}/content/{k}")
        if part is None:
            continue
        if part["type"] == "text":
            parts.append(part)
        else:
            ctx.coerced(
                f"{pointer}/content/{k}",
                "Chat tool messages carry text only; moved to a user message after the tool messages",
            )
            moved.append(part)
    return {"role": "tool", "tool_call_id": block["tool_use_id"], "content": parts or ""}


def _user_messages(m: Msg, i: int, ctx: Context, out: list[Msg]) -> None:
    content = m["content"]
    if isinstance(content, str):
        out.append({"role": "user", "content": content})
        return
    tools: list[Msg] = []
    moved: list[Block] = []
    parts: list[Block] = []
    for j, block in enumerate(content):
        pointer = f"/messages/{i}/content/{j}"
        if block["type"] == "tool_result":
            tools.append(tool_message(block, ctx, pointer, moved))
        elif (part := user_part(block, ctx, pointer)) is not None:
            parts.append(part)
    out.extend(tools)
    if moved:
        out.append({"role": "user", "content": moved})
    if parts:
        out.append({"role": "user", "content": parts})


def tool_call(block: Block, ctx: Context, pointer: str) -> Block:
    """A tool_use block -> a Chat function tool call (`input` as compact JSON).

    >>> tool_call({"type": "tool_use", "id": "t", "name": "f", "input": {"a": 1}}, None, "")  # type: ignore[arg-type]
    {'id': 't', 'type': 'function', 'function': {'name': 'f', 'arguments': '{"a":1}'}}
    """
    apply_drops(
        ctx, "BetaToolUseBlockParam", block, ("cache_control", "caller", "toolset_name"), pointer
    )
    arguments = json.dumps(block["input"], ensure_ascii=False, separators=(",", ":"))
    return {
        "id": block["id"],
        "type": "function",
        "function": {"name": block["name"], "arguments": arguments},
    }


def _assistant_content(texts: list[Block]) -> Any:
    if all(len(t) == 2 for t in texts):
        return "".join(t["text"] for t in texts)
    return texts


def _assistant_message(m: Msg, i: int, ctx: Context, out: list[Msg]) -> None:
    content = m["content"]
    if isinstance(content, str):
        out.append({"role": "assistant", "content": content})
        return
    texts: list[Block] = []
    calls: list[Block] = []
    thoughts: list[str] = []
    for j, block in enumerate(content):
        pointer = f"/messages/{i}/content/{j}"
        kind = block["type"]
        if kind == "text":
            texts.append(text_part(block, ctx, pointer))
        elif kind == "tool_use":
            calls.append(tool_call(block, ctx, pointer))
        elif kind == "thinking":
            thoughts.append(block["thinking"])
            ctx.apply_drop(
                "BetaThinkingBlockParam/signature", f"{pointer}/signature", block["signature"]
            )
        else:
            _drop_assistant_block(block, ctx, pointer)
    _emit_assistant(out, texts, calls, thoughts)


def _drop_assistant_block(block: Block, ctx: Context, pointer: str) -> None:
    definition = _DROPPED_BLOCKS.get(block["type"])
    if definition is None:
        ctx.dropped(
            pointer, f"a {block['type']} block in an assistant turn has no Chat counterpart"
        )
    else:
        ctx.apply_drop(definition, pointer, block)


def _emit_assistant(
    out: list[Msg], texts: list[Block], calls: list[Block], thoughts: list[str]
) -> None:
    if not (texts or calls or thoughts):
        return
    msg: Msg = {"role": "assistant"}
    if texts or not calls:
        msg["content"] = _assistant_content(texts)
    if thoughts:
        msg["reasoning_content"] = "\n\n".join(thoughts)
    if calls:
        msg["tool_calls"] = calls
    out.append(msg)


def system_content(content: Any, ctx: Context, pointer: str) -> Any:
    """Anthropic system content -> Chat system content (string stays string; blocks -> text parts)."""
    if isinstance(content, str):
        return content
    parts = []
    for j, block in enumerate(content):
        part = user_part(block, ctx, f"{pointer}/{j}")
        if part is not None:
            parts.append(part)
    return parts


def _system_message(m: Msg, i: int, ctx: Context, out: list[Msg]) -> None:
    pointer = f"/messages/{i}"
    apply_drops(ctx, "BetaSystemMessageParam", m, ("clear_at", "output_config"), pointer)
    if m.get("content"):
        content = system_content(m["content"], ctx, f"{pointer}/content")
        if content:
            out.append({"role": "system", "content": content})


_TO_CHAT: dict[str, Callable[[Msg, int, Context, list[Msg]], None]] = {
    "user": _user_messages,
    "assistant": _assistant_message,
    "system": _system_message,
}


@transform(
    "messages.anthropic_to_chat",
    source="anthropic.request",
    target="chat.request",
    reads=("/messages", "/system"),
    writes=("/messages",),
    handles=_TO_CHAT_FIELDS + tuple(_DROPPED_BLOCKS.values()) + _RESPONSE_TWINS,
)
def anthropic_to_chat(
    messages: list[dict[str, Any]], system: Any, ctx: Context
) -> list[dict[str, Any]]:
    """Anthropic messages + system -> Chat messages (system first, when non-empty).

    Reports `coerced` for images moved out of tool results and plain-text documents,
    `dropped`/refusals through the table's rows for what Chat cannot carry.

    >>> anthropic_to_chat([{"role": "user", "content": "hi"}], "be brief", None)  # type: ignore[arg-type]
    [{'role': 'system', 'content': 'be brief'}, {'role': 'user', 'content': 'hi'}]
    """
    out: list[Msg] = []
    if system:
        content = system_content(system, ctx, "/system")
        if content:
            out.append({"role": "system", "content": content})
    for i, m in enumerate(messages):
        _TO_CHAT[m["role"]](m, i, ctx, out)
    return out
