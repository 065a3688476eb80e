"""Generated streams: whatever a source sends, the translation keeps the target's rules
and means what the non-streaming conversion means.

Replies are generated in each format (blocks, items, tool calls, reasoning with and
without opaque state, unicode), streamed in that format with deltas cut at random
places, translated to the other two formats and checked: the writer invariants
(crosswalk.stream.invariants), and accumulate(translation) == convert(accumulate(source)).
Then the translation is re-fed in random chunks and must give the same bytes.
"""

from __future__ import annotations

import random
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosswalk.stream import accumulate, synthesize
from crosswalk.stream.invariants import check
from crosswalk.transforms import signatures
from crosswalk.validate import validate
from tests.stream_support import FORMATS, OPTIONS, normalise, translate

Body = dict[str, Any]

_TEXT = st.lists(
    st.sampled_from([*'ab yz\n"\\{}<>/é€😀', "<think>", "</think>"]), min_size=1, max_size=16
).map("".join)
_IDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=4, max_size=10)
_NAMES = st.sampled_from(["Bash", "get_weather", "apply_patch", "exec_command"])
_JSON = st.dictionaries(
    st.sampled_from(["cmd", "city", "n", "flag", "list"]),
    st.one_of(
        _TEXT, st.integers(-5, 10**6), st.booleans(), st.lists(st.integers(0, 9), max_size=3)
    ),
    max_size=3,
)
_SIG = st.text(alphabet="ABCDEFabcdef0123456789+/=", min_size=8, max_size=40)


@st.composite
def anthropic_messages(draw: st.DrawFn) -> Body:
    blocks = draw(
        st.lists(
            st.one_of(
                st.builds(lambda t: {"type": "text", "text": t}, _TEXT),
                st.builds(
                    lambda t, s: {"type": "thinking", "thinking": t, "signature": s}, _TEXT, _SIG
                ),
                st.builds(lambda d: {"type": "redacted_thinking", "data": d}, _SIG),
                st.builds(
                    lambda i, n, a: {"type": "tool_use", "id": "toolu_" + i, "name": n, "input": a},
                    _IDS,
                    _NAMES,
                    _JSON,
                ),
            ),
            max_size=5,
            unique_by=lambda b: b.get("id", id(b)),
        )
    )
    return {
        "id": "msg_" + draw(_IDS),
        "type": "message",
        "role": "assistant",
        "model": "claude-opus-4-7",
        "content": blocks,
        "stop_reason": draw(
            st.sampled_from(["end_turn", "max_tokens", "tool_use", "stop_sequence"])
        ),
        "stop_sequence": None,
        "usage": {
            "input_tokens": draw(st.integers(0, 500)),
            "output_tokens": draw(st.integers(0, 500)),
            "cache_read_input_tokens": draw(st.integers(0, 500)),
            "cache_creation_input_tokens": draw(st.integers(0, 50)),
        },
    }


@st.composite
def chat_completions(draw: st.DrawFn) -> Body:
    calls = [
        {
            "id": "call_" + i,
            "type": "function",
            "function": {"name": n, "arguments": orjson.dumps(a).decode()},
        }
        if not custom
        else {"id": "call_" + i, "type": "custom", "custom": {"name": n, "input": t}}
        for i, n, a, t, custom in draw(
            st.lists(
                st.tuples(_IDS, _NAMES, _JSON, _TEXT, st.booleans()),
                max_size=3,
                unique_by=lambda c: c[0],
            )
        )
    ]
    message: Body = {"role": "assistant", "content": draw(st.none() | _TEXT), "refusal": None}
    if draw(st.booleans()):
        message["reasoning_content"] = draw(_TEXT)
    if calls:
        message["tool_calls"] = calls
    return {
        "id": "chatcmpl-" + draw(_IDS),
        "object": "chat.completion",
        "created": 1_700_000_123,
        "model": "gpt-4o",
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": "tool_calls"
                if calls
                else draw(st.sampled_from(["stop", "length"])),
            }
        ],
        "usage": {
            "prompt_tokens": 30,
            "completion_tokens": 7,
            "total_tokens": 37,
            "prompt_tokens_details": {"cached_tokens": draw(st.integers(0, 30))},
        },
    }


