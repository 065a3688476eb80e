"""Conversation items, both directions: Responses `input` + `instructions` <-> Anthropic
`messages` + `system`.

Responses -> Anthropic: `instructions` and the leading system/developer messages become
`system` (Codex sends its whole system prompt as a developer message), later ones stay in
place as Anthropic system messages. Items fold into alternating turns with the same
builder as Chat (`messages.Turns`): assistant items (messages, reasoning, function and
custom tool calls) merge into one assistant turn, their outputs gather in call order into
the next user turn, and an unanswered call gets an error result. Reasoning items become
thinking blocks only when their `encrypted_content` carries a signature crosswalk encoded
(signatures.py); any other reasoning cannot be replayed to Anthropic and is dropped.

Anthropic -> Responses: a string `system` becomes `instructions`, system blocks a leading
developer message (so that their cache breakpoints survive); each block becomes its item
in order: text -> an assistant message, thinking/redacted_thinking -> a reasoning item
(signature or data in `encrypted_content`), tool_use -> function_call (custom_tool_call
for the names in `Options.custom_tools`), tool_result -> function_call_output placed before
the rest of its user turn. Field fates are table rows; this module applies them by key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from crosswalk.transforms import media, signatures
from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform
from crosswalk.transforms.ids import ToolIdMap
from crosswalk.transforms.messages import (
    Turns,
    breakpoint_from_cache,
    cache_from_breakpoint,
    parse_arguments,
)
from crosswalk.transforms.tools import CUSTOM_TOOL_INPUT
from crosswalk.transforms.unions import (
    ANTHROPIC_REQUEST_BLOCK_TWINS,
    ANTHROPIC_REQUEST_SERVER_BLOCKS,
    RESPONSES_REQUEST_ITEMS,
)

Item = dict[str, Any]
Block = dict[str, Any]

SYSTEM_ROLES = frozenset({"system", "developer"})
THINKING_BLOCKS = frozenset({"thinking", "redacted_thinking"})
# The role Anthropic system content takes in Responses: OpenAI's name for instructions
# from the application (Codex sends its system prompt with it).
RESPONSES_SYSTEM_ROLE = "developer"
# The reasoning text a thinking block becomes is one summary part; parts join with this.
SUMMARY_JOIN = "\n\n"
_ID_RULE = "Anthropic tool ids match ^[a-zA-Z0-9_-]{1,64}$"

# Reasons for losses that depend on content rather than on a field (fields have rows).
_NOT_ANTHROPIC = (
    "reasoning that Anthropic did not issue (encrypted_content carries no thinking signature "
    "crosswalk encoded) cannot be replayed to Anthropic; the item was dropped"
)
_REDACTED_HAS_NO_TEXT = "redacted thinking carries no text; the reasoning text was dropped"
_SUMMARY_WINS = "the reasoning text is taken from /summary; the raw reasoning content was dropped"
_THINKING_FIRST = "thinking moved before the turn's text and tool calls (Anthropic requires it)"
_NO_CALL_ID = "an output without call_id answers no tool call; Anthropic needs the call's id"
_SYSTEM_TEXT_ONLY = "Anthropic system content is text only"
_EMPTY_PART = "{what} part has neither {fields}; nothing to send"
_UNKNOWN_ITEM = "a {kind!r} item has no Anthropic counterpart and no row maps it"
_EMPTY_INPUT = "empty input; Anthropic rejects empty content"

# ================================================================================
# responses -> anthropic
# ================================================================================

# Content-part definitions: in messages and custom tool outputs, and in function outputs.
_MESSAGE_PARTS: Mapping[str, str] = {
    "input_text": "ResponseInputTextParam",
    "input_image": "ResponseInputImageParam",
    "input_file": "ResponseInputFileParam",
}
_OUTPUT_PARTS: Mapping[str, str] = {
    "input_text": "ResponseInputTextContentParam",
    "input_image": "ResponseInputImageContentParam",
    "input_file": "ResponseInputFileContentParam",
}
# Tool-call and output items: their definition and the fields Anthropic has no place for.
_CALL_FIELDS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "function_call": (
        "ResponseFunctionToolCallParam",
        ("async", "caller", "id", "namespace", "status"),
    ),
    "custom_tool_call": ("ResponseCustomToolCallParam", ("async", "caller", "id", "namespace")),
    "function_call_output": (
        "FunctionCallOutput",
        ("caller", "id", "name", "namespace", "status"),
    ),
    "custom_tool_call_output": ("ResponseCustomToolCallOutputParam", ("caller", "id")),
}
_TO_ANTHROPIC_FIELDS = (
    "EasyInputMessageParam/phase",
    "Message/status",
    "ResponseOutputMessageParam/id",
    "ResponseOutputMessageParam/phase",
    "ResponseOutputMessageParam/status",
    "ResponseOutputTextParam/annotations",
    "ResponseOutputTextParam/logprobs",
    "ResponseInputImageParam/detail",
    "ResponseInputImageParam/file_id",
    "ResponseInputFileParam/detail",
    "ResponseInputFileParam/file_id",
    "ResponseInputImageContentParam/detail",
    "ResponseInputImageContentParam/file_id",
    "ResponseInputFileContentParam/detail",
    "ResponseInputFileContentParam/file_id",
    *(f"{definition}/{key}" for definition, keys in _CALL_FIELDS.values() for key in keys),
    "ResponseReasoningItemParam/id",
    "ResponseReasoningItemParam/status",
)


def item_kind(item: Mapping[str, Any]) -> str:
    """An input item's type; the SDK lets messages and item references omit it.

    >>> item_kind({"role": "user", "content": "hi"}), item_kind({"id": "msg_1"})
    ('message', 'item_reference')
    """
    kind = item.get("type")
    if kind is not None:
        return str(kind)
    return "message" if "role" in item else "item_reference"


def _with_cache(block: Block, part: Mapping[str, Any], ctx: Context, pointer: str) -> Block:
    """Responses `prompt_cache_breakpoint` -> Anthropic `cache_control` (12h -> 1h, coerced)."""
    breakpoint = part.get("prompt_cache_breakpoint")
    if breakpoint is not None:
        block["cache_control"] = cache_from_breakpoint(
            breakpoint, ctx, f"{pointer}/prompt_cache_breakpoint"
        )
    return block


def _text_block(part: Mapping[str, Any], ctx: Context, pointer: str) -> Block | None:
    """input_text -> a text block; an empty bare text carries nothing (Anthropic rejects it)."""
    if part["text"] == "" and part.get("prompt_cache_breakpoint") is None:
        return None
    return _with_cache({"type": "text", "text": part["text"]}, part, ctx, pointer)


def _image_block(
    part: Mapping[str, Any], definition: str, ctx: Context, pointer: str
) -> Block | None:
    """input_image -> an image block (data URL or http(s) URL); a file id is refused."""
    apply_drops(ctx, definition, part, ("detail", "file_id"), pointer)
    url = part.get("image_url")
    if url is None:
        ctx.dropped(pointer, _EMPTY_PART.format(what="image", fields="image_url nor file_id"))
        return None
    source = media.image_source_from_url(url, ctx, f"{pointer}/image_url")
    return _with_cache({"type": "image", "source": source}, part, ctx, pointer)


def _document_block(
    part: Mapping[str, Any], definition: str, ctx: Context, pointer: str
) -> Block | None:
    """input_file -> a document block: inline data (PDF or text) or a PDF URL."""
    apply_drops(ctx, definition, part, ("detail", "file_id"), pointer)
    data, url = part.get("file_data"), part.get("file_url")
    source: Block
    if data is not None:
        if url is not None:
            ctx.dropped(f"{pointer}/file_url", "superseded by file_data")
        source = media.document_source_from_file_data(data, ctx, f"{pointer}/file_data")
    elif url is not None:
        source = {"type": "url", "url": url}
    else:
        ctx.dropped(
            pointer, _EMPTY_PART.format(what="file", fields="file_data, file_url nor file_id")
        )
        return None
    block: Block = {"type": "document", "source": source}
    if part.get("filename") is not None:
        block["title"] = part["filename"]
    return _with_cache(block, part, ctx, pointer)


def _part_block(
    part: Mapping[str, Any], defs: Mapping[str, str], ctx: Context, pointer: str
) -> Block | None:
    """One Responses content part -> an Anthropic block, or None when nothing is left."""
    kind = part["type"]
    if kind == "input_text":
        return _text_block(part, ctx, pointer)
    if kind == "input_image":
        return _image_block(part, defs[kind], ctx, pointer)
    if kind == "input_file":
        return _document_block(part, defs[kind], ctx, pointer)
    if kind == "output_text":
        apply_drops(ctx, "ResponseOutputTextParam", part, ("annotations", "logprobs"), pointer)
        return {"type": "text", "text": part["text"]} if part["text"] else None
    ctx.coerced(pointer, "refusal part sent as a text block (Anthropic has no refusal input)")
    return {"type": "text", "text": part["refusal"]}


def content_blocks(
    content: Any, defs: Mapping[str, str], ctx: Context, pointer: str
) -> list[Block]:
    """Message content (a string or parts) -> Anthropic blocks, empty text left out.

    >>> content_blocks("hi", _MESSAGE_PARTS, None, "")  # type: ignore[arg-type]
    [{'type': 'text', 'text': 'hi'}]
    """
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks = []
    for j, part in enumerate(content):
        block = _part_block(part, defs, ctx, f"{pointer}/{j}")
        if block is not None:
            blocks.append(block)
    return blocks


def _message_fields(item: Mapping[str, Any], ctx: Context, pointer: str) -> None:
    """A message item's id, status and phase. Only output messages type an id and a
    status, but Codex sends ids (and clients statuses) on every message: one row each."""
    output = item.get("id") is not None
    apply_drops(ctx, "ResponseOutputMessageParam", item, ("id",), pointer)
    status_def = "ResponseOutputMessageParam" if output else "Message"
    phase_def = "ResponseOutputMessageParam" if output else "EasyInputMessageParam"
    apply_drops(ctx, status_def, item, ("status",), pointer)
    apply_drops(ctx, phase_def, item, ("phase",), pointer)


def _system_content(item: Mapping[str, Any], ctx: Context, pointer: str) -> list[Block]:
    """A system/developer message's content -> text blocks (other parts dropped)."""
    _message_fields(item, ctx, pointer)
    content = item["content"]
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks = []
    for j, part in enumerate(content):
        if part["type"] != "input_text":
            ctx.dropped(f"{pointer}/content/{j}", _SYSTEM_TEXT_ONLY)
        elif (block := _text_block(part, ctx, f"{pointer}/content/{j}")) is not None:
            blocks.append(block)
    return blocks


