"""Hand-built streams for the paths the captured fixtures do not take.

Each is schema-shaped wire traffic of its format, built from the documented event
shapes: blocks whose start already carries content, a tool without parameters,
reasoning in several summary parts, a reasoning item whose Anthropic signature only
arrives with `output_item.done`, refusals, a stream that begins at `in_progress`, an
`incomplete` ending, tool arguments given only in the done item, `<think>` held back
until the end. tests/test_stream_tables.py uses them so that every claim of a stream
table is exercised; they are valid streams, so every test that takes source streams
can take them too. Some are deviations readers tolerate because servers send them
(no finish_reason before [DONE]; a Response that begins at in_progress or queued, or ends
with items still open): the invariants checker, which checks what crosswalk writes, flags
those.
"""

from __future__ import annotations

from typing import Any

from crosswalk.stream.writer import sse
from crosswalk.transforms.signatures import encode_redacted, encode_signature

Body = dict[str, Any]
SIGNATURE = "EqQBCkYIBxgCKkAbc+sig/with=padding=="

_USAGE_A = {"input_tokens": 12, "output_tokens": 0}


def _anthropic(*events: Body) -> bytes:
    return b"".join(sse(e["type"], e) for e in events)


def _start_a(model: str = "claude-sonnet-4-5") -> Body:
    message = {
        "id": "msg_01Edge",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": _USAGE_A,
    }
    return {"type": "message_start", "message": message}


def _end_a(reason: str = "end_turn") -> list[Body]:
    return [
        {
            "type": "message_delta",
            "delta": {"stop_reason": reason, "stop_sequence": None},
            "usage": {"output_tokens": 20},
        },
        {"type": "message_stop"},
    ]


def anthropic_full_block_starts() -> bytes:
    """Blocks whose content_block_start already carries their content (valid, and how a
    gateway replaying a whole Message may send it), and a tool that takes no input."""
    citation = {
        "type": "web_search_result_location",
        "url": "https://example.com/a",
        "title": "A",
        "encrypted_index": "Eo8B",
        "cited_text": "a fact",
    }
    return _anthropic(
        _start_a(),
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "thinking", "thinking": "Think.", "signature": SIGNATURE},
        },
        {"type": "content_block_stop", "index": 0},
        {
            "type": "content_block_start",
            "index": 1,
            "content_block": {"type": "text", "text": "A fact.", "citations": [citation]},
        },
        {"type": "content_block_stop", "index": 1},
        {
            "type": "content_block_start",
            "index": 2,
            "content_block": {
                "type": "tool_use",
                "id": "toolu_01A",
                "name": "lookup",
                "input": {"q": "x"},
            },
        },
        {"type": "content_block_stop", "index": 2},
        {
            "type": "content_block_start",
            "index": 3,
            "content_block": {"type": "tool_use", "id": "toolu_01B", "name": "now", "input": {}},
        },
        {"type": "content_block_stop", "index": 3},
        *_end_a("tool_use"),
    )


def _chat(*chunks: Body | str) -> bytes:
    out = []
    for chunk in chunks:
        if isinstance(chunk, str):
            out.append(b"data: " + chunk.encode() + b"\n\n")
        else:
            body = {
                "id": "chatcmpl-edge",
                "object": "chat.completion.chunk",
                "created": 1763475210,
                "model": "deepseek-r1",
                **chunk,
            }
            out.append(sse(None, body))
    return b"".join(out)


