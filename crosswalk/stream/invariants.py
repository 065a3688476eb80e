"""Check a stream against the rules its format's clients rely on.

The writers promise these; the tests hold them to it on every stream they produce, and
a gateway can run the same checks on an upstream it does not trust. `check(format,
data)` returns the violations found (empty when the stream is sound). Each event is
also validated against the format's stream-event schema (schemas/), except the events
the SDK types leave out (Anthropic `ping` and `error`, a Chat error chunk).
"""

from __future__ import annotations

from typing import Any

import orjson

from crosswalk.errors import InvalidRequestError
from crosswalk.sse import SSEEvent, SSEParser
from crosswalk.validate import validate

Body = dict[str, Any]

SCHEMAS = {
    "anthropic": "anthropic.stream_event",
    "chat": "chat.chunk",
    "responses": "responses.stream_event",
}


def events(data: bytes) -> tuple[list[SSEEvent], bool]:
    """The SSE events of `data`, and whether it ended inside an event."""
    parser = SSEParser()
    found = parser.feed(data)
    return found, parser.close()


def check(fmt: str, data: bytes, *, schema: bool = True) -> list[str]:
    found, truncated = events(data)
    problems = ["the byte stream ends inside an event"] if truncated else []
    checker = {"anthropic": _anthropic, "chat": _chat, "responses": _responses}[fmt]
    problems += checker(found, schema)
    return problems


def _schema(fmt: str, body: Any, where: str, problems: list[str]) -> None:
    try:
        validate(SCHEMAS[fmt], body)
    except InvalidRequestError as err:
        problems.append(f"{where}: not a valid {SCHEMAS[fmt]}: {err}")


def _int(value: Any) -> int:
    """An index field; -2 (matching nothing) when it is not an integer."""
    return value if isinstance(value, int) else -2


def _json(sse: SSEEvent, where: str, problems: list[str]) -> Any:
    try:
        return orjson.loads(sse.data)
    except orjson.JSONDecodeError:
        problems.append(f"{where}: data is not JSON")
        return None


# -- anthropic ---------------------------------------------------------------------------

_DELTA_FOR = {
    "text_delta": "text",
    "citations_delta": "text",
    "thinking_delta": "thinking",
    "signature_delta": "thinking",
    "input_json_delta": "tool_use",
}


def _anthropic(found: list[SSEEvent], schema: bool) -> list[str]:
    problems: list[str] = []
    started = stopped = ended = False
    blocks: list[Body] = []
    open_block: int | None = None
    signed: set[int] = set()
    pieces: dict[int, list[str]] = {}
    for n, sse in enumerate(found):
        where = f"event {n}"
        data = _json(sse, where, problems)
        if not isinstance(data, dict):
            continue
        kind = data.get("type")
        if sse.event != kind:
            problems.append(f"{where}: `event: {sse.event}` line for a {kind} event")
        if ended:
            problems.append(f"{where}: {kind} after the stream's terminal event")
        if schema and kind not in ("ping", "error"):
            _schema("anthropic", data, where, problems)
        if kind == "error":
            ended = True
            continue
        if kind == "ping":
            continue
        if not started and kind != "message_start":
            problems.append(f"{where}: {kind} before message_start")
        if kind == "message_start":
            if started:
                problems.append(f"{where}: a second message_start")
            started = True
        elif kind == "content_block_start":
            index = _int(data.get("index"))
            if open_block is not None:
                problems.append(f"{where}: block {index} starts while block {open_block} is open")
            if index != len(blocks):
                problems.append(f"{where}: block index {index}, expected {len(blocks)}")
            blocks.append(data.get("content_block") or {})
            open_block = index
        elif kind == "content_block_delta":
            index = _int(data.get("index"))
            delta = data.get("delta") or {}
            if index != open_block or not 0 <= index < len(blocks):
                problems.append(f"{where}: delta for block {index}, which is not open")
                continue
            block_type = blocks[index].get("type")
            wanted = _DELTA_FOR.get(str(delta.get("type")))
            if wanted is not None and block_type != wanted:
                problems.append(f"{where}: {delta.get('type')} in a {block_type} block")
            if index in signed:
                problems.append(f"{where}: a delta after block {index}'s signature_delta")
            if delta.get("type") == "signature_delta":
                signed.add(index)
            if delta.get("type") == "input_json_delta":
                pieces.setdefault(index, []).append(delta.get("partial_json", ""))
        elif kind == "content_block_stop":
            index = _int(data.get("index"))
            if index != open_block:
                problems.append(f"{where}: stop for block {index}, which is not open")
            open_block = None
            if index in pieces:
                try:
                    orjson.loads("".join(pieces[index]) or "{}")
                except orjson.JSONDecodeError:
                    problems.append(f"{where}: block {index}'s tool input is not JSON")
        elif kind == "message_delta":
            if open_block is not None:
                problems.append(f"{where}: message_delta while block {open_block} is open")
            if stopped:
                problems.append(f"{where}: a second message_delta")
            stopped = True
        elif kind == "message_stop":
            if not stopped:
                problems.append(f"{where}: message_stop without message_delta")
            ended = True
    if not ended:
        problems.append("no terminal event (message_stop or error)")
    return problems