def _system_value(blocks: list[Block]) -> Any:
    """Anthropic system content: one bare text block as a string, else the blocks."""
    if len(blocks) == 1 and len(blocks[0]) == 2:
        return blocks[0]["text"]
    return blocks


def _is_system_message(item: Mapping[str, Any]) -> bool:
    return item_kind(item) == "message" and item.get("role") in SYSTEM_ROLES


def leading_system(items: list[Item], instructions: str | None, ctx: Context) -> tuple[Any, int]:
    """`instructions` + the leading system/developer messages -> Anthropic `system`, and
    how many items were used. One block per part, so that a multi-part developer message
    (or Anthropic system blocks replayed through Responses) keeps its parts and breakpoints.

    >>> leading_system([{"role": "developer", "content": "b"}], "a", None)  # type: ignore[arg-type]
    ([{'type': 'text', 'text': 'a'}, {'type': 'text', 'text': 'b'}], 1)
    """
    blocks: list[Block] = []
    if instructions:
        blocks.append({"type": "text", "text": instructions})
    n = 0
    while n < len(items) and _is_system_message(items[n]):
        blocks.extend(_system_content(items[n], ctx, f"/input/{n}"))
        n += 1
    return (_system_value(blocks) if blocks else None), n


class _Items:
    """Responses items folded into Anthropic turns (`messages.Turns` does the folding)."""

    __slots__ = ("ctx", "thinking_at", "turns")

    def __init__(self, ctx: Context, ids: ToolIdMap) -> None:
        self.ctx = ctx
        self.turns = Turns(ctx, ids)
        # id(thinking block) -> the pointer of the item it came from (for reordering).
        self.thinking_at: dict[int, str] = {}

    def assistant(self, blocks: list[Block], pointer: str) -> None:
        """Assistant-side blocks: outputs seen since the last call close that exchange."""
        if self.turns.results:
            self.turns.answer_pending()
        self.turns.add("assistant", blocks, pointer)

    def tool_id(self, call_id: str, pointer: str) -> str:
        new_id = self.turns.ids.get(call_id)
        if new_id != call_id:
            self.ctx.coerced(pointer, f"tool call id became {new_id!r} ({_ID_RULE})")
        return new_id

    def on_message(self, item: Item, i: int) -> None:
        pointer = f"/input/{i}"
        role = item["role"]
        if role in SYSTEM_ROLES:
            self.turns.answer_pending()
            blocks = _system_content(item, self.ctx, pointer)
            if blocks:
                self.turns.out.append({"role": "system", "content": blocks})
            return
        _message_fields(item, self.ctx, pointer)
        blocks = content_blocks(item["content"], _MESSAGE_PARTS, self.ctx, f"{pointer}/content")
        if role == "assistant":
            self.assistant(blocks, pointer)
        else:
            self.turns.answer_pending()
            self.turns.add("user", blocks, pointer)

    def on_call(self, item: Item, i: int) -> None:
        pointer = f"/input/{i}"
        definition, keys = _CALL_FIELDS[item["type"]]
        apply_drops(self.ctx, definition, item, keys, pointer)
        if item["type"] == "custom_tool_call":
            tool_input = {CUSTOM_TOOL_INPUT: item["input"]}
        else:
            tool_input = parse_arguments(item["arguments"], self.ctx, f"{pointer}/arguments")
        tool_id = self.tool_id(item["call_id"], f"{pointer}/call_id")
        block = {"type": "tool_use", "id": tool_id, "name": item["name"], "input": tool_input}
        if self.turns.results:
            self.turns.answer_pending()
        self.turns.pending.append((tool_id, pointer, None))
        self.turns.add("assistant", [block], pointer)

    def on_output(self, item: Item, i: int) -> None:
        pointer = f"/input/{i}"
        definition, keys = _CALL_FIELDS[item["type"]]
        apply_drops(self.ctx, definition, item, keys, pointer)
        defs = _MESSAGE_PARTS if item["type"] == "custom_tool_call_output" else _OUTPUT_PARTS
        call_id = item.get("call_id")
        if call_id is None:
            self.ctx.dropped(pointer, _NO_CALL_ID)
            return
        tool_id = self.tool_id(call_id, f"{pointer}/call_id")
        output = item["output"]
        content: Any = (
            output
            if isinstance(output, str)
            else content_blocks(output, defs, self.ctx, f"{pointer}/output") or ""
        )
        self.turns.add_result(
            tool_id, {"type": "tool_result", "tool_use_id": tool_id, "content": content}, pointer
        )

    def on_reasoning(self, item: Item, i: int) -> None:
        pointer = f"/input/{i}"
        decoded = signatures.decode(item.get("encrypted_content") or "")
        if decoded is None:
            self.ctx.dropped(pointer, _NOT_ANTHROPIC)
            return
        apply_drops(self.ctx, "ResponseReasoningItemParam", item, ("id", "status"), pointer)
        kind, payload = decoded
        summary = [part["text"] for part in item["summary"]]
        content = [part["text"] for part in item.get("content") or ()]
        block: Block
        if kind == "redacted_thinking":
            if summary or content:
                self.ctx.dropped(
                    f"{pointer}/{'summary' if summary else 'content'}", _REDACTED_HAS_NO_TEXT
                )
            block = {"type": "redacted_thinking", "data": payload}
        else:
            if summary and content:
                self.ctx.dropped(f"{pointer}/content", _SUMMARY_WINS)
            text = SUMMARY_JOIN.join(summary or content)
            block = {"type": "thinking", "thinking": text, "signature": payload}
        self.thinking_at[id(block)] = pointer
        self.assistant([block], pointer)

    def on_other(self, item: Item, i: int) -> None:
        kind = item_kind(item)
        definition = RESPONSES_REQUEST_ITEMS.get(kind)
        if definition is None:
            self.ctx.dropped(f"/input/{i}", _UNKNOWN_ITEM.format(kind=kind))
        else:
            self.ctx.apply_drop(definition, f"/input/{i}", item)

    def finish(self) -> list[Block]:
        """The turns, with thinking moved to the front of each assistant turn."""
        out = self.turns.finish()
        for msg in out:
            content = msg["content"]
            if msg["role"] != "assistant" or isinstance(content, str):
                continue
            late, seen_other = [], False
            for block in content:
                if block["type"] not in THINKING_BLOCKS:
                    seen_other = True
                elif seen_other:
                    late.append(block)
            if not late:
                continue
            for block in late:
                self.ctx.coerced(self.thinking_at[id(block)], _THINKING_FIRST)
            thinking = [b for b in content if b["type"] in THINKING_BLOCKS]
            msg["content"] = thinking + [b for b in content if b["type"] not in THINKING_BLOCKS]
        return out