def _choice(delta: Body, finish: str | None = None) -> Body:
    return {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def chat_reasoning_field_and_refusal() -> bytes:
    """vLLM's `reasoning` field, then DeepSeek's `reasoning_content` (one reasoning
    block), then text and a refusal."""
    return _chat(
        _choice({"role": "assistant", "content": ""}),
        _choice({"reasoning": "First "}),
        _choice({"reasoning_content": "thought."}),
        _choice({"content": "Hm."}),
        _choice({"refusal": "I can't help with that."}),
        _choice({}, "stop"),
        "[DONE]",
    )


def chat_reasoning_interleaved() -> bytes:
    """Reasoning that resumes after text, under both names. The stream keeps the order;
    a whole ChatCompletion cannot (one reasoning string, one content string), so this
    stream alone does not add up to the conversion of its accumulation."""
    return _chat(
        _choice({"role": "assistant", "content": ""}),
        _choice({"reasoning_content": "First."}),
        _choice({"content": "Hm."}),
        _choice({"reasoning": "Second."}),
        _choice({"content": "Well."}),
        _choice({"reasoning_content": "Third."}),
        _choice({"content": "Done."}),
        _choice({}, "stop"),
        "[DONE]",
    )


def chat_refusal_then_error() -> bytes:
    """A refusal under way when the server fails (an error chunk, as vLLM sends it)."""
    return _chat(
        _choice({"role": "assistant", "content": ""}),
        _choice({"refusal": "I can't"}),
        {"error": {"message": "backend died", "type": "server_error", "param": None, "code": None}},
    )


def chat_think_held_to_finish() -> bytes:
    """Content that might open a `<think>` tag is held back, then released by the
    finish_reason."""
    return _chat(
        _choice({"role": "assistant", "content": ""}),
        _choice({"content": "<thi"}),
        _choice({}, "stop"),
        "[DONE]",
    )


def chat_think_held_to_done() -> bytes:
    """As above, released by [DONE] (a server that sends no finish_reason chunk)."""
    return _chat(
        _choice({"role": "assistant", "content": ""}),
        _choice({"content": "<"}),
        "[DONE]",
    )


def _response(status: str, output: list[Body], **extra: Any) -> Body:
    return {
        "id": "resp_edge",
        "object": "response",
        "created_at": 1763475210,
        "status": status,
        "model": "gpt-5",
        "output": output,
        "error": None,
        "incomplete_details": None,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": None
        if status == "in_progress"
        else {
            "input_tokens": 10,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": 5,
            "output_tokens_details": {"reasoning_tokens": 2},
            "total_tokens": 15,
        },
        **extra,
    }


def _responses(*events: Body) -> bytes:
    return b"".join(sse(e["type"], {**e, "sequence_number": n}) for n, e in enumerate(events))


def _reasoning_item(
    position: int, item_id: str, parts: list[str], added: str | None, done: str | None
) -> tuple[Body, list[Body]]:
    """A reasoning item's events: summary parts streamed between `added` and `done`,
    its encrypted content known at `added`, only at `done`, or never."""
    item: Body = {"id": item_id, "type": "reasoning", "summary": []}
    if added is not None:
        item["encrypted_content"] = added
    summary = [{"type": "summary_text", "text": text} for text in parts]
    final = {**item, "summary": summary}
    if done is not None:
        final["encrypted_content"] = done
    at = {"item_id": item_id, "output_index": position}
    events: list[Body] = [
        {"type": "response.output_item.added", "output_index": position, "item": item}
    ]
    for n, part in enumerate(summary):
        empty = {"type": "summary_text", "text": ""}
        events += [
            {
                "type": "response.reasoning_summary_part.added",
                **at,
                "summary_index": n,
                "part": empty,
            },
            {
                "type": "response.reasoning_summary_text.delta",
                **at,
                "summary_index": n,
                "delta": part["text"],
            },
            {
                "type": "response.reasoning_summary_text.done",
                **at,
                "summary_index": n,
                "text": part["text"],
            },
            {
                "type": "response.reasoning_summary_part.done",
                **at,
                "summary_index": n,
                "part": part,
            },
        ]
    events.append({"type": "response.output_item.done", "output_index": position, "item": final})
    return final, events


def responses_edges() -> bytes:
    """Begins at in_progress. Reasoning items: OpenAI's in two parts, its encrypted
    content arriving only when done; Anthropic-signed in two parts, known at `added`;
    signed with no summary; pending until `done` brings a signature; redacted. Then a
    refusal part that starts with text, a function call whose arguments come only with
    its done item, raw reasoning text, and an incomplete ending with blocks still open."""
    signature = encode_signature(SIGNATURE)
    items = [
        _reasoning_item(0, "rs_1", ["One.", "Two."], None, "gAAAAABopaque"),
        _reasoning_item(1, "rs_2", ["Signed one.", "Signed two."], signature, signature),
        _reasoning_item(2, "rs_3", [], signature, signature),
        _reasoning_item(3, "rs_4", ["Pending."], None, signature),
        _reasoning_item(
            4, "rs_5", [], encode_redacted("EmwKAhgBEgy"), encode_redacted("EmwKAhgBEgy")
        ),
    ]
    refusal = {"type": "refusal", "refusal": "No"}
    message = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "status": "in_progress",
        "content": [],
    }
    final_message = {
        **message,
        "status": "incomplete",
        "content": [{**refusal, "refusal": "No way."}],
    }
    call = {
        "id": "fc_1",
        "type": "function_call",
        "call_id": "call_1",
        "name": "lookup",
        "arguments": "",
        "status": "in_progress",
    }
    call_done = {**call, "arguments": '{"q":"x"}', "status": "completed"}
    raw = {"id": "rs_6", "type": "reasoning", "summary": []}
    part = {"item_id": "msg_1", "output_index": 5, "content_index": 0}
    raw_at = {"item_id": "rs_6", "output_index": 7, "content_index": 0}
    output = [
        *(final for final, _ in items),
        final_message,
        call_done,
        {**raw, "content": [{"type": "reasoning_text", "text": "Raw."}]},
    ]
    return _responses(
        {"type": "response.in_progress", "response": _response("in_progress", [])},
        *(event for _, events in items for event in events),
        {"type": "response.output_item.added", "output_index": 5, "item": message},
        {"type": "response.content_part.added", **part, "part": refusal},
        {"type": "response.refusal.delta", **part, "delta": " way."},
        {"type": "response.refusal.done", **part, "refusal": "No way."},
        {"type": "response.content_part.done", **part, "part": {**refusal, "refusal": "No way."}},
        {"type": "response.output_item.done", "output_index": 5, "item": final_message},
        {"type": "response.output_item.added", "output_index": 6, "item": call},
        {"type": "response.output_item.done", "output_index": 6, "item": call_done},
        {"type": "response.output_item.added", "output_index": 7, "item": raw},
        {
            "type": "response.content_part.added",
            **raw_at,
            "part": {"type": "reasoning_text", "text": ""},
        },
        {"type": "response.reasoning_text.delta", **raw_at, "delta": "Raw."},
        {
            "type": "response.incomplete",
            "response": _response(
                "incomplete", output, incomplete_details={"reason": "max_output_tokens"}
            ),
        },
    )


