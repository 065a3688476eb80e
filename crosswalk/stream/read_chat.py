"""Chat Completions chunks -> neutral events, and the ChatCompletion they add up to.

A chunk's delta may carry several places at once (reasoning, content, refusal, tool
calls); they become blocks in that order, one open at a time, a new place closing the
previous one. Reasoning arrives as `reasoning_content` (DeepSeek, most servers),
`reasoning` (vLLM, OpenRouter) or inline `<think>` tags at the start of the content
(think_tags.py, the rule the response converters apply to whole messages). Only choice
0 streams; the others are accumulated, and the response tables report them dropped.

The terminal event is `data: [DONE]`. Many OpenAI-compatible servers omit it, so a
stream that ends cleanly after choice 0's finish_reason is finished too; one that ends
before is truncated.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from crosswalk.stream import events as ev
from crosswalk.stream.failures import openai_failure
from crosswalk.stream.reader import Reader, StreamError
from crosswalk.transforms import tokens
from crosswalk.transforms.think_tags import ThinkSplitter

Block = dict[str, Any]
_REASONING_KEYS = ("reasoning_content", "reasoning")
# Chunk fields that are not the completion's: its parts, and per-chunk padding.
_CHUNK_ONLY = frozenset({"choices", "usage", "obfuscation"})


class _Choice:
    """One choice's message under accumulation."""

    __slots__ = (
        "annotations",
        "calls",
        "content",
        "finish",
        "logprobs",
        "reasoning",
        "refusal",
        "role",
    )

    def __init__(self) -> None:
        self.role = "assistant"
        # StringIO, not a list of pieces: memory follows the text, not the chunk count.
        self.content: StringIO | None = None
        self.reasoning: StringIO | None = None
        self.refusal: StringIO | None = None
        self.calls: dict[int, Block] = {}
        self.logprobs: dict[str, list[Any]] | None = None
        self.finish: str | None = None
        self.annotations: list[Block] = []

    def build(self, index: int) -> Block:
        message: Block = {
            "role": self.role,
            "content": None if self.content is None else self.content.getvalue(),
            "refusal": None if self.refusal is None else self.refusal.getvalue(),
        }
        if self.reasoning is not None:
            message["reasoning_content"] = self.reasoning.getvalue()
        if self.annotations:
            message["annotations"] = self.annotations
        if self.calls:
            message["tool_calls"] = [self.calls[k] for k in sorted(self.calls)]
        return {
            "index": index,
            "message": message,
            "logprobs": self.logprobs,
            "finish_reason": self.finish if self.finish is not None else "stop",
        }


def _append(state: _Choice, place: str, text: str) -> None:
    pieces = getattr(state, place)
    if pieces is None:
        setattr(state, place, StringIO(text))
        getattr(state, place).seek(0, 2)
    else:
        pieces.write(text)


