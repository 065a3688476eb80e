"""Responses stream events -> neutral events, and the Response they add up to.

Blocks: each content part of a message item (output_text or refusal), each reasoning
item, each function or custom tool call. Hosted-tool items (web search, file search, …)
stream no neutral events: they already ran upstream, they are in the final Response,
and the response tables decide their fate there.

The terminal event carries the whole Response, which is what this reader returns; the
items seen on the way only fill in a terminal Response whose `output` a server left
empty. A reasoning item's `encrypted_content` tells whether Anthropic can see it
(signatures.py): when `output_item.added` does not carry it, the item's origin is
`pending` until `output_item.done` does.
"""

from __future__ import annotations

from typing import Any

from crosswalk.stream import events as ev
from crosswalk.stream.failures import openai_failure
from crosswalk.stream.reader import Reader, StreamError
from crosswalk.stream.table import handlers
from crosswalk.transforms import signatures, tokens

Block = dict[str, Any]
_CALLS = frozenset({"function_call", "custom_tool_call"})
# Events a stream may begin with (in_progress/queued also carry the Response).
_OPENERS = frozenset({"response.created", "response.in_progress", "response.queued", "error"})


def reasoning_state(index: int, item: Block, *, final: bool) -> tuple[ev.Origin, list[ev.Event]]:
    """A reasoning item's origin and the events carrying its opaque state.

    `encrypted_content` made by signatures.py is an Anthropic signature or redacted
    data; anything else is OpenAI's own. No encrypted content on a `final` item (done,
    or a whole reply) means no state Anthropic could verify: `openai`, as the response
    tables treat it; on a just-added item it may still come: `pending`.
    """
    encrypted = item.get("encrypted_content")
    if encrypted is None:
        return ("openai" if final else "pending"), []
    decoded = signatures.decode(encrypted)
    if decoded is None:
        return "openai", [ev.Encrypted(index, encrypted)]
    kind, payload = decoded
    if kind == "redacted_thinking":
        return "anthropic", [ev.Redacted(index, payload)]
    return "anthropic", [ev.SignatureDelta(index, payload)]