_ON_ITEM: Mapping[str, Callable[[_Items, Item, int], None]] = {
    "message": _Items.on_message,
    "function_call": _Items.on_call,
    "custom_tool_call": _Items.on_call,
    "function_call_output": _Items.on_output,
    "custom_tool_call_output": _Items.on_output,
    "reasoning": _Items.on_reasoning,
}


def _call_ids(items: list[Item]) -> Iterator[str]:
    for item in items:
        if item_kind(item) in _ON_ITEM and item.get("call_id") is not None:
            yield item["call_id"]


@transform(
    "items.responses_to_anthropic",
    source="responses.request",
    target="anthropic.request",
    reads=("/input", "/instructions"),
    writes=("/messages", "/system"),
    handles=_TO_ANTHROPIC_FIELDS + tuple(sorted(set(RESPONSES_REQUEST_ITEMS.values()))),
)
def responses_to_anthropic(
    items: str | list[Item] | None, instructions: str | None, ctx: Context
) -> tuple[list[Block], Any]:
    """Responses `input` (a string or items) + `instructions` -> (messages, system or None).

    Reports `coerced` for changed tool ids, synthesised tool results, refusals and moved
    thinking; `dropped` for empty turns, bad arguments, orphan outputs and reasoning
    Anthropic did not issue; the rest through the table's rows.

    >>> responses_to_anthropic("hi", "be brief", None)  # type: ignore[arg-type]
    ([{'role': 'user', 'content': 'hi'}], 'be brief')
    """
    if isinstance(items, str):
        system, _ = leading_system([], instructions, ctx)
        if not items:
            ctx.dropped("/input", _EMPTY_INPUT)
            return [], system
        return [{"role": "user", "content": items}], system
    items = items or []
    system, start = leading_system(items, instructions, ctx)
    state = _Items(ctx, ToolIdMap(_call_ids(items)))
    for i in range(start, len(items)):
        item = items[i]
        _ON_ITEM.get(item_kind(item), _Items.on_other)(state, item, i)
    return state.finish(), system


