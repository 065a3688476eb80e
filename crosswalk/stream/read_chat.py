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

from typing import Any

from crosswalk.stream import events as ev
from crosswalk.stream.failures import openai_failure
from crosswalk.stream.reader import Reader, StreamError
from crosswalk.stream.text import Text
from crosswalk.transforms import tokens
from crosswalk.transforms.think_tags import ThinkSplitter

Block = dict[str, Any]
_REASONING_KEYS = ("reasoning_content", "reasoning")
# Chunk fields that are not the completion's: its parts, and per-chunk padding.
_CHUNK_ONLY = frozenset({"choices", "usage", "obfuscation"})
# Where a tool call's text grows, by its type.
_CALL_TEXT = {"function": "arguments", "custom": "input"}
# The accumulating attribute of each place a text block streams from.
_ATTRIBUTE = {"text": "content", "reasoning": "reasoning", "refusal": "refusal"}


class _Choice:
    """One choice's message under accumulation."""

    __slots__ = (
        "annotations",
        "args",
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
        # Text (text.py): memory follows the text, not the chunk count.
        self.content: Text | None = None
        self.reasoning: Text | None = None
        self.refusal: Text | None = None
        self.calls: dict[int, Block] = {}  # by index: id, type and name (text in `args`)
        self.args: dict[int, Text] = {}  # each call's arguments or input, growing
        self.logprobs: dict[str, list[Any]] | None = None
        self.finish: str | None = None
        self.annotations: list[Block] = []

    def add(self, delta: Block) -> list[tuple[int, bool, str]]:
        """Add a delta to the message; for each tool-call piece in it, (the call's
        index, whether it is new, the arguments or input text it adds)."""
        if (role := delta.get("role")) is not None:
            self.role = role
        if (text := _reasoning(delta)) is not None:
            _append(self, "reasoning", text)
        for place in ("content", "refusal"):
            if (text := delta.get(place)) is not None:
                _append(self, place, text)
        self.annotations.extend(delta.get("annotations") or ())
        pieces = []
        for call in delta.get("tool_calls") or ():
            k = call.get("index", 0)
            new = k not in self.calls
            if new:
                kind = "custom" if call.get("type") == "custom" or "custom" in call else "function"
                field = _CALL_TEXT[kind]
                spec = call.get(kind) or {}
                self.calls[k] = {
                    "id": call.get("id", ""),
                    "type": kind,
                    kind: {"name": spec.get("name", ""), field: ""},
                }
                self.args[k] = Text()
            acc = self.calls[k]
            if call.get("id") and not acc["id"]:
                acc["id"] = call["id"]
            kind = acc["type"]
            piece = (call.get(kind) or {}).get(_CALL_TEXT[kind]) or ""
            self.args[k].write(piece)
            pieces.append((k, new, piece))
        return pieces

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
            message["tool_calls"] = [self._call(k) for k in sorted(self.calls)]
        return {
            "index": index,
            "message": message,
            "logprobs": self.logprobs,
            "finish_reason": self.finish if self.finish is not None else "stop",
        }

    def _call(self, k: int) -> Block:
        call = self.calls[k]
        kind = call["type"]
        return {**call, kind: {**call[kind], _CALL_TEXT[kind]: self.args[k].getvalue()}}


def _reasoning(delta: Block) -> str | None:
    """The delta's reasoning text, under whichever name the server uses."""
    for key in _REASONING_KEYS:
        if (text := delta.get(key)) is not None:
            return str(text)
    return None


def _append(state: _Choice, place: str, text: str) -> None:
    pieces = getattr(state, place)
    if pieces is None:
        setattr(state, place, Text(text))
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
        quick = self._quick(data)
        if quick is not None:
            return quick
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
                state.add(choice.get("delta") or {})
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

    def _quick(self, data: Any) -> list[ev.Event] | None:
        """Most chunks continue the open block with one more piece of the same text or
        the same call's arguments, and carry nothing else: such a chunk is read here with
        a few lookups, exactly as the general path would read it (which takes every other
        chunk: this returns None for them)."""
        opened = self._open
        if opened is None or not self._think.settled:
            return None
        if type(data) is not dict:
            return None
        choices: list[Block] = data.get("choices") or []
        if len(choices) != 1:
            return None
        choice = choices[0]
        delta = choice.get("delta")
        if (
            type(delta) is not dict
            or len(delta) != 1
            or choice.get("index", 0) != 0
            or choice.get("finish_reason") is not None
            or choice.get("logprobs") is not None
            or data.get("usage") is not None
            or data.get("error") is not None
        ):
            return None
        place, index = opened
        state = self.choices[0]
        if place == "call":
            piece = self._call_piece(state, index, delta)
            if piece is None:
                return None
        else:
            if place == "reasoning":
                piece = delta.get("reasoning_content")
                if piece is None:
                    piece = delta.get("reasoning")
            else:
                piece = delta.get(_ATTRIBUTE[place])
            if type(piece) is not str:
                return None
            _append(state, _ATTRIBUTE[place], piece)
        head = self.head
        assert head is not None  # a block is open, so the first chunk was read
        for name in ("system_fingerprint", "service_tier"):
            if (value := data.get(name)) is not None:
                head[name] = value
        if not piece:
            return []
        if place == "call":
            return [ev.ToolArgsDelta(index, piece)]
        if place == "reasoning":
            return [ev.ReasoningDelta(index, piece)]
        return [ev.TextDelta(index, piece)]

    def _call_piece(self, state: _Choice, index: int, delta: Block) -> str | None:
        """The argument text of a delta that only continues the open call, added to it;
        None for any other delta."""
        calls = delta.get("tool_calls")
        if type(calls) is not list or len(calls) != 1:
            return None
        call = calls[0]
        k = call.get("index", 0)
        if self._call_blocks.get(k) != index or len(call) > 2 + ("type" in call):
            return None
        kind = state.calls[k]["type"]
        spec = call.get(kind)
        if type(spec) is not dict or len(spec) != 1 or call.get("type", kind) != kind:
            return None
        piece = spec.get(_CALL_TEXT[kind])
        if type(piece) is not str:
            return None
        state.args[k].write(piece)
        return piece

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
        """Choice 0: accumulated like any choice, and streamed."""
        calls = state.add(delta)
        reasoning = _reasoning(delta)
        if reasoning:
            self._interrupt(out)
            self._text("reasoning", reasoning, out)
        if (text := delta.get("content")) is not None:
            for place, piece in self._think.feed(text):
                self._text(place, piece, out)
        if text := delta.get("refusal"):
            self._interrupt(out)
            self._text("refusal", text, out)
        for k, new, piece in calls:
            self._call(state.calls[k], k, new, piece, out)

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

    def _call(self, call: Block, k: int, new: bool, piece: str, out: list[ev.Event]) -> None:
        if new:
            self._interrupt(out)
            self._close(out)
            index = self._next
            self._next += 1
            self._call_blocks[k] = index
            self._open = ("call", index)
            custom = call["type"] == "custom"
            name = call["custom" if custom else "function"]["name"]
            out.append(ev.BlockStart(index, "tool_call", id=call["id"], name=name, custom=custom))
        index = self._call_blocks[k]
        if piece:
            if self._open != ("call", index):
                raise StreamError(f"tool call {k} continued after another block began")
            out.append(ev.ToolArgsDelta(index, piece))

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