class ChatReader(Reader):
    """One Chat stream: `read(event, data)` per SSE event, `response()` at the end."""

    format = "chat"

    def __init__(self) -> None:
        super().__init__()
        self.head: Block | None = None
        self.usage: Block | None = None
        self.choices: dict[int, _Choice] = {}
        self._next = 0  # the next neutral block index
        self._open: tuple[str, int] | None = None  # (place, neutral index) of the open block
        self._call_blocks: dict[int, int] = {}  # tool call index -> neutral index
        self._think = ThinkSplitter()

    def read(self, event: str, data: Any) -> list[ev.Event]:
        if data == "[DONE]":
            return self._done()
        if not isinstance(data, dict):
            raise StreamError(f"a Chat chunk that is not a JSON object: {str(data)[:80]!r}")
        if data.get("error") is not None:
            return [self._failure(data)]
        out: list[ev.Event] = []
        if self.head is None:
            self.head = {k: v for k, v in data.items() if k not in _CHUNK_ONLY}
            out.append(
                ev.Start(
                    id=str(data.get("id", "")),
                    model=str(data.get("model", "")),
                    created=data.get("created"),
                )
            )
        else:
            for key in ("system_fingerprint", "service_tier"):
                if data.get(key) is not None:
                    self.head[key] = data[key]
        for choice in data.get("choices") or ():
            index = choice.get("index", 0)
            state = self.choices.get(index)
            if state is None:
                state = self.choices[index] = _Choice()
            if index == 0:
                self._deltas(state, choice.get("delta") or {}, out)
            else:
                self._accumulate(state, choice.get("delta") or {})
            if (logprobs := choice.get("logprobs")) is not None:
                state.logprobs = state.logprobs or {}
                for key, entries in logprobs.items():
                    if entries:
                        state.logprobs.setdefault(key, []).extend(entries)
            if (finish := choice.get("finish_reason")) is not None:
                state.finish = finish
                if index == 0:
                    out += self._flush_think(state)
                    self._close(out)
        if (usage := data.get("usage")) is not None:
            self.usage = usage
            out.append(ev.Usage(tokens.from_chat(usage)))
        return out

    def end(self) -> list[ev.Event]:
        first = self.choices.get(0)
        if self.finished or first is None or first.finish is None:
            return []
        return self._done()

    def response(self) -> Block:
        if self.head is None:
            raise StreamError("the stream ended before its first chunk")
        body: Block = {**self.head, "object": "chat.completion"}
        body["choices"] = [self.choices[k].build(k) for k in sorted(self.choices)]
        if self.usage is not None:
            body["usage"] = self.usage
        return body

    # -- deltas -----------------------------------------------------------------------

    def _deltas(self, state: _Choice, delta: Block, out: list[ev.Event]) -> None:
        if (role := delta.get("role")) is not None:
            state.role = role
        for key in _REASONING_KEYS:
            if (text := delta.get(key)) is not None:
                _append(state, "reasoning", text)
                if text:
                    self._interrupt(out)
                    self._text("reasoning", text, out)
                break
        if (text := delta.get("content")) is not None:
            _append(state, "content", text)
            for place, piece in self._think.feed(text):
                self._text(place, piece, out)
        if (text := delta.get("refusal")) is not None:
            _append(state, "refusal", text)
            if text:
                self._interrupt(out)
                self._text("refusal", text, out)
        for call in delta.get("tool_calls") or ():
            self._call(state, call, out)
        state.annotations.extend(delta.get("annotations") or ())

    def _text(self, place: str, text: str, out: list[ev.Event]) -> None:
        if self._open is None or self._open[0] != place:
            self._close(out)
            index = self._next
            self._next += 1
            self._open = (place, index)
            kind = "reasoning" if place == "reasoning" else place
            if kind == "reasoning":
                out.append(ev.BlockStart(index, "reasoning", origin="none"))
            else:
                out.append(ev.BlockStart(index, "text" if place == "text" else "refusal"))
        index = self._open[1]
        out.append(
            ev.ReasoningDelta(index, text) if place == "reasoning" else ev.TextDelta(index, text)
        )

    def _call(self, state: _Choice, call: Block, out: list[ev.Event]) -> None:
        k = call.get("index", 0)
        fn = call.get("function") or {}
        custom = call.get("custom")
        acc = state.calls.get(k)
        if acc is None:
            self._interrupt(out)
            self._close(out)
            if call.get("type") == "custom" or custom is not None:
                acc = {
                    "id": call.get("id", ""),
                    "type": "custom",
                    "custom": {"name": (custom or {}).get("name", ""), "input": ""},
                }
            else:
                acc = {
                    "id": call.get("id", ""),
                    "type": "function",
                    "function": {"name": fn.get("name", ""), "arguments": ""},
                }
            state.calls[k] = acc
            index = self._next
            self._next += 1
            self._call_blocks[k] = index
            self._open = ("call", index)
            name = acc["custom"]["name"] if acc["type"] == "custom" else acc["function"]["name"]
            out.append(
                ev.BlockStart(
                    index, "tool_call", id=acc["id"], name=name, custom=acc["type"] == "custom"
                )
            )
        elif call.get("id") and not acc["id"]:
            acc["id"] = call["id"]
        index = self._call_blocks[k]
        if acc["type"] == "custom":
            piece = (custom or {}).get("input") or ""
            acc["custom"]["input"] += piece
        else:
            piece = fn.get("arguments") or ""
            acc["function"]["arguments"] += piece
        if piece:
            if self._open != ("call", index):
                raise StreamError(f"tool call {k} continued after another block began")
            out.append(ev.ToolArgsDelta(index, piece))

    def _accumulate(self, state: _Choice, delta: Block) -> None:
        """A choice other than 0: its message only, no events."""
        if (role := delta.get("role")) is not None:
            state.role = role
        for key, attr in (("content", "content"), ("refusal", "refusal")):
            if (text := delta.get(key)) is not None:
                _append(state, attr, text)
        for call in delta.get("tool_calls") or ():
            k = call.get("index", 0)
            fn = call.get("function") or {}
            acc = state.calls.setdefault(
                k,
                {
                    "id": call.get("id", ""),
                    "type": "function",
                    "function": {"name": fn.get("name", ""), "arguments": ""},
                },
            )
            acc["function"]["arguments"] += fn.get("arguments") or ""

    def _interrupt(self, out: list[ev.Event]) -> None:
        """Another place begins: content held back as a possible `<think>` is final."""
        for place, piece in self._think.flush():
            self._text(place, piece, out)

    def _flush_think(self, state: _Choice) -> list[ev.Event]:
        out: list[ev.Event] = []
        for place, piece in self._think.close():
            self._text(place, piece, out)
        return out

    def _close(self, out: list[ev.Event]) -> None:
        if self._open is not None:
            out.append(ev.BlockStop(self._open[1]))
            self._open = None

    def _done(self) -> list[ev.Event]:
        out: list[ev.Event] = []
        first = self.choices.get(0)
        if first is not None:
            out += self._flush_think(first)
        self._close(out)
        self.finished = True
        out.append(ev.Finish(first.finish if first is not None else None))
        return out

    def _failure(self, data: Block) -> ev.Failure:
        self.failed = True
        return ev.Failure(openai_failure(data["error"]))