# ================================================================================
# anthropic -> responses
# ================================================================================

_DOCUMENT_SOURCES: Mapping[str, str] = {
    "content": "BetaContentBlockSourceParam",
    "file": "BetaFileDocumentSourceParam",
}
_TO_RESPONSES_FIELDS = (
    "BetaSystemMessageParam/clear_at",
    "BetaSystemMessageParam/output_config",
    "BetaTextBlockParam/citations",
    "BetaImageBlockParam/transformations",
    "BetaFileImageSourceParam",
    "BetaRequestDocumentBlockParam/citations",
    "BetaRequestDocumentBlockParam/context",
    "BetaContentBlockSourceParam",
    "BetaFileDocumentSourceParam",
    "BetaToolUseBlockParam/cache_control",
    "BetaToolUseBlockParam/caller",
    "BetaToolUseBlockParam/toolset_name",
    "BetaToolResultBlockParam/cache_control",
    "BetaToolResultBlockParam/is_error",
    "BetaToolResultBlockParam/toolset_name",
)
# A cache breakpoint on assistant text: Responses assistant messages take output text,
# which has no breakpoint. OpenAI caches the prompt prefix on its own for minutes, which
# is what Anthropic's default 5-minute breakpoint asks; a 1-hour one cannot be requested.
_ASSISTANT_CACHE_NEUTRAL: tuple[Any, ...] = (
    {"type": "ephemeral"},
    {"type": "ephemeral", "ttl": "5m"},
)
_ASSISTANT_CACHE = (
    "Responses assistant messages have no cache breakpoint; OpenAI's automatic prefix "
    "cache lasts minutes, so a 1-hour breakpoint cannot be kept"
)