# -- chat ---------------------------------------------------------------------------------


def _chat(found: list[SSEEvent], schema: bool) -> list[str]:
    problems: list[str] = []
    envelope: tuple[Any, ...] | None = None
    finished = ended = False
    calls: dict[int, str] = {}
    first = True
    for n, sse in enumerate(found):
        where = f"chunk {n}"
        if ended:
            problems.append(f"{where}: data after the stream's end")
        if sse.data == "[DONE]":
            if not finished:
                problems.append(f"{where}: [DONE] before a finish_reason")
            ended = True
            continue
        data = _json(sse, where, problems)
        if not isinstance(data, dict):
            continue
        if "error" in data:
            ended = True
            continue
        if schema:
            _schema("chat", data, where, problems)
        head = (data.get("id"), data.get("created"), data.get("model"))
        if envelope is None:
            envelope = head
        elif head != envelope:
            problems.append(f"{where}: id/created/model {head} differ from the first chunk's")
        choices = data.get("choices") or []
        if first:
            first = False
            if not choices or (choices[0].get("delta") or {}).get("role") != "assistant":
                problems.append(f"{where}: the first chunk has no role: assistant delta")
        if finished and choices:
            problems.append(f"{where}: choices after the finish_reason")
        for choice in choices:
            delta = choice.get("delta") or {}
            for call in delta.get("tool_calls") or ():
                k = call.get("index")
                if k not in calls:
                    if k != len(calls):
                        problems.append(f"{where}: tool call index {k}, expected {len(calls)}")
                    spec = call.get("function") or call.get("custom") or {}
                    if not call.get("id") or not spec.get("name"):
                        problems.append(f"{where}: tool call {k} first appears without id and name")
                    calls[k] = call.get("id", "")
                elif call.get("id") not in (None, calls[k]):
                    problems.append(f"{where}: tool call {k} changes its id")
            if choice.get("finish_reason") is not None:
                finished = True
    if not ended:
        problems.append("no terminal event ([DONE] or an error chunk)")
    return problems


# -- responses ---------------------------------------------------------------------------

_TERMINAL = ("response.completed", "response.incomplete", "response.failed")


def _responses(found: list[SSEEvent], schema: bool) -> list[str]:
    problems: list[str] = []
    expected_seq = 0
    items: dict[int, Body] = {}  # output_index -> item while open
    done: list[Body] = []
    parts: set[tuple[int, int]] = set()
    terminal: Body | None = None
    for n, sse in enumerate(found):
        where = f"event {n}"
        data = _json(sse, where, problems)
        if not isinstance(data, dict):
            continue
        kind = str(data.get("type"))
        if sse.event != kind:
            problems.append(f"{where}: `event: {sse.event}` line for a {kind} event")
        if schema:
            _schema("responses", data, where, problems)
        if data.get("sequence_number") != expected_seq:
            problems.append(
                f"{where}: sequence_number {data.get('sequence_number')}, expected {expected_seq}"
            )
        expected_seq = int(data.get("sequence_number", expected_seq)) + 1
        if terminal is not None:
            problems.append(f"{where}: {kind} after the terminal event")
        if n == 0 and kind not in ("response.created", "error"):
            problems.append(f"{where}: the stream does not start with response.created")
        if kind in _TERMINAL or kind == "error":
            if items:
                problems.append(f"{where}: {kind} while items {sorted(items)} are open")
            terminal = data
            output = (data.get("response") or {}).get("output")
            if output is not None and output != done:
                problems.append(f"{where}: the final output differs from the items streamed")
            continue
        position = _int(data.get("output_index"))
        if kind == "response.output_item.added":
            if position != len(done) or position in items:
                problems.append(
                    f"{where}: item added at output_index {position}, expected {len(done)}"
                )
            items[position] = data["item"]
        elif kind == "response.output_item.done":
            added = items.pop(position, None)
            if added is None:
                problems.append(f"{where}: output_item.done for {position}, which is not open")
            elif added.get("id") != data["item"].get("id"):
                problems.append(f"{where}: item {position} changed its id")
            if any(p[0] == position for p in parts):
                problems.append(f"{where}: item {position} done with a part still open")
            done.append(data["item"])
        elif "item_id" in data:
            item = items.get(position)
            if item is None:
                problems.append(f"{where}: {kind} for output_index {position}, which is not open")
            elif item.get("id") != data["item_id"]:
                problems.append(
                    f"{where}: {kind} carries item_id {data['item_id']}, not {item.get('id')}"
                )
            key = (position, _int(data.get("content_index", data.get("summary_index", -1))))
            if kind in ("response.content_part.added", "response.reasoning_summary_part.added"):
                if key in parts:
                    problems.append(f"{where}: part {key} added twice")
                parts.add(key)
            elif kind in ("response.content_part.done", "response.reasoning_summary_part.done"):
                if key not in parts:
                    problems.append(f"{where}: part {key} done but not open")
                parts.discard(key)
            elif (
                kind.endswith(".delta")
                and ("content_index" in data or "summary_index" in data)
                and key not in parts
            ):
                problems.append(f"{where}: {kind} outside an open part {key}")
    if terminal is None:
        problems.append("no terminal event (response.completed, .incomplete or .failed)")
    return problems
