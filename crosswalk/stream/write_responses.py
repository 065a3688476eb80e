"""Neutral events -> a Responses stream.

The event grammar the SDKs and Codex rely on: `response.created` and
`response.in_progress` first; every output item bracketed by `output_item.added` and
`output_item.done` at its `output_index`; message text inside `content_part.added` /
`done` with `output_text.delta`s and `output_text.done` (refusals likewise); reasoning
summaries as `reasoning_summary_part.*` around `reasoning_summary_text.*`; tool calls
as `function_call_arguments.*` or `custom_tool_call_input.*`; each child event carrying
its own item's id; `sequence_number` 0, 1, 2… on every event; and exactly one terminal
event, `response.completed`, `response.incomplete` or `response.failed`, whose
`response.output` repeats the items streamed, ids and content included.

Item structure follows the response tables: consecutive text blocks share one message
item, reasoning and tool calls are items of their own, ids are
`<prefix>_<source id body>_<output index>` unless the source (a Responses stream) had
its own. A thinking signature or redacted data travels in `encrypted_content`
(signatures.py). A custom tool whose call arrives as JSON `{"input": text}` (from
Anthropic) is held until complete, then streamed as its raw input.
"""

from __future__ import annotations

from typing import Any

from crosswalk.stream import events as ev
from crosswalk.stream.text import Text
from crosswalk.stream.writer import Body, Writer, sse, unwrapped_custom_input
from crosswalk.transforms import Options, response_ids, signatures
from crosswalk.transforms.output_items import responses_web_annotation

# ResponseError.code for an OpenAI error type; every other failure is a server_error.
_FAILURE_CODE = {
    "rate_limit_exceeded": "rate_limit_exceeded",
    "rate_limit_error": "rate_limit_exceeded",
    "invalid_prompt": "invalid_prompt",
}


class _Item:
    __slots__ = ("block", "body", "custom", "parts", "position", "signed", "text", "unwrap")

    def __init__(self, position: int, body: Body) -> None:
        self.position = position
        self.body = body
        self.parts: list[Body] = []  # message content / reasoning summary so far
        self.text = Text()  # the open part's (or the call's) text
        self.block = -1  # the neutral block currently writing into this item
        self.custom = False  # a custom tool call (raw input, not JSON arguments)
        self.unwrap = False  # ... whose input arrives as JSON {"input": text}: held
        self.signed = False  # a reasoning item whose encrypted_content is a signature