def reasoning_id(encrypted_content: str) -> str:
    """A reasoning item's id (the field is required): derived from what it carries, so a
    thinking block replayed turn after turn keeps one id, as Responses clients expect.

    >>> reasoning_id("crosswalk.anthropic.thinking:sig")[:3]
    'rs_'
    """
    return "rs_" + hashlib.sha256(encrypted_content.encode()).hexdigest()[:32]


def _breakpoint(part: Item, block: Mapping[str, Any], ctx: Context, pointer: str) -> Item:
    cache = block.get("cache_control")
    if cache is not None:
        part["prompt_cache_breakpoint"] = breakpoint_from_cache(
            cache, ctx, f"{pointer}/cache_control"
        )
    return part


def _input_text(block: Mapping[str, Any], ctx: Context, pointer: str) -> Item:
    """A text block -> an input_text part (cache_control -> prompt_cache_breakpoint)."""
    citations = block.get("citations")
    if citations is not None:
        ctx.apply_drop("BetaTextBlockParam/citations", f"{pointer}/citations", citations)
    return _breakpoint({"type": "input_text", "text": block["text"]}, block, ctx, pointer)


def _input_image(block: Mapping[str, Any], ctx: Context, pointer: str) -> Item | None:
    """An image block -> an input_image part; `detail` auto is Anthropic's only behaviour."""
    if block.get("transformations") is not None:
        ctx.apply_drop(
            "BetaImageBlockParam/transformations",
            f"{pointer}/transformations",
            block["transformations"],
        )
    chat_part = media.image_part_from_source(block["source"])
    if chat_part is None:
        ctx.apply_drop("BetaFileImageSourceParam", f"{pointer}/source", block["source"])
        return None
    part = {"type": "input_image", "image_url": chat_part["image_url"]["url"], "detail": "auto"}
    return _breakpoint(part, block, ctx, pointer)


