"""The incremental SSE parser: events as soon as complete, whatever the chunking."""

from __future__ import annotations

import itertools
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from crosswalk.sse import SSEEvent, SSEParser, encode_event

# Shaped like the three formats' streams: Anthropic names every event, Chat sends bare
# data lines and a [DONE] sentinel, Responses names events and numbers them.
ANTHROPIC = (
    b"event: message_start\n"
    b'data: {"type":"message_start","message":{"id":"msg_01","usage":{"input_tokens":9}}}\n\n'
    b'event: ping\ndata: {"type": "ping"}\n\n'
    + b"event: content_block_delta\n"
    + 'data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"h\u00e9llo \U0001f600"}}\n\n'.encode()
    + b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
)
CHAT = (
    b'data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"role":"assistant"}}]}\n\n'
    b'data: {"id":"chatcmpl-1","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n'
    b"data: [DONE]\n\n"
)
RESPONSES = (
    b"event: response.created\r\n"
    b'data: {"type":"response.created","sequence_number":0}\r\n\r\n'
    b": keep-alive comment\r\n\r\n"
    b"event: response.completed\r\n"
    b'data: {"type":"response.completed","sequence_number":1}\r\n\r\n'
)


def parse_all(chunks: list[bytes]) -> tuple[list[SSEEvent], bool]:
    parser = SSEParser()
    events = [e for chunk in chunks for e in parser.feed(chunk)]
    return events, parser.close()


def test_anthropic_stream() -> None:
    events, truncated = parse_all([ANTHROPIC])
    assert [e.event for e in events] == [
        "message_start",
        "ping",
        "content_block_delta",
        "message_stop",
    ]
    assert json.loads(events[2].data)["delta"]["text"] == "h\u00e9llo \U0001f600"
    assert not truncated


def test_chat_stream_has_unnamed_events_and_done() -> None:
    events, _ = parse_all([CHAT])
    assert {e.event for e in events} == {"message"}
    assert events[-1].data == "[DONE]"


def test_crlf_lines_and_comments() -> None:
    events, _ = parse_all([RESPONSES])
    assert [json.loads(e.data)["sequence_number"] for e in events] == [0, 1]


def test_each_event_arrives_with_the_chunk_that_completes_it() -> None:
    parser = SSEParser()
    assert parser.feed(b"event: a\ndata: 1\n") == []
    assert parser.feed(b"\n") == [SSEEvent("a", "1")]
    assert parser.feed(b"data: 2\n\ndata: 3\n\n") == [
        SSEEvent("message", "2"),
        SSEEvent("message", "3"),
    ]


def test_crlf_split_across_chunks_is_one_line_end() -> None:
    # Read as two line ends, the LF would be a blank line and dispatch "a" on its own.
    parser = SSEParser()
    assert parser.feed(b"data: a\r") == []
    assert parser.feed(b"\ndata: b\r\n\r\n") == [SSEEvent("message", "a\nb")]


def test_truncated_stream_is_reported_and_its_event_discarded() -> None:
    events, truncated = parse_all([b"data: whole\n\ndata: half"])
    assert events == [SSEEvent("message", "whole")] and truncated
    events, truncated = parse_all([b"event: x\ndata: y\n"])
    assert events == [] and truncated


def test_bom_fields_without_colon_and_bad_utf8() -> None:
    events, _ = parse_all(
        [b"\xef\xbb\xbfdata\n\nid: 7\nretry: 3000\ndata:no space\n\n", b"data: \xff\n\n"]
    )
    assert events == [
        SSEEvent("message", ""),
        SSEEvent("message", "no space", "7", 3000),
        SSEEvent("message", "\ufffd", "7", 3000),
    ]


def test_an_event_with_no_data_is_not_dispatched() -> None:
    events, truncated = parse_all([b"event: lonely\n\n"])
    assert events == [] and not truncated


@st.composite
def chunkings(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    """A stream, with its line endings rewritten, cut at random byte offsets."""
    stream = draw(st.sampled_from([ANTHROPIC, CHAT, RESPONSES]))
    ending = draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    stream = re.sub(rb"\r\n|\r|\n", ending, stream)
    cuts = sorted(draw(st.sets(st.integers(0, len(stream)), max_size=40)))
    bounds = [0, *cuts, len(stream)]
    return stream, [stream[a:b] for a, b in itertools.pairwise(bounds)]


@settings(max_examples=300, deadline=None)
@given(chunkings())
def test_any_rechunking_gives_the_same_events(case: tuple[bytes, list[bytes]]) -> None:
    stream, chunks = case
    assert parse_all(chunks) == parse_all([stream])


@given(
    data=st.text(st.characters(blacklist_categories=["Cs"]), max_size=50),
    event=st.none() | st.from_regex(r"[a-z_.]{1,20}", fullmatch=True),
)
def test_encoded_events_parse_back(data: str, event: str | None) -> None:
    events, truncated = parse_all([encode_event(data, event)])
    normalised = "\n".join(re.split(r"\r\n|\r|\n", data))
    assert events == [SSEEvent(event or "message", normalised)] and not truncated