class ResponsesWriter(Writer):
    format = "responses"

    def __init__(self, options: Options, *, sequence_from: int = 0) -> None:
        """`sequence_from`: the first `sequence_number` written, when this writer ends a
        stream whose earlier events were sent by someone else (a relayed stream)."""
        super().__init__(options)
        self._seq = sequence_from
        self._items: list[Body] = []  # finished items, in output order
        self._message: _Item | None = None  # the open message item
        self._by_block: dict[int, _Item] = {}
        self._known: dict[Any, Body] = {}
        self._kinds: dict[int, str] = {}
        self._origins: dict[int, ev.Origin] = {}
        self._part_open = False
        self._citations: dict[int, list[ev.Citation]] = {}
        self._source_id = ""
        self._response: Body = {}
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

    def _emit(self, kind: str, fields: Body) -> None:
        fields["type"] = kind
        fields["sequence_number"] = self._seq
        self._seq += 1
        self.out.append(sse(kind, fields))

    # -- response ---------------------------------------------------------------------

    def _start(self, e: ev.Start) -> None:
        self.started = True
        self._source_id = e.id
        known = self.envelope or {}
        # Items the envelope already holds (synthesis knows the whole reply) are repeated
        # exactly as they are, fields the neutral events do not carry included.
        self._known = {item.get("id"): item for item in known.get("output") or ()}
        self._response = {
            "tools": [],
            "tool_choice": "auto",
            "parallel_tool_calls": True,
            **known,
            "id": known.get("id") or response_ids.response_id("responses", e.id),
            "object": "response",
            "created_at": e.created if e.created is not None else self.now(),
            "status": "in_progress",
            "model": e.model,
            "output": [],
        }
        for key in ("usage", "incomplete_details", "error"):
            self._response.pop(key, None)
        self._emit("response.created", {"response": self._response})
        self._emit("response.in_progress", {"response": self._response})

    def _finish(self, final: Body) -> None:
        status = final.get("status") or "completed"
        self._close_message("incomplete" if status == "incomplete" else "completed")
        response = {**final, "output": self._items}
        for key in ("id", "created_at"):
            if key in self._response:
                response[key] = self._response[key]
        kind = "response.incomplete" if status == "incomplete" else "response.completed"
        self._emit(kind, {"response": response})

    def _fail(self, envelope: Body) -> None:
        if not self.started:
            # Nothing was announced: the stream's only event is the error.
            error = (envelope.get("body") or {}).get("error") or {}
            self._emit(
                "error",
                {
                    "code": error.get("type"),
                    "message": str(error.get("message") or ""),
                    "param": error.get("param"),
                },
            )
            return
        for index in list(self._by_block):  # what was cut off is closed, as incomplete
            self._block_stop(ev.BlockStop(index))
        self._close_message("incomplete")
        error = (envelope.get("body") or {}).get("error") or {}
        code = _FAILURE_CODE.get(str(error.get("type")), "server_error")
        response = {
            **self._response,
            "status": "failed",
            "output": self._items,
            "error": {"code": code, "message": str(error.get("message") or "")},
        }
        self._emit("response.failed", {"response": response})

    # -- items ------------------------------------------------------------------------

    def _item_id(self, prefix: str, own: str | None) -> str:
        return own or response_ids.item_id(prefix, self._source_id, len(self._items))

    def _add(self, body: Body) -> _Item:
        item = _Item(len(self._items), body)
        self._emit("response.output_item.added", {"output_index": item.position, "item": body})
        return item

    def _done(self, item: _Item) -> None:
        known = self._known.get(item.body["id"])
        if known is not None and item.body.get("status") != "incomplete":
            item.body = known
        self._items.append(item.body)
        self._emit("response.output_item.done", {"output_index": item.position, "item": item.body})

    def _close_message(self, status: str) -> None:
        message, self._message = self._message, None
        if message is not None:
            message.body = {**message.body, "status": status, "content": message.parts}
            self._done(message)

    def _block_start(self, e: ev.BlockStart) -> None:
        self._kinds[e.index] = e.kind
        self._origins[e.index] = e.origin
        if e.kind in ("text", "refusal"):
            message = self._message
            if message is None or (e.item_id is not None and e.item_id != message.body["id"]):
                self._close_message("completed")
                message = self._message = self._add(
                    {
                        "id": self._item_id("msg", e.item_id),
                        "type": "message",
                        "status": "in_progress",
                        "role": "assistant",
                        "content": [],
                    }
                )
            part: Body = (
                {"type": "output_text", "text": "", "annotations": []}
                if e.kind == "text"
                else {"type": "refusal", "refusal": ""}
            )
            message.block = e.index
            message.text = Text()
            self._by_block[e.index] = message
            self._emit(
                "response.content_part.added",
                {**self._at(message), "content_index": len(message.parts), "part": part},
            )
            return
        self._close_message("completed")
        if e.kind == "reasoning":
            item = _Item(
                len(self._items),
                {"id": self._item_id("rs", e.item_id), "type": "reasoning", "summary": []},
            )
            self._emit(
                "response.output_item.added", {"output_index": item.position, "item": item.body}
            )
        else:
            custom = e.custom or (e.name or "") in self.options.custom_tools
            if custom:
                body: Body = {
                    "id": self._item_id("ctc", e.item_id),
                    "type": "custom_tool_call",
                    "call_id": e.id or "",
                    "name": e.name or "",
                    "input": "",
                }
            else:
                body = {
                    "id": self._item_id("fc", e.item_id),
                    "type": "function_call",
                    "call_id": e.id or "",
                    "name": e.name or "",
                    "arguments": "",
                    "status": "in_progress",
                }
            item = self._add(body)
            item.custom = custom
            item.unwrap = custom and not e.custom
        item.block = e.index
        self._by_block[e.index] = item
        self._part_open = False

    def _at(self, item: _Item) -> Body:
        return {"item_id": item.body["id"], "output_index": item.position}

    def _text(self, e: ev.TextDelta) -> None:
        item = self._by_block.get(e.index)
        if item is None:
            return
        item.text.write(e.text)
        at = self._at(item)  # a fresh dict, filled in place: this runs per text delta
        if self._kinds[e.index] == "refusal":
            self._emit(
                "response.refusal.delta",
                {**at, "content_index": len(item.parts), "delta": e.text},
            )
        else:
            at["content_index"] = len(item.parts)
            at["delta"] = e.text
            at["logprobs"] = []
            self._emit("response.output_text.delta", at)

    def _citation(self, e: ev.Citation) -> None:
        self._citations.setdefault(e.index, []).append(e)

    def _reasoning(self, e: ev.ReasoningDelta) -> None:
        item = self._by_block.get(e.index)
        if item is None or not e.text:
            return
        at = {**self._at(item), "summary_index": len(item.parts)}
        if not self._part_open:
            self._part_open = True
            item.text = Text()
            self._emit(
                "response.reasoning_summary_part.added",
                {**at, "part": {"type": "summary_text", "text": ""}},
            )
        item.text.write(e.text)
        self._emit("response.reasoning_summary_text.delta", {**at, "delta": e.text})

    def _part_break(self, e: ev.PartBreak) -> None:
        item = self._by_block.get(e.index)
        if item is not None:
            self._close_summary(item)

    def _close_summary(self, item: _Item) -> None:
        if not self._part_open:
            return
        self._part_open = False
        text = item.text.getvalue()
        at = {**self._at(item), "summary_index": len(item.parts)}
        self._emit("response.reasoning_summary_text.done", {**at, "text": text})
        part = {"type": "summary_text", "text": text}
        self._emit("response.reasoning_summary_part.done", {**at, "part": part})
        item.parts.append(part)

    def _signature(self, e: ev.SignatureDelta) -> None:
        item = self._by_block.get(e.index)
        if item is not None:
            item.signed = True
            item.body["encrypted_content"] = item.body.get("encrypted_content", "") + e.signature

    def _redacted(self, e: ev.Redacted) -> None:
        item = self._by_block.get(e.index)
        if item is not None:
            item.body["encrypted_content"] = signatures.encode_redacted(e.data)
            item.signed = False

    def _encrypted(self, e: ev.Encrypted) -> None:
        item = self._by_block.get(e.index)
        if item is not None:
            item.body["encrypted_content"] = e.data
            item.signed = False

    def _args(self, e: ev.ToolArgsDelta) -> None:
        item = self._by_block.get(e.index)
        if item is None:
            return
        item.text.write(e.text)
        if not item.unwrap:
            self._args_delta(item, e.text)

    def _args_delta(self, item: _Item, text: str) -> None:
        kind = (
            "response.custom_tool_call_input.delta"
            if item.custom
            else "response.function_call_arguments.delta"
        )
        self._emit(kind, {**self._at(item), "delta": text})

    def _block_stop(self, e: ev.BlockStop) -> None:
        item = self._by_block.pop(e.index, None)
        if item is None:
            return
        kind = self._kinds[e.index]
        if kind in ("text", "refusal"):
            self._part_done(item, kind, e.index)
        elif kind == "reasoning":
            self._close_summary(item)
            body = {**item.body, "summary": item.parts}
            if item.signed:  # an Anthropic signature, whole now: encode it
                body["encrypted_content"] = signatures.encode_signature(body["encrypted_content"])
            elif self._origins[e.index] == "anthropic" and "encrypted_content" not in body:
                body["encrypted_content"] = signatures.encode_signature("")
            item.body = body
            self._done(item)
        else:
            self._call_done(item)

    def _part_done(self, item: _Item, kind: str, index: int) -> None:
        text = item.text.getvalue()
        at = {**self._at(item), "content_index": len(item.parts)}
        if kind == "refusal":
            part: Body = {"type": "refusal", "refusal": text}
            self._emit("response.refusal.done", {**at, "refusal": text})
        else:
            annotations = [
                responses_web_annotation(c.url, c.title, text)
                for c in self._citations.pop(index, ())
            ]
            for k, annotation in enumerate(annotations):
                self._emit(
                    "response.output_text.annotation.added",
                    {**at, "annotation_index": k, "annotation": annotation},
                )
            part = {"type": "output_text", "text": text, "annotations": annotations}
            self._emit("response.output_text.done", {**at, "text": text, "logprobs": []})
        self._emit("response.content_part.done", {**at, "part": part})
        item.parts.append(part)

    def _call_done(self, item: _Item) -> None:
        text = item.text.getvalue()
        if item.unwrap:
            # JSON {"input": text} from a JSON-only source: the custom tool's raw input.
            text = unwrapped_custom_input(text)
            if text:
                self._args_delta(item, text)
        if item.custom:
            self._emit("response.custom_tool_call_input.done", {**self._at(item), "input": text})
            item.body = {**item.body, "input": text}
        else:
            self._emit(
                "response.function_call_arguments.done", {**self._at(item), "arguments": text}
            )
            item.body = {**item.body, "arguments": text, "status": "completed"}
        self._done(item)
