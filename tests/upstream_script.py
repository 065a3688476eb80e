"""Scripted turns for the upstream double: a reply made for the call in front of it, in
each API's own wire format, for the end-to-end tests where a real CLI must act on it
(run a tool the CLI really has, then read what the tool printed).

A `Turn` says what the model "does": think, say something, call one tool. `stream` and
`reply` write it as the named API sends it: the event sequence, field sets and framing
of the fixtures in tests/fixtures/streams (whose README cites the captures they follow),
written out here by hand rather than by crosswalk's writers, so that the double stays
independent of the code under test.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

Body = dict[str, Any]
CREATED = 1763474388


@dataclass(frozen=True)
class Turn:
    token: str  # makes every id and the reasoning of this turn its own
    text: str = ""
    reasoning: str = ""
    tool: str | None = None  # the tool's name
    arguments: Body | None = None  # a function tool's arguments
    custom_input: str | None = None  # a custom (free-form) tool's input, Responses/Chat

    @property
    def signature(self) -> str:
        """What an Anthropic upstream signs its thinking with (opaque to everyone else)."""
        return f"EqQBCkYIBxgCKkC{self.token}sig"

    @property
    def encrypted(self) -> str:
        """What a Responses upstream encrypts its reasoning into."""
        return f"gAAAAABp{self.token}enc"


def _sse(event: str | None, data: Body) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def _pieces(text: str, size: int = 7) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


USAGE = {"input": 120, "output": 40}


# -- Anthropic ---------------------------------------------------------------------------


def anthropic_stream(turn: Turn, model: str) -> bytes:
    out = [
        _sse(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "model": model,
                    "id": f"msg_01{turn.token}",
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": {
                        "input_tokens": USAGE["input"],
                        "cache_creation_input_tokens": 0,
                        "cache_read_input_tokens": 0,
                        "output_tokens": 1,
                        "service_tier": "standard",
                    },
                },
            },
        ),
        _sse("ping", {"type": "ping"}),
    ]
    index = 0

    def block(start: Body, deltas: list[Body]) -> None:
        nonlocal index
        out.append(
            _sse(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": start},
            )
        )
        for delta in deltas:
            out.append(
                _sse(
                    "content_block_delta",
                    {"type": "content_block_delta", "index": index, "delta": delta},
                )
            )
        out.append(_sse("content_block_stop", {"type": "content_block_stop", "index": index}))
        index += 1

    if turn.reasoning:
        block(
            {"type": "thinking", "thinking": "", "signature": ""},
            [{"type": "thinking_delta", "thinking": p} for p in _pieces(turn.reasoning)]
            + [{"type": "signature_delta", "signature": turn.signature}],
        )
    if turn.text:
        block(
            {"type": "text", "text": ""},
            [{"type": "text_delta", "text": p} for p in _pieces(turn.text)],
        )
    if turn.tool:
        arguments = turn.arguments if turn.custom_input is None else {"input": turn.custom_input}
        block(
            {"type": "tool_use", "id": f"toolu_01{turn.token}", "name": turn.tool, "input": {}},
            [{"type": "input_json_delta", "partial_json": ""}]
            + [
                {"type": "input_json_delta", "partial_json": p}
                for p in _pieces(json.dumps(arguments, separators=(",", ":")))
            ],
        )
    out.append(
        _sse(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {
                    "stop_reason": "tool_use" if turn.tool else "end_turn",
                    "stop_sequence": None,
                },
                "usage": {"output_tokens": USAGE["output"]},
            },
        )
    )
    out.append(_sse("message_stop", {"type": "message_stop"}))
    return b"".join(out)


# -- Chat Completions --------------------------------------------------------------------


def chat_stream(turn: Turn, model: str) -> bytes:
    head = {
        "id": f"chatcmpl-{turn.token}",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": model,
        "service_tier": "default",
        "system_fingerprint": "fp_cbf1785567",
    }

    def chunk(delta: Body, finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return _sse(None, {**head, "choices": [choice], "usage": None})

    out = [chunk({"role": "assistant", "content": "", "refusal": None})]
    out += (
        [chunk({"reasoning_content": p}) for p in _pieces(turn.reasoning)] if turn.reasoning else []
    )
    out += [chunk({"content": p}) for p in _pieces(turn.text)] if turn.text else []
    if turn.tool:
        call_id = f"call_{turn.token}"
        if turn.custom_input is not None:
            out.append(
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": call_id,
                                "type": "custom",
                                "custom": {"name": turn.tool, "input": turn.custom_input},
                            }
                        ]
                    }
                )
            )
        else:
            out.append(
                chunk(
                    {
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": call_id,
                                "type": "function",
                                "function": {"name": turn.tool, "arguments": ""},
                            }
                        ]
                    }
                )
            )
            for p in _pieces(json.dumps(turn.arguments, separators=(",", ":"))):
                out.append(chunk({"tool_calls": [{"index": 0, "function": {"arguments": p}}]}))
    out.append(chunk({}, "tool_calls" if turn.tool else "stop"))
    usage = {
        "prompt_tokens": USAGE["input"],
        "completion_tokens": USAGE["output"],
        "total_tokens": USAGE["input"] + USAGE["output"],
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
    }
    out.append(_sse(None, {**head, "choices": [], "usage": usage}))
    out.append(b"data: [DONE]\n\n")
    return b"".join(out)


# -- Responses ---------------------------------------------------------------------------


def responses_stream(turn: Turn, model: str) -> bytes:
    seq = 0
    out: list[bytes] = []

    def emit(kind: str, fields: Body) -> None:
        nonlocal seq
        out.append(_sse(kind, {"type": kind, "sequence_number": seq, **fields}))
        seq += 1

    response: Body = {
        "id": f"resp_{turn.token}",
        "object": "response",
        "created_at": CREATED,
        "status": "in_progress",
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "model": model,
        "output": [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": None,
    }
    emit("response.created", {"response": response})
    emit("response.in_progress", {"response": response})
    items: list[Body] = []

    def item(added: Body, done: Body, children: list[tuple[str, Body]]) -> None:
        at = len(items)
        emit("response.output_item.added", {"output_index": at, "item": added})
        for kind, fields in children:
            emit(kind, {"output_index": at, "item_id": added["id"], **fields})
        emit("response.output_item.done", {"output_index": at, "item": done})
        items.append(done)

    if turn.reasoning:
        rid = f"rs_{turn.token}"
        summary = [{"type": "summary_text", "text": turn.reasoning}]
        part = {"type": "summary_text", "text": ""}
        item(
            {"id": rid, "type": "reasoning", "summary": [], "encrypted_content": turn.encrypted},
            {
                "id": rid,
                "type": "reasoning",
                "summary": summary,
                "encrypted_content": turn.encrypted,
            },
            [("response.reasoning_summary_part.added", {"summary_index": 0, "part": part})]
            + [
                ("response.reasoning_summary_text.delta", {"summary_index": 0, "delta": p})
                for p in _pieces(turn.reasoning)
            ]
            + [
                (
                    "response.reasoning_summary_text.done",
                    {"summary_index": 0, "text": turn.reasoning},
                ),
                (
                    "response.reasoning_summary_part.done",
                    {"summary_index": 0, "part": {"type": "summary_text", "text": turn.reasoning}},
                ),
            ],
        )
    if turn.text:
        mid = f"msg_{turn.token}"
        empty = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        full = {**empty, "text": turn.text}
        item(
            {
                "id": mid,
                "type": "message",
                "status": "in_progress",
                "content": [],
                "role": "assistant",
            },
            {
                "id": mid,
                "type": "message",
                "status": "completed",
                "content": [full],
                "role": "assistant",
            },
            [("response.content_part.added", {"content_index": 0, "part": empty})]
            + [
                ("response.output_text.delta", {"content_index": 0, "delta": p, "logprobs": []})
                for p in _pieces(turn.text)
            ]
            + [
                (
                    "response.output_text.done",
                    {"content_index": 0, "text": turn.text, "logprobs": []},
                ),
                ("response.content_part.done", {"content_index": 0, "part": full}),
            ],
        )
    if turn.tool and turn.custom_input is not None:
        cid = f"ctc_{turn.token}"
        head = {
            "id": cid,
            "type": "custom_tool_call",
            "call_id": f"call_{turn.token}",
            "name": turn.tool,
        }
        item(
            {**head, "status": "in_progress", "input": ""},
            {**head, "status": "completed", "input": turn.custom_input},
            [
                ("response.custom_tool_call_input.delta", {"delta": p})
                for p in _pieces(turn.custom_input)
            ]
            + [("response.custom_tool_call_input.done", {"input": turn.custom_input})],
        )
    elif turn.tool:
        fid = f"fc_{turn.token}"
        arguments = json.dumps(turn.arguments, separators=(",", ":"))
        head = {
            "id": fid,
            "type": "function_call",
            "call_id": f"call_{turn.token}",
            "name": turn.tool,
        }
        item(
            {**head, "status": "in_progress", "arguments": ""},
            {**head, "status": "completed", "arguments": arguments},
            [("response.function_call_arguments.delta", {"delta": p}) for p in _pieces(arguments)]
            + [("response.function_call_arguments.done", {"arguments": arguments})],
        )
    usage = {
        "input_tokens": USAGE["input"],
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": USAGE["output"],
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": USAGE["input"] + USAGE["output"],
    }
    emit(
        "response.completed",
        {"response": {**response, "status": "completed", "output": items, "usage": usage}},
    )
    return b"".join(out)


STREAMS = {"anthropic": anthropic_stream, "chat": chat_stream, "responses": responses_stream}


# -- reading the call --------------------------------------------------------------------


def declared_tools(fmt: str, body: Body) -> dict[str, str]:
    """The tools a call declares: name -> "function" or "custom"."""
    found: dict[str, str] = {}
    for tool in body.get("tools") or ():
        if fmt == "anthropic":
            found[tool.get("name", "")] = "function"
        elif fmt == "chat":
            kind = tool.get("type")
            found[(tool.get(kind) or {}).get("name", "")] = (
                "custom" if kind == "custom" else "function"
            )
        elif tool.get("type") in ("function", "custom"):
            found[tool.get("name", "")] = tool["type"]
    return found


def tool_outputs(fmt: str, body: Body) -> list[str]:
    """The text of every tool result in the call, in order."""
    texts: list[str] = []

    def text_of(content: Any) -> str:
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return "".join(text_of(c) for c in content)
        if isinstance(content, dict):
            return str(content.get("text") or content.get("output") or "")
        return ""

    if fmt == "anthropic":
        for message in body.get("messages") or ():
            for block in message.get("content") if isinstance(message.get("content"), list) else ():
                if block.get("type") == "tool_result":
                    texts.append(text_of(block.get("content")))
    elif fmt == "chat":
        texts = [
            text_of(m.get("content")) for m in body.get("messages") or () if m.get("role") == "tool"
        ]
    else:
        items = body.get("input") if isinstance(body.get("input"), list) else []
        texts = [
            text_of(i.get("output")) for i in items if str(i.get("type")).endswith("_call_output")
        ]
    return texts


def scripted(fmt: str, scenario: str, body: Body) -> Turn | None:
    """The turn for `run-TOKEN` (run `echo TOKEN` in the CLI's shell tool) and
    `patch-TOKEN` (create TOKEN.txt with Codex's apply_patch), or None for another
    scenario. After the tool ran, the turn reports what it printed."""
    kind, _, token = scenario.partition("-")
    if kind not in ("run", "patch") or not token:
        return None
    outputs = tool_outputs(fmt, body)
    if outputs:
        return Turn(token + "b", text=f"The tool said: {outputs[-1].strip()}")
    tools = declared_tools(fmt, body)
    thinking = f"I will use a tool for {token}."
    if kind == "patch":
        patch = f"*** Begin Patch\n*** Add File: {token}.txt\n+made by crosswalk e2e {token}\n*** End Patch\n"
        if tools.get("apply_patch") == "custom":
            return Turn(token, "Creating the file.", thinking, "apply_patch", custom_input=patch)
        return Turn(
            token, "Creating the file.", thinking, "apply_patch", arguments={"input": patch}
        )
    if "Bash" in tools:
        arguments = {"command": f"echo {token}", "description": "Print the token"}
        return Turn(token, "Running it.", thinking, "Bash", arguments=arguments)
    if "exec_command" in tools:
        return Turn(
            token, "Running it.", thinking, "exec_command", arguments={"cmd": f"echo {token}"}
        )
    if "shell" in tools:
        return Turn(token, "Running it.", thinking, "shell", arguments={"command": ["echo", token]})
    return Turn(token, text=f"No shell tool among {sorted(tools)}")