def _input_file(block: Mapping[str, Any], ctx: Context, pointer: str) -> Item | None:
    """A document block -> an input_file part (base64 PDF or PDF URL); a plain-text
    document -> an input_text part (coerced: its framing and title are lost)."""
    apply_drops(ctx, "BetaRequestDocumentBlockParam", block, ("citations", "context"), pointer)
    source = block["source"]
    kind = source["type"]
    title = block.get("title")
    part: Item
    if kind == "base64":
        part = {
            "type": "input_file",
            "file_data": media.data_url("application/pdf", source["data"]),
            "filename": title or media.DEFAULT_PDF_NAME,
        }
    elif kind == "url":
        part = {"type": "input_file", "file_url": source["url"]}
        if title is not None:
            part["filename"] = title
    elif kind == "text":
        ctx.coerced(
            pointer,
            "plain-text document sent as an input_text part (document framing and title lost)",
        )
        part = {"type": "input_text", "text": source["data"]}
    else:
        ctx.apply_drop(_DOCUMENT_SOURCES[kind], f"{pointer}/source", source)
        return None
    return _breakpoint(part, block, ctx, pointer)


def _drop_block(block: Mapping[str, Any], ctx: Context, pointer: str) -> None:
    definition = ANTHROPIC_REQUEST_SERVER_BLOCKS.get(block["type"])
    if definition is None:
        ctx.dropped(pointer, f"a {block['type']} block has no Responses counterpart here")
    else:
        ctx.apply_drop(definition, pointer, block)


