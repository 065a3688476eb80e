"""Neutral events -> an Anthropic Messages stream.

The order the API guarantees and the SDKs rely on: `message_start` (the message with
empty content and the usage known so far), a `ping`, then per block
`content_block_start` / `content_block_delta`… / `content_block_stop` with indices
0, 1, 2…, never interleaved, then `message_delta` (stop reason, stop sequence, final
usage) and `message_stop`. Every event has its `event:` line (the Python SDK skips
events without one). A thinking block's signature goes out whole, in one
`signature_delta` just before its stop (the SDK keeps only the last one it sees).

Block fates follow the response tables: Chat reasoning becomes thinking with an empty
signature; reasoning sealed by OpenAI becomes thinking whose signature carries the
sealed state (signatures.wrap_openai), for the client to replay; a reasoning block
whose state is not known yet is held back until it is, and dropped if it never comes.
Tool-call ids are sanitised (ids.py); a custom tool's raw input is streamed as the JSON
of `{"input": <text>}`, as the request tables declare custom tools to Anthropic.
"""

from __future__ import annotations

import orjson

from crosswalk.stream import events as ev
from crosswalk.stream.writer import Body, Writer, sse
from crosswalk.transforms import Options, response_ids, signatures, tokens
from crosswalk.transforms.ids import ToolIdMap
from crosswalk.transforms.tools import CUSTOM_TOOL_INPUT

_PING = sse("ping", {"type": "ping"})
_MESSAGE_STOP = sse("message_stop", {"type": "message_stop"})
# The usage fields a message_delta may carry (BetaMessageDeltaUsage).
_DELTA_USAGE = (
    "input_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "output_tokens",
    "server_tool_use",
    "output_tokens_details",
    "iterations",
    "fallback_credit",
)
_CUSTOM_OPEN = orjson.dumps({CUSTOM_TOOL_INPUT: ""})[:-2].decode()  # '{"input":"'


def _escaped(text: str) -> str:
    """`text` as it appears inside a JSON string (any cut of a string escapes alike)."""
    return orjson.dumps(text)[1:-1].decode()


class _Block:
    """A neutral block as this writer tracks it."""

    __slots__ = ("custom", "held", "index", "kind", "redacted", "signature", "started")

    def __init__(self, kind: str) -> None:
        self.kind = kind  # text | thinking | thinking_held | tool_use | pending
        self.index = -1
        self.started = False
        self.custom = False
        self.signature: list[str] = []
        self.redacted: str | None = None
        self.held: list[str] = []  # thinking text of a pending block


