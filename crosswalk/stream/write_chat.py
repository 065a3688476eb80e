"""Neutral events -> a Chat Completions stream (`chat.completion.chunk`s and `[DONE]`).

What clients rely on: a first chunk with `role: assistant`; `content`, `refusal` and
`reasoning_content` deltas; each tool call announced once with its stable `index`, `id`,
`type` and name, its arguments following in later deltas; `finish_reason` in a last
chunk with an empty delta; a usage chunk (empty `choices`) when the client asked for
`stream_options.include_usage`; then `data: [DONE]`. Every chunk repeats the id,
`created` and model. Reasoning blocks join with a blank line, as the response tables
join them into one `reasoning_content`.

A mid-stream failure is a chunk holding only `error` (the OpenAI SDK raises it as an
APIError) and no `[DONE]`.
"""

from __future__ import annotations

import orjson

from crosswalk.stream import events as ev
from crosswalk.stream.writer import Body, Writer, sse, unwrapped_custom_input
from crosswalk.transforms import Options, response_ids
from crosswalk.transforms.completion import chat_web_annotation

_DONE = b"data: [DONE]\n\n"
_CHOICE = b',"choices":[{"index":0,"delta":'
_SEPARATOR = "\n\n"
# Fields of a completion that a chunk does not repeat: every other reply-level field
# (service_tier, system_fingerprint, …) goes on every chunk, as OpenAI sends them.
_PER_CHUNK = frozenset({"id", "object", "created", "model", "choices", "usage"})


class _Call:
    __slots__ = ("buffer", "custom", "position", "unwrap")

    def __init__(self, position: int, custom: bool, unwrap: bool) -> None:
        self.position = position  # the tool call's `index`
        self.custom = custom
        self.unwrap = unwrap  # JSON {"input": text} arriving for a custom tool: held
        self.buffer: list[str] = []


class ChatWriter(Writer):
    format = "chat"

    def __init__(self, options: Options, *, include_usage: bool = False) -> None:
        super().__init__(options)
        self.include_usage = include_usage
        self._head = b""
        self._calls: dict[int, _Call] = {}
        self._kinds: dict[int, str] = {}
        self._reasoned = False  # reasoning text written (the next block is separated)
        self._sep_due = False
        self._wrote_text = False
        self._length = 0  # characters of content so far: where the next text block starts
        self._block_from = 0
        self._citations: list[ev.Citation] = []
        self._annotated = False
        self.handlers = {
            ev.Start: self._start,
            ev.BlockStart: self._block_start,
            ev.TextDelta: self._text,
            ev.ReasoningDelta: self._reasoning,
            ev.PartBreak: self._part_break,
            ev.ToolArgsDelta: self._args,
            ev.BlockStop: self._block_stop,
            ev.Citation: self._citation,
        }

    def _chunk(self, delta: Body, finish: str | None = None) -> None:
        self.out.append(
            self._head
            + orjson.dumps(delta)
            + b',"logprobs":null,"finish_reason":'
            + (b"null" if finish is None else orjson.dumps(finish))
            + b"}]}\n\n"
        )

    # -- reply ------------------------------------------------------------------------

    def _start(self, e: ev.Start) -> None:
        self.started = True
        created = e.created if e.created is not None else self.now()
        known = self.envelope or {}
        self._envelope = {
            "id": known.get("id") or response_ids.response_id("chat", e.id),
            "object": "chat.completion.chunk",
            "created": created,
            "model": e.model,
        }
        for key, value in known.items():
            if key not in _PER_CHUNK and value is not None:
                self._envelope[key] = value
        self._encode_head()
        self._chunk({"role": "assistant"})

    def _encode_head(self) -> None:
        """Every chunk begins with the reply-level fields: encoded once, not per chunk."""
        self._head = b"data: " + orjson.dumps(self._envelope)[:-1] + _CHOICE

    def _finish(self, final: Body) -> None:
        settled = {k: v for k, v in final.items() if k not in _PER_CHUNK and v is not None}
        if any(self._envelope.get(k) != v for k, v in settled.items()):
            # The reply-level fields as they ended up (a tier settled at the end).
            self._envelope.update(settled)
            self._encode_head()
        choices = final.get("choices") or [{}]
        choice = choices[0]
        delta: Body = {}
        message = choice.get("message") or {}
        if message.get("content") == "" and not self._wrote_text:
            delta["content"] = ""
        if message.get("annotations") and not self._annotated:
            delta["annotations"] = message["annotations"]  # a synthesised reply's own
        self._chunk(delta, choice.get("finish_reason") or "stop")
        if self.include_usage and final.get("usage") is not None:
            self.out.append(sse(None, {**self._envelope, "choices": [], "usage": final["usage"]}))
        self.out.append(_DONE)

    def _fail(self, envelope: Body) -> None:
        self.out.append(sse(None, envelope["body"]))

    # -- blocks -----------------------------------------------------------------------

    def _block_start(self, e: ev.BlockStart) -> None:
        self._kinds[e.index] = e.kind
        if e.kind == "text":
            self._block_from = self._length
        elif e.kind == "reasoning":
            self._sep_due = self._reasoned
        elif e.kind == "tool_call":
            custom = e.custom or (e.name or "") in self.options.custom_tools
            call = _Call(len(self._calls), custom, unwrap=custom and not e.custom)
            self._calls[e.index] = call
            head: Body = {"index": call.position, "id": e.id or "", "type": "function"}
            if custom:
                head["type"] = "custom"
                head["custom"] = {"name": e.name or "", "input": ""}
            else:
                head["function"] = {"name": e.name or "", "arguments": ""}
            self._chunk({"tool_calls": [head]})

    def _text(self, e: ev.TextDelta) -> None:
        if self._kinds.get(e.index) == "refusal":
            self._chunk({"refusal": e.text})
        else:
            self._wrote_text = True
            self._length += len(e.text)
            self._chunk({"content": e.text})

    def _citation(self, e: ev.Citation) -> None:
        self._citations.append(e)

    def _reasoning(self, e: ev.ReasoningDelta) -> None:
        if not e.text:
            return
        text = e.text
        if self._sep_due:
            text, self._sep_due = _SEPARATOR + text, False
        self._reasoned = True
        self._chunk({"reasoning_content": text})

    def _part_break(self, e: ev.PartBreak) -> None:
        self._sep_due = self._reasoned

    def _args(self, e: ev.ToolArgsDelta) -> None:
        call = self._calls.get(e.index)
        if call is None:
            return
        if call.unwrap:
            call.buffer.append(e.text)
            return
        self._call_delta(call, e.text)

    def _call_delta(self, call: _Call, text: str) -> None:
        key, field = ("custom", "input") if call.custom else ("function", "arguments")
        self._chunk({"tool_calls": [{"index": call.position, key: {field: text}}]})

    def _block_stop(self, e: ev.BlockStop) -> None:
        if self._citations:
            # A web citation backs its whole text block (the response tables' rule), so
            # its span is known when the block ends.
            annotations = [
                chat_web_annotation(c.url, c.title, self._block_from, self._length)
                for c in self._citations
            ]
            self._citations = []
            self._annotated = True
            self._chunk({"annotations": annotations})
        call = self._calls.get(e.index)
        if call is not None and call.unwrap:
            # The tool's JSON {"input": text} is complete: its text is the custom input.
            self._call_delta(call, unwrapped_custom_input("".join(call.buffer)))