def input_part(block: Mapping[str, Any], ctx: Context, pointer: str) -> Item | None:
    """An Anthropic content block (not tool_use/tool_result) -> a Responses input part."""
    kind = block["type"]
    if kind == "text":
        return _input_text(block, ctx, pointer)
    if kind == "image":
        return _input_image(block, ctx, pointer)
    if kind == "document":
        return _input_file(block, ctx, pointer)
    _drop_block(block, ctx, pointer)
    return None


def _parts(content: Any, ctx: Context, pointer: str) -> Any:
    """Anthropic content (a string or blocks) -> Responses content (a string or parts)."""
    if isinstance(content, str):
        return content
    parts = []
    for j, block in enumerate(content):
        part = input_part(block, ctx, f"{pointer}/{j}")
        if part is not None:
            parts.append(part)
    return parts


class _Blocks:
    """Anthropic turns unrolled into Responses items, in block order."""

    __slots__ = ("ctx", "custom_calls", "items")

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.items: list[Item] = []
        # Ids of the tool_use blocks sent as custom_tool_call: their results follow suit.
        self.custom_calls: set[str] = set()

    def message(self, role: str, content: Any) -> None:
        if content:
            self.items.append({"type": "message", "role": role, "content": content})

    def on_user(self, m: Mapping[str, Any], i: int) -> None:
        content = m["content"]
        if isinstance(content, str):
            self.message("user", content)
            return
        parts = []
        for j, block in enumerate(content):
            pointer = f"/messages/{i}/content/{j}"
            if block["type"] == "tool_result":
                self.items.append(self.tool_output(block, pointer))
            elif (part := input_part(block, self.ctx, pointer)) is not None:
                parts.append(part)
        self.message("user", parts)

    def tool_output(self, block: Mapping[str, Any], pointer: str) -> Item:
        apply_drops(
            self.ctx,
            "BetaToolResultBlockParam",
            block,
            ("cache_control", "is_error", "toolset_name"),
            pointer,
        )
        call_id = block["tool_use_id"]
        kind = "custom_tool_call_output" if call_id in self.custom_calls else "function_call_output"
        content = block.get("content")
        output = "" if content is None else _parts(content, self.ctx, f"{pointer}/content")
        return {"type": kind, "call_id": call_id, "output": output}

    def on_assistant(self, m: Mapping[str, Any], i: int) -> None:
        content = m["content"]
        if isinstance(content, str):
            self.message("assistant", content)
            return
        for j, block in enumerate(content):
            pointer = f"/messages/{i}/content/{j}"
            kind = block["type"]
            if kind == "text":
                self.assistant_text(block, pointer)
            elif kind in THINKING_BLOCKS:
                self.items.append(reasoning_item(block))
            elif kind == "tool_use":
                self.items.append(self.tool_call(block, pointer))
            else:
                _drop_block(block, self.ctx, pointer)

    def assistant_text(self, block: Mapping[str, Any], pointer: str) -> None:
        """A text block -> an assistant message of its own (so block boundaries survive);
        assistant messages take output text, which has no citations or cache breakpoint."""
        if block.get("citations") is not None:
            self.ctx.apply_drop(
                "BetaTextBlockParam/citations", f"{pointer}/citations", block["citations"]
            )
        if block.get("cache_control") is not None:
            self.ctx.discard(
                f"{pointer}/cache_control",
                block["cache_control"],
                _ASSISTANT_CACHE_NEUTRAL,
                _ASSISTANT_CACHE,
            )
        self.message("assistant", block["text"])

    def tool_call(self, block: Mapping[str, Any], pointer: str) -> Item:
        """A tool_use block -> a function_call, or a custom_tool_call for a custom tool."""
        apply_drops(
            self.ctx,
            "BetaToolUseBlockParam",
            block,
            ("cache_control", "caller", "toolset_name"),
            pointer,
        )
        name, tool_input = block["name"], block["input"]
        if name not in self.ctx.options.custom_tools:
            arguments = json.dumps(tool_input, ensure_ascii=False, separators=(",", ":"))
            return {
                "type": "function_call",
                "call_id": block["id"],
                "name": name,
                "arguments": arguments,
            }
        self.custom_calls.add(block["id"])
        text = tool_input.get(CUSTOM_TOOL_INPUT) if len(tool_input) == 1 else None
        if not isinstance(text, str):
            self.ctx.coerced(
                f"{pointer}/input",
                'a custom tool takes {"input": string}; the whole input was sent as JSON text',
            )
            text = json.dumps(tool_input, ensure_ascii=False, separators=(",", ":"))
        return {"type": "custom_tool_call", "call_id": block["id"], "name": name, "input": text}

    def on_system(self, m: Mapping[str, Any], i: int) -> None:
        pointer = f"/messages/{i}"
        apply_drops(self.ctx, "BetaSystemMessageParam", m, ("clear_at", "output_config"), pointer)
        content = m.get("content")
        if content:
            self.message(RESPONSES_SYSTEM_ROLE, _parts(content, self.ctx, f"{pointer}/content"))