class ResponsesReader(Reader):
    """One Responses stream: `read(event, data)` per SSE event, `response()` at the end."""

    format = "responses"

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: Block | None = None
        self.final: Block | None = None
        self.items: dict[int, Block] = {}  # output_index -> item (as last seen)
        self._blocks: dict[tuple[int, int], int] = {}  # (output_index, part) -> block
        self._open: set[int] = set()
        self._origins: dict[int, ev.Origin] = {}
        self._seen: dict[int, str] = {}  # tool input streamed so far, by block
        self._next = 0

    def read(self, event: str, data: Any) -> list[ev.Event]:
        if not isinstance(data, dict):
            raise StreamError(f"a Responses event that is not a JSON object: {str(data)[:80]!r}")
        kind = data.get("type", event)
        sequence = data.get("sequence_number")
        if type(sequence) is int:
            self.last_sequence = sequence
        handler = _HANDLERS.get(kind)
        if handler is None:
            return []  # hosted-tool progress and the like: nothing to stream
        if self.snapshot is None and kind not in _OPENERS:
            raise StreamError(f"{kind} before response.created")
        return handler(self, data)

    def response(self) -> Block:
        final = self.final or self.snapshot
        if final is None:
            raise StreamError("the stream ended before response.created")
        if not final.get("output") and self.items:
            final = {**final, "output": [self.items[k] for k in sorted(self.items)]}
        return final

    # -- the response ---------------------------------------------------------------

    def _created(self, data: Block) -> list[ev.Event]:
        response = data["response"]
        self.snapshot = response
        usage = response.get("usage")
        return [
            ev.Start(
                id=response["id"],
                model=str(response.get("model", "")),
                created=int(response["created_at"]) if response.get("created_at") else None,
                usage=tokens.from_responses(usage) if usage else None,
            )
        ]

    def _progress(self, data: Block) -> list[ev.Event]:
        if self.snapshot is None:
            return self._created(data)
        return []

    def _terminal(self, data: Block) -> list[ev.Event]:
        self.final = data["response"]
        self.finished = True
        out: list[ev.Event] = self._close_all()
        if (usage := self.final.get("usage")) is not None:
            out.append(ev.Usage(tokens.from_responses(usage)))
        reason = (self.final.get("incomplete_details") or {}).get("reason")
        out.append(ev.Finish(reason or self.final.get("status")))
        return out

    def _failed(self, data: Block) -> list[ev.Event]:
        error = data["response"].get("error") or {}
        return [self._failure(error.get("code"), error.get("message"), None)]

    def _error(self, data: Block) -> list[ev.Event]:
        return [self._failure(data.get("code"), data.get("message"), data.get("param"))]

    def _failure(self, code: Any, message: Any, param: Any) -> ev.Failure:
        """A Responses failure names its kind by `code`, which is OpenAI's error type."""
        self.failed = True
        error = {"message": message or "the upstream response failed"}
        return ev.Failure(openai_failure(error, code=code, param=param))

    # -- items ------------------------------------------------------------------------

    def _new(self, key: tuple[int, int]) -> int:
        index = self._next
        self._next += 1
        self._blocks[key] = index
        self._open.add(index)
        return index

    def _item_added(self, data: Block) -> list[ev.Event]:
        item = data["item"]
        position = data["output_index"]
        self.items[position] = item
        kind = item.get("type")
        if kind == "reasoning":
            index = self._new((position, -1))
            origin, extra = reasoning_state(index, item, final=False)
            self._origins[index] = origin
            out: list[ev.Event] = [
                ev.BlockStart(index, "reasoning", item_id=item.get("id"), origin=origin),
                *extra,
            ]
            return out
        if kind in _CALLS:
            index = self._new((position, -1))
            custom = kind == "custom_tool_call"
            out = [
                ev.BlockStart(
                    index,
                    "tool_call",
                    id=item.get("call_id"),
                    name=item.get("name"),
                    custom=custom,
                    item_id=item.get("id"),
                )
            ]
            text = item.get("input" if custom else "arguments") or ""
            if text:
                self._seen[index] = text
                out.append(ev.ToolArgsDelta(index, text))
            return out
        return []

    def _item_done(self, data: Block) -> list[ev.Event]:
        item = data["item"]
        position = data["output_index"]
        self.items[position] = item
        kind = item.get("type")
        out: list[ev.Event] = []
        if kind == "message":
            for k in range(len(item.get("content") or ())):
                out += self._stop((position, k))
            return out
        index = self._blocks.get((position, -1))
        if index is None or index not in self._open:
            return out
        if kind == "reasoning" and self._origins.get(index) == "pending":
            _, extra = reasoning_state(index, item, final=True)
            out += extra
        elif kind in _CALLS:
            key = "input" if kind == "custom_tool_call" else "arguments"
            out += self._tail(index, item.get(key))
        out += self._stop((position, -1))
        return out

    def _tail(self, index: int, full: Any) -> list[ev.Event]:
        """What a `.done` event holds beyond the deltas seen (servers that skip deltas)."""
        seen = self._seen.get(index, "")
        if isinstance(full, str) and full.startswith(seen) and len(full) > len(seen):
            self._seen[index] = full
            return [ev.ToolArgsDelta(index, full[len(seen) :])]
        return []

    def _stop(self, key: tuple[int, int]) -> list[ev.Event]:
        index = self._blocks.get(key)
        if index is None or index not in self._open:
            return []
        self._open.discard(index)
        return [ev.BlockStop(index)]

    def _close_all(self) -> list[ev.Event]:
        out: list[ev.Event] = [ev.BlockStop(i) for i in sorted(self._open)]
        self._open.clear()
        return out

    # -- parts and deltas -------------------------------------------------------------

    def _part_added(self, data: Block) -> list[ev.Event]:
        key = (data["output_index"], data["content_index"])
        if key in self._blocks:
            return []
        part = data["part"]
        kind = part.get("type")
        if kind not in ("output_text", "refusal"):
            return []
        index = self._new(key)
        item_id = data.get("item_id")
        out: list[ev.Event] = [
            ev.BlockStart(index, "text" if kind == "output_text" else "refusal", item_id=item_id)
        ]
        text = part.get("text" if kind == "output_text" else "refusal") or ""
        if text:
            out.append(ev.TextDelta(index, text))
        return out

    def _part_done(self, data: Block) -> list[ev.Event]:
        return self._stop((data["output_index"], data["content_index"]))

    def _text_delta(self, data: Block) -> list[ev.Event]:
        key = (data["output_index"], data["content_index"])
        index = self._blocks.get(key)
        out: list[ev.Event] = []
        if index is None:
            refusal = data["type"] == "response.refusal.delta"
            index = self._new(key)
            out.append(
                ev.BlockStart(index, "refusal" if refusal else "text", item_id=data.get("item_id"))
            )
        out.append(ev.TextDelta(index, data["delta"]))
        return out

    def _annotation(self, data: Block) -> list[ev.Event]:
        index = self._blocks.get((data["output_index"], data["content_index"]))
        annotation = data.get("annotation") or {}
        if index is None or annotation.get("type") != "url_citation":
            return []
        return [
            ev.Citation(index, str(annotation.get("url", "")), str(annotation.get("title", "")))
        ]

    def _summary_part(self, data: Block) -> list[ev.Event]:
        index = self._blocks.get((data["output_index"], -1))
        if index is None or data.get("summary_index", 0) == 0:
            return []
        return [ev.PartBreak(index)]

    def _reasoning_delta(self, data: Block) -> list[ev.Event]:
        index = self._blocks.get((data["output_index"], -1))
        return [] if index is None else [ev.ReasoningDelta(index, data["delta"])]

    def _args_delta(self, data: Block) -> list[ev.Event]:
        index = self._blocks.get((data["output_index"], -1))
        if index is None:
            return []
        self._seen[index] = self._seen.get(index, "") + data["delta"]
        return [ev.ToolArgsDelta(index, data["delta"])]


# Dispatch comes from the stream table (mappings/responses.stream.yaml); a kind it does
# not route (hosted-tool progress, `.done` repeats of what the deltas carried) reads as
# nothing.
_HANDLERS = handlers("responses", "event", ResponsesReader)