def responses_error_first() -> bytes:
    """An `error` event before anything else (a rate limit at the edge)."""
    return _responses(
        {"type": "error", "code": "rate_limit_exceeded", "message": "Slow down.", "param": None},
    )


def anthropic_error_first() -> bytes:
    """An `error` event before message_start."""
    return _anthropic(
        {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
    )


def responses_queued_then_done() -> bytes:
    """A background-style stream that begins queued; text whose part starts with text."""
    message = {
        "id": "msg_q",
        "type": "message",
        "role": "assistant",
        "status": "in_progress",
        "content": [],
    }
    part = {"type": "output_text", "text": "Hi", "annotations": []}
    done = {**message, "status": "completed", "content": [{**part, "text": "Hi there"}]}
    return _responses(
        {
            "type": "response.queued",
            "response": _response("in_progress", [], status_detail=None) | {"status": "queued"},
        },
        {"type": "response.output_item.added", "output_index": 0, "item": message},
        {
            "type": "response.content_part.added",
            "item_id": "msg_q",
            "output_index": 0,
            "content_index": 0,
            "part": part,
        },
        {
            "type": "response.output_text.delta",
            "item_id": "msg_q",
            "output_index": 0,
            "content_index": 0,
            "delta": " there",
            "logprobs": [],
        },
        {"type": "response.completed", "response": _response("completed", [done])},
    )


EDGES: dict[str, dict[str, bytes]] = {
    fmt: {fn.__name__: fn() for fn in fns}
    for fmt, fns in {
        "anthropic": [anthropic_full_block_starts, anthropic_error_first],
        "chat": [
            chat_reasoning_field_and_refusal,
            chat_reasoning_interleaved,
            chat_refusal_then_error,
            chat_think_held_to_finish,
            chat_think_held_to_done,
        ],
        "responses": [responses_edges, responses_error_first, responses_queued_then_done],
    }.items()
}
# Streams that say more than a whole reply of their format can (see each docstring).
BEYOND_A_REPLY = frozenset({"chat_reasoning_interleaved"})