def reasoning_item(block: Mapping[str, Any]) -> Item:
    """A thinking or redacted_thinking block -> a reasoning item (fixed shape: the
    signature or data in `encrypted_content`, the thinking text as one summary part).

    >>> reasoning_item({"type": "redacted_thinking", "data": "d"})["encrypted_content"]
    'crosswalk.anthropic.redacted_thinking:d'
    """
    if block["type"] == "redacted_thinking":
        encrypted = signatures.encode_redacted(block["data"])
        summary: list[Item] = []
    else:
        encrypted = signatures.encode_signature(block["signature"])
        text = block["thinking"]
        summary = [{"type": "summary_text", "text": text}] if text else []
    return {
        "type": "reasoning",
        "id": reasoning_id(encrypted),
        "summary": summary,
        "encrypted_content": encrypted,
    }


_FROM_ROLE: Mapping[str, Callable[[_Blocks, Mapping[str, Any], int], None]] = {
    "user": _Blocks.on_user,
    "assistant": _Blocks.on_assistant,
    "system": _Blocks.on_system,
}


@transform(
    "items.anthropic_to_responses",
    source="anthropic.request",
    target="responses.request",
    reads=("/messages", "/system"),
    writes=("/input", "/instructions"),
    handles=_TO_RESPONSES_FIELDS
    + tuple(ANTHROPIC_REQUEST_SERVER_BLOCKS.values())
    + ANTHROPIC_REQUEST_BLOCK_TWINS,
)
def anthropic_to_responses(
    messages: list[dict[str, Any]], system: Any, ctx: Context
) -> tuple[list[Item], str | None]:
    """Anthropic messages + system -> (Responses input items, instructions or None).

    A string system is the instructions; system blocks lead the input as a developer
    message. Reports `coerced` for plain-text documents, `dropped`/refusals through the
    table's rows for what Responses cannot carry.

    >>> anthropic_to_responses([{"role": "user", "content": "hi"}], "be brief", None)  # type: ignore[arg-type]
    ([{'type': 'message', 'role': 'user', 'content': 'hi'}], 'be brief')
    """
    state = _Blocks(ctx)
    instructions = None
    if isinstance(system, str):
        instructions = system or None
    elif system:
        state.message(RESPONSES_SYSTEM_ROLE, _parts(system, ctx, "/system"))
    for i, m in enumerate(messages):
        _FROM_ROLE[m["role"]](state, m, i)
    return state.items, instructions