@st.composite
def responses(draw: st.DrawFn) -> Body:
    rid = draw(_IDS)
    items: list[Body] = []
    for n, kind in enumerate(
        draw(
            st.lists(
                st.sampled_from(["reasoning", "message", "function_call", "custom_tool_call"]),
                max_size=4,
            )
        )
    ):
        item_id = f"{kind[:2]}_{rid}{n}"
        if kind == "reasoning":
            item: Body = {
                "type": "reasoning",
                "id": item_id,
                "summary": [
                    {"type": "summary_text", "text": t} for t in draw(st.lists(_TEXT, max_size=3))
                ],
            }
            sealed = draw(st.sampled_from(["none", "openai", "thinking", "redacted"]))
            if sealed == "openai":
                item["encrypted_content"] = "gAAAAB" + draw(_SIG)
            elif sealed == "thinking":
                item["encrypted_content"] = signatures.encode_signature(draw(_SIG))
            elif sealed == "redacted":
                item["encrypted_content"] = signatures.encode_redacted(draw(_SIG))
                item["summary"] = []
        elif kind == "message":
            item = {
                "type": "message",
                "id": item_id,
                "role": "assistant",
                "status": "completed",
                "content": [
                    {"type": "output_text", "text": t, "annotations": []}
                    for t in draw(st.lists(_TEXT, min_size=1, max_size=2))
                ],
            }
        elif kind == "function_call":
            item = {
                "type": kind,
                "id": item_id,
                "call_id": "call_" + item_id,
                "name": draw(_NAMES),
                "arguments": orjson.dumps(draw(_JSON)).decode(),
                "status": "completed",
            }
        else:
            item = {
                "type": kind,
                "id": item_id,
                "call_id": "call_" + item_id,
                "name": draw(_NAMES),
                "input": draw(_TEXT),
            }
        items.append(item)
    incomplete = draw(st.booleans())
    return {
        "id": "resp_" + rid,
        "object": "response",
        "created_at": 1_700_000_456,
        "model": "gpt-5",
        "status": "incomplete" if incomplete else "completed",
        "incomplete_details": {"reason": "max_output_tokens"} if incomplete else None,
        "output": items,
        "tools": [],
        "tool_choice": "auto",
        "parallel_tool_calls": True,
        "usage": {
            "input_tokens": 40,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": 9,
            "output_tokens_details": {"reasoning_tokens": 3},
            "total_tokens": 49,
        },
    }


REPLIES = {"anthropic": anthropic_messages(), "chat": chat_completions(), "responses": responses()}


def source_stream(fmt: str, body: Body, rng: random.Random) -> bytes:
    """`body` streamed in its own format, deltas cut at random places."""
    stream, _ = synthesize(fmt, fmt, body, OPTIONS, piece=lambda: rng.randint(1, 12))
    return stream


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_streams_translate_faithfully(data: st.DataObject) -> None:
    source = data.draw(st.sampled_from(FORMATS))
    body = data.draw(REPLIES[source])
    validate(f"{source}.response", body)  # the generator makes valid replies
    rng = random.Random(data.draw(st.integers(0, 2**32)))
    stream = source_stream(source, body, rng)
    assert check(source, stream) == []
    for target in FORMATS:
        if target == source:
            continue
        expected = accumulate(source, target, [stream], OPTIONS)
        out, translator = translate(source, target, stream)
        assert check(target, out) == [], (target, out)
        if expected.error is not None:  # the response table refuses this reply
            assert translator.error == expected.error
            continue
        assert translator.error is None
        got = accumulate(target, target, [out], OPTIONS)
        assert normalise(got.response) == normalise(expected.response), target
        sizes = iter(lambda: rng.randint(1, 50), None)
        again, _ = translate(source, target, stream, sizes)
        assert again == out