class AnthropicWriter(Writer):
    format = "anthropic"

    def __init__(self, options: Options) -> None:
        super().__init__(options)
        self._blocks: dict[int, _Block] = {}
        self._next = 0
        self._ids = ToolIdMap()
        self.handlers = {
            ev.Start: self._start,
            ev.BlockStart: self._block_start,
            ev.TextDelta: self._text,
            ev.ReasoningDelta: self._reasoning,
            ev.PartBreak: self._part_break,
            ev.SignatureDelta: self._signature,
            ev.Redacted: self._redacted,
            ev.Encrypted: self._encrypted,
            ev.ToolArgsDelta: self._args,
            ev.Citation: self._citation,
            ev.BlockStop: self._block_stop,
        }

    def _citation(self, e: ev.Citation) -> None:
        """Only an Anthropic citation goes out: no table maps OpenAI annotations to
        Anthropic citations (the response tables drop them)."""
        block = self._blocks.get(e.index)
        if e.anthropic is not None and block is not None and block.started:
            self._delta(block, {"type": "citations_delta", "citation": e.anthropic})

    # -- message ----------------------------------------------------------------------

    def _start(self, e: ev.Start) -> None:
        self.started = True
        known = self.envelope or {}
        message: Body = {
            **known,
            "id": known.get("id") or response_ids.response_id("anthropic", e.id),
            "type": "message",
            "role": "assistant",
            "model": e.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
        }
        if "usage" not in message:
            message["usage"] = tokens.to_anthropic(e.usage or tokens.Tokens(0, 0))
        self.out.append(sse("message_start", {"type": "message_start", "message": message}))
        self.out.append(_PING)

    def _finish(self, final: Body) -> None:
        for index in list(self._blocks):
            self._block_stop(ev.BlockStop(index))
        delta: Body = {
            "stop_reason": final.get("stop_reason"),
            "stop_sequence": final.get("stop_sequence"),
        }
        if final.get("stop_details") is not None:
            delta["stop_details"] = final["stop_details"]
        usage = final.get("usage") or {}
        delta_usage = {k: usage[k] for k in _DELTA_USAGE if usage.get(k) is not None}
        delta_usage.setdefault("output_tokens", 0)
        self.out.append(
            sse("message_delta", {"type": "message_delta", "delta": delta, "usage": delta_usage})
        )
        self.out.append(_MESSAGE_STOP)

    def _fail(self, envelope: Body) -> None:
        self.out.append(sse("error", envelope["body"]))

    # -- blocks -----------------------------------------------------------------------

    def _open(self, block: _Block, content_block: Body) -> None:
        block.index = self._next
        self._next += 1
        block.started = True
        self.out.append(
            sse(
                "content_block_start",
                {
                    "type": "content_block_start",
                    "index": block.index,
                    "content_block": content_block,
                },
            )
        )

    def _delta(self, block: _Block, delta: Body) -> None:
        self.out.append(
            sse(
                "content_block_delta",
                {"type": "content_block_delta", "index": block.index, "delta": delta},
            )
        )

    def _block_start(self, e: ev.BlockStart) -> None:
        if e.kind == "text":
            block = _Block("text")
            self._open(block, {"type": "text", "text": ""})
        elif e.kind == "refusal":
            # Not a text block: the refusal is the final reply's stop_details explanation
            # (the response tables' rule), sent in message_delta.
            block = _Block("refusal")
        elif e.kind == "reasoning":
            # Opened by its first content: the next event says thinking or redacted. An
            # OpenAI item's state comes as its own event (at once, or at its done).
            kind = "pending" if e.origin in ("openai", "pending") else "thinking"
            block = _Block(kind)
        else:
            block = _Block("tool_use")
            name = e.name or ""
            block.custom = e.custom
            tool_id = self._ids.get(e.id or f"toolu_{e.index}")
            self._open(block, {"type": "tool_use", "id": tool_id, "name": name, "input": {}})
            if e.custom:
                self._delta(block, {"type": "input_json_delta", "partial_json": _CUSTOM_OPEN})
        self._blocks[e.index] = block

    def _thinking_open(self, block: _Block) -> None:
        if not block.started and block.kind == "thinking":
            self._open(block, {"type": "thinking", "thinking": "", "signature": ""})

    def _text(self, e: ev.TextDelta) -> None:
        block = self._blocks.get(e.index)
        if block is not None and block.started:
            self._delta(block, {"type": "text_delta", "text": e.text})

    def _release(self, block: _Block) -> None:
        """A held block whose state is known now: opened, with the text held so far."""
        block.kind = "thinking"
        self._thinking_open(block)
        if block.held:
            self._delta(block, {"type": "thinking_delta", "thinking": "".join(block.held)})
            block.held.clear()

    def _reasoning(self, e: ev.ReasoningDelta) -> None:
        block = self._blocks.get(e.index)
        if block is None:
            return
        if block.kind == "pending":
            block.held.append(e.text)
            return
        if block.kind == "thinking_held":
            self._release(block)
        self._thinking_open(block)
        if block.redacted is None:
            self._delta(block, {"type": "thinking_delta", "thinking": e.text})

    def _part_break(self, e: ev.PartBreak) -> None:
        self._reasoning(ev.ReasoningDelta(e.index, "\n\n"))

    def _signature(self, e: ev.SignatureDelta) -> None:
        block = self._blocks.get(e.index)
        if block is not None:
            block.signature.append(e.signature)
            if block.kind == "pending":
                block.kind = "thinking_held"

    def _redacted(self, e: ev.Redacted) -> None:
        block = self._blocks.get(e.index)
        if block is None or block.started:
            return
        block.redacted = e.data
        block.kind = "redacted"
        self._open(block, {"type": "redacted_thinking", "data": e.data})

    def _encrypted(self, e: ev.Encrypted) -> None:
        block = self._blocks.get(e.index)
        if block is not None and not block.started:
            block.signature = [signatures.wrap_openai(e.data)]
            block.kind = "thinking_held"

    def _args(self, e: ev.ToolArgsDelta) -> None:
        block = self._blocks.get(e.index)
        if block is None or not block.started:
            return
        text = _escaped(e.text) if block.custom else e.text
        self._delta(block, {"type": "input_json_delta", "partial_json": text})

    def _block_stop(self, e: ev.BlockStop) -> None:
        block = self._blocks.pop(e.index, None)
        if block is None:
            return
        if block.kind == "thinking_held":
            # A held block turned out signed: its held text goes out now, whole.
            self._release(block)
        elif block.kind == "thinking":
            self._thinking_open(block)
        if not block.started:
            return  # pending without any state (the response tables drop it)
        if block.kind == "thinking" and block.signature:
            self._delta(block, {"type": "signature_delta", "signature": "".join(block.signature)})
        elif block.custom:
            self._delta(block, {"type": "input_json_delta", "partial_json": '"}'})
        self.out.append(
            sse("content_block_stop", {"type": "content_block_stop", "index": block.index})
        )
