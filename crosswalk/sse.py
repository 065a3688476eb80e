"""Server-sent events: an incremental parser over raw bytes, and the matching encoder.

The first layer of the stream engine (DESIGN.md, Streams). Upstream bytes arrive in
arbitrary chunks (a TCP read can end mid-line, mid-event, or inside a multi-byte UTF-8
character), and a proxy must pass each event on as soon as it is complete, not when the
stream ends. So the parser keeps only the unfinished tail between calls, and every event
is yielded from the `feed` call that completes it. It follows the WHATWG rules
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
CRLF, LF or CR end a line (a CRLF split across two chunks is still one), a leading BOM is
ignored, `:` lines are comments, one space after the colon is dropped, data lines join
with "\\n", and an event with no data is not dispatched.

A stream that ends without the blank line closing its last event is truncated. The spec
says to discard that event; `close()` also says that it happened, because a truncated
upstream must become an error for the client, never a quiet success.
"""

from __future__ import annotations

import codecs
import re
from typing import Any, NamedTuple

import orjson

__all__ = ["SSEEvent", "SSEParser", "encode_event", "encode_json"]

_LINE_END = re.compile(r"\r\n|\r|\n")


class SSEEvent(NamedTuple):
    """One dispatched event. `event` is "message" when the stream named no type.

    A NamedTuple, not a frozen dataclass: one is made per event, and a frozen
    dataclass's __init__ costs four times as much."""

    event: str
    data: str
    id: str | None = None
    retry: int | None = None


class SSEParser:
    """Bytes in, complete events out; feed chunks of any size, then `close()`.

    >>> p = SSEParser()
    >>> p.feed(b"event: ping\\ndata: {}\\n") + p.feed(b"\\ndata: a\\r")
    [SSEEvent(event='ping', data='{}', id=None, retry=None)]
    >>> p.feed(b"\\ndata: b\\n\\n")
    [SSEEvent(event='message', data='a\\nb', id=None, retry=None)]
    >>> p.close()
    False
    """

    __slots__ = ("_data", "_decoder", "_event", "_id", "_retry", "_seen_text", "_skip_lf", "_tail")

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        # The unfinished last line, in the pieces it arrived in: a line longer than a read
        # (a Responses terminal event carries the whole reply) is joined once, when it ends.
        self._tail: list[str] = []
        self._skip_lf = False  # the previous chunk ended with CR: a leading LF is its pair
        self._seen_text = False  # the BOM is only skipped at the very start
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None  # the last event id, which persists across events
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """The events completed by `chunk`, in order (often none, sometimes several)."""
        return self._feed_text(self._decoder.decode(chunk))

    def close(self) -> bool:
        """End of stream. True when it ended inside an event (truncated); that event is
        discarded, as the spec requires."""
        self._feed_text(self._decoder.decode(b"", final=True))
        truncated = bool(self._tail) or bool(self._data) or bool(self._event)
        self._tail, self._data, self._event = [], [], ""
        return truncated

    def _feed_text(self, text: str) -> list[SSEEvent]:
        if not text:
            return []
        if not self._seen_text:
            self._seen_text = True
            if text.startswith("\ufeff"):
                text = text[1:]
        if self._skip_lf:
            self._skip_lf = False
            if text.startswith("\n"):
                text = text[1:]
        if not text:
            return []
        self._skip_lf = text.endswith("\r")
        lines = _LINE_END.split(text)
        if len(lines) == 1:
            self._tail.append(text)
            return []
        if self._tail:
            self._tail.append(lines[0])
            lines[0] = "".join(self._tail)
        last = lines.pop()
        self._tail = [last] if last else []
        events: list[SSEEvent] = []
        # One loop with the event under construction in locals: this runs once per line
        # of every stream, so `data:` lines (nearly all of them) take the shortest path.
        data, event = self._data, self._event
        for line in lines:
            if not line:
                if data:
                    joined = data[0] if len(data) == 1 else "\n".join(data)
                    events.append(SSEEvent(event or "message", joined, self._id, self._retry))
                    data = []
                event = ""
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line[0] != ":":
                name, colon, value = line.partition(":")
                if colon and value[:1] == " ":
                    value = value[1:]
                if name == "data":
                    data.append(value)
                elif name == "event":
                    event = value
                elif name == "id":
                    if "\0" not in value:
                        self._id = value
                elif name == "retry" and value.isascii() and value.isdigit():
                    self._retry = int(value)
        self._data, self._event = data, event
        return events


def encode_event(data: str, event: str | None = None) -> bytes:
    """One event as SSE bytes: `event:` line when named, a `data:` line per line of data.

    >>> encode_event('{"type":"ping"}', "ping")
    b'event: ping\\ndata: {"type":"ping"}\\n\\n'
    >>> encode_event("a\\nb")
    b'data: a\\ndata: b\\n\\n'
    """
    head = f"event: {event}\n" if event is not None else ""
    body = "".join(f"data: {line}\n" for line in _LINE_END.split(data))
    return (head + body + "\n").encode("utf-8")


def encode_json(event: str | None, data: Any) -> bytes:
    """`encode_event` for JSON data, the writers' case, without its per-line work:
    orjson escapes newlines, so the data is always one line.

    >>> encode_json("ping", {"type": "ping"}) == encode_event('{"type":"ping"}', "ping")
    True
    """
    payload = orjson.dumps(data)
    if event is None:
        return b"data: " + payload + b"\n\n"
    return b"event: " + event.encode() + b"\ndata: " + payload + b"\n\n"
