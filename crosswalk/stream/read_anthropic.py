"""Anthropic Messages stream events -> neutral events, and the Message they add up to.

The accumulation follows the official SDK's `accumulate_event`, with one deliberate
difference: signature deltas are appended, never overwritten, so a signature split
across deltas by some gateway survives whole (DESIGN.md, invariants).
"""

from __future__ import annotations

from typing import Any

import orjson

from crosswalk.stream import events as ev
from crosswalk.stream.failures import anthropic_status
from crosswalk.stream.reader import Reader, StreamError
from crosswalk.stream.table import handlers
from crosswalk.stream.text import Text
from crosswalk.transforms import tokens

Block = dict[str, Any]

# Block types that carry tool input as `input_json_delta`s.
_JSON_INPUT = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})


def _is_web(citation: Block) -> bool:
    """Only web-search citations name a URL, which the other formats can carry."""
    return bool(citation.get("type") == "web_search_result_location")


def _citation(index: int, citation: Block) -> ev.Citation:
    return ev.Citation(index, citation["url"], citation.get("title") or "", citation)


class AnthropicReader(Reader):
    """One Anthropic stream: `read(event, data)` per SSE event, `response()` at the end."""

    format = "anthropic"

    def __init__(self) -> None:
        super().__init__()
        self.message: Block | None = None
        self._json: dict[int, Text] = {}  # tool input so far, by block index
        self._live: set[int] = set()  # blocks that produced a neutral BlockStart
        self._texts: dict[tuple[int, str], Text] = {}  # text growing, by (block, field)

    def read(self, event: str, data: Any) -> list[ev.Event]:
        kind = data.get("type") if isinstance(data, dict) else None
        handler = _EVENTS.get(kind)  # type: ignore[arg-type]
        if handler is None:
            if kind is None:
                raise StreamError(f"an Anthropic stream event without a type: {event}")
            raise StreamError(f"unknown Anthropic stream event {kind!r}")
        if self.message is None and kind not in _OPENERS:
            raise StreamError(f"{kind} before message_start")
        return handler(self, data)

    def response(self) -> Block:
        if self.message is None:
            raise StreamError("the stream ended before message_start")
        self._settle(self.message["content"])
        return self.message

    # -- events ---------------------------------------------------------------------

    def _start(self, data: Block) -> list[ev.Event]:
        message = data["message"]
        self.message = {**message, "content": []}
        usage = message.get("usage")
        out: list[ev.Event] = [
            ev.Start(
                id=message["id"],
                model=message["model"],
                usage=tokens.from_anthropic(usage) if usage else None,
            )
        ]
        for block in message.get("content") or ():  # never sent in practice, but valid
            index = len(self.message["content"])
            out += self._block_start(self.message["content"], index, block)
            out += self._block_stop(self.message["content"], index)
        return out

    def _ping(self, data: Block) -> list[ev.Event]:
        return []

    def _message_stop(self, data: Block) -> list[ev.Event]:
        self.finished = True
        return [ev.Finish(self._message.get("stop_reason"))]

    def _error(self, data: Block) -> list[ev.Event]:
        error = data.get("error") or {}
        self.failed = True
        status = anthropic_status(str(error.get("type")))
        return [ev.Failure({"status": status, "headers": {}, "body": data})]

    def _content_block_start(self, data: Block) -> list[ev.Event]:
        return self._block_start(self._message["content"], data["index"], data["content_block"])

    def _content_block_delta(self, data: Block) -> list[ev.Event]:
        content = self._message["content"]
        index = data["index"]
        if index >= len(content):
            raise StreamError(f"content_block_delta for block {index}, which never started")
        delta = data["delta"]
        handler = _DELTAS.get(delta["type"])
        if handler is None:
            raise StreamError(f"unknown Anthropic delta type {delta['type']!r}")
        return handler(self, index, content[index], delta)

    def _content_block_stop(self, data: Block) -> list[ev.Event]:
        return self._block_stop(self._message["content"], data["index"])

    @property
    def _message(self) -> Block:
        assert self.message is not None  # read() lets no other event before message_start
        return self.message

    def _block_start(self, content: list[Block], index: int, block: Block) -> list[ev.Event]:
        if index != len(content):
            raise StreamError(f"content_block_start index {index}, expected {len(content)}")
        block = dict(block)
        content.append(block)
        kind = block["type"]
        if kind == "text":
            out: list[ev.Event] = [ev.BlockStart(index, "text")]
            if block["text"]:
                out.append(ev.TextDelta(index, block["text"]))
            out += [_citation(index, c) for c in block.get("citations") or () if _is_web(c)]
        elif kind == "thinking":
            out = [ev.BlockStart(index, "reasoning", origin="anthropic")]
            if block["thinking"]:
                out.append(ev.ReasoningDelta(index, block["thinking"]))
            if block["signature"]:
                out.append(ev.SignatureDelta(index, block["signature"]))
        elif kind == "redacted_thinking":
            out = [
                ev.BlockStart(index, "reasoning", origin="anthropic"),
                ev.Redacted(index, block["data"]),
            ]
        elif kind == "tool_use":
            # Input present at the start (a whole Message read by walk.py) counts as if
            # it had streamed: it is the JSON text the block's deltas would have carried.
            initial = orjson.dumps(block["input"]).decode() if block.get("input") else ""
            self._json[index] = Text(initial)
            out = [ev.BlockStart(index, "tool_call", id=block["id"], name=block["name"])]
            if initial:
                out.append(ev.ToolArgsDelta(index, initial))
        else:
            # Server-side tool activity: it already happened upstream; it is part of the
            # accumulated Message, and the response tables decide its fate there.
            if kind in _JSON_INPUT:
                self._json[index] = Text()
            return []
        self._live.add(index)
        return out

    # -- deltas: (block index, the block, the delta) -------------------------------------

    def _text_delta(self, index: int, block: Block, delta: Block) -> list[ev.Event]:
        self._grow(index, "text", delta["text"])
        return [ev.TextDelta(index, delta["text"])] if index in self._live else []

    def _thinking_delta(self, index: int, block: Block, delta: Block) -> list[ev.Event]:
        self._grow(index, "thinking", delta["thinking"])
        return [ev.ReasoningDelta(index, delta["thinking"])] if index in self._live else []

    def _signature_delta(self, index: int, block: Block, delta: Block) -> list[ev.Event]:
        self._grow(index, "signature", delta["signature"])
        return [ev.SignatureDelta(index, delta["signature"])] if index in self._live else []

    def _input_json_delta(self, index: int, block: Block, delta: Block) -> list[ev.Event]:
        self._json.setdefault(index, Text()).write(delta["partial_json"])
        return [ev.ToolArgsDelta(index, delta["partial_json"])] if index in self._live else []

    def _citations_delta(self, index: int, block: Block, delta: Block) -> list[ev.Event]:
        citation = delta["citation"]
        block["citations"] = [*(block.get("citations") or ()), citation]
        return [_citation(index, citation)] if index in self._live and _is_web(citation) else []

    def _compaction_delta(self, index: int, block: Block, delta: Block) -> list[ev.Event]:
        block["content"] = delta.get("content")
        block["encrypted_content"] = delta.get("encrypted_content")
        return []

    def _grow(self, index: int, field: str, text: str) -> None:
        """Text grows in a Text (text.py: memory follows the text, not the deltas)."""
        buffer = self._texts.get((index, field))
        if buffer is None:
            buffer = self._texts[(index, field)] = Text()
        buffer.write(text)

    def _settle(self, content: list[Block]) -> None:
        """Move the grown texts into their blocks."""
        for (index, field), buffer in self._texts.items():
            content[index][field] = (content[index].get(field) or "") + buffer.getvalue()
        self._texts.clear()

    def _block_stop(self, content: list[Block], index: int) -> list[ev.Event]:
        if index >= len(content):
            raise StreamError(f"content_block_stop for block {index}, which never started")
        self._settle(content)
        out: list[ev.Event] = []
        pieces = self._json.pop(index, None)
        if pieces is not None and (text := pieces.getvalue()):
            try:
                content[index]["input"] = orjson.loads(text)
            except orjson.JSONDecodeError:
                raise StreamError(
                    f"tool input of block {index} is not JSON: {text[:80]!r}"
                ) from None
        elif pieces is not None and index in self._live:
            # No input streamed (a tool without parameters): the input is {}, and
            # formats that carry arguments as JSON text need that text, as the response
            # tables write it.
            out.append(ev.ToolArgsDelta(index, "{}"))
        if index in self._live:
            self._live.discard(index)
            out.append(ev.BlockStop(index))
        return out

    def _message_delta(self, data: Block) -> list[ev.Event]:
        message = self._message
        delta = data["delta"]
        for key in ("stop_reason", "stop_sequence", "stop_details"):
            if key in delta:
                message[key] = delta[key]
        if delta.get("container") is not None:
            message["container"] = delta["container"]
        for key in ("context_management", "input_transformations"):
            if data.get(key) is not None:
                message[key] = data[key]
        usage = dict(message.get("usage") or {})
        for key, value in (data.get("usage") or {}).items():
            if value is not None or key == "output_tokens":
                usage[key] = value
        message["usage"] = usage
        return [ev.Usage(tokens.from_anthropic(usage))]


# Dispatch comes from the stream table (mappings/anthropic.stream.yaml).
_EVENTS = handlers("anthropic", "event", AnthropicReader)
_DELTAS = handlers("anthropic", "delta", AnthropicReader)
# Events a stream may begin with.
_OPENERS = frozenset({"message_start", "ping", "error"})
