"""A loopback upstream for the proxy tests: an aiohttp server that answers each API's
calls in that API's real wire format, and records what it was sent.

It stands in for the one thing the tests cannot run here, the vendors' APIs. Its replies
are the stream fixtures (tests/fixtures/streams, shaped after captured traffic; see
their README) sent as they are, or, for a call that did not ask for a stream, the reply
the fixture adds up to. Which reply a call gets is chosen by the call itself: the text
`scenario:NAME` anywhere in its body (so a test, an SDK or a CLI steers it through the
prompt, with no side channel), `text` when there is none; a call whose last input is a
tool's result gets the `text` reply, which ends a tool round trip.

Scenarios: text, tool, reasoning, think_tags (Chat), midstream_error, truncated,
status-NNN (an error reply with that status, in the format's own error shape), malformed
(a 200 whose body is not JSON), odd (a stream event of the wrong shape), redirect (a
307 elsewhere), html (a proxy's HTML error page), slow (no answer for
10 s), stall (a stream that stops sending for 10 s), reset (the connection is cut
mid-stream), drip (events 50 ms apart), long (events 50 ms apart for a minute; for
disconnect tests); and the scripted turns of tests/upstream_script.py, `run-TOKEN` and
`patch-TOKEN`, which have a CLI run a tool and then report what it printed.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from aiohttp import web

from crosswalk.stream import accumulate
from tests.upstream_script import STREAMS as SCRIPTED
from tests.upstream_script import scripted

Body = dict[str, Any]
STREAMS = Path(__file__).parent / "fixtures" / "streams"
FORMAT_OF_PATH = {
    "/v1/messages": "anthropic",
    "/v1/chat/completions": "chat",
    "/v1/responses": "responses",
}
FIXTURES: dict[tuple[str, str], str] = {
    ("anthropic", "text"): "anthropic__text.sse",
    ("chat", "text"): "chat__text_usage.sse",
    ("responses", "text"): "responses__text.sse",
    ("anthropic", "tool"): "anthropic__thinking_tool_use.sse",
    ("chat", "tool"): "chat__tool_calls.sse",
    ("responses", "tool"): "responses__function_call.sse",
    ("anthropic", "reasoning"): "anthropic__thinking_tool_use.sse",
    ("chat", "reasoning"): "chat__reasoning_content.sse",
    ("responses", "reasoning"): "responses__reasoning_custom_tool.sse",
    ("chat", "think_tags"): "chat__think_tags.sse",
    ("anthropic", "midstream_error"): "anthropic__overloaded_midstream.sse",
    ("chat", "midstream_error"): "chat__error_midstream.sse",
    ("responses", "midstream_error"): "responses__failed.sse",
    ("anthropic", "truncated"): "anthropic__truncated.sse",
    ("responses", "truncated"): "responses__truncated.sse",
}
_SCENARIO = re.compile(rb"scenario:([a-z0-9_-]+)")
# A well-framed event whose JSON has the wrong shape for its kind.
_ODD = {
    "anthropic": b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
    b'"content_block":"x"}\n\n',
    "chat": b'data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m",'
    b'"choices":"x"}\n\n',
    "responses": b'event: response.output_item.added\ndata: {"type":"response.output_item.added",'
    b'"sequence_number":1,"output_index":0,"item":"x"}\n\n',
}
# What each API sends with an error status (type, and Anthropic's type).
_OPENAI_ERRORS = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("service_unavailable_error", None),
}
_ANTHROPIC_ERRORS = {
    400: "invalid_request_error",
    401: "authentication_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


@dataclass
class Seen:
    """One call the double received."""

    path: str
    headers: dict[str, str]
    body: Body


@dataclass
class Double:
    seen: list[Seen] = field(default_factory=list)
    cut_off: int = 0  # streams the double was still sending when the proxy went away
    chunk: int = 97  # bytes per write: events arrive split mid-line, as over a network

    def app(self) -> web.Application:
        app = web.Application()
        for path in FORMAT_OF_PATH:
            app.router.add_post(path, self._call)
        app.router.add_post("/v1/messages/count_tokens", self._count_tokens)
        app.router.add_get("/v1/models", self._models)
        return app

    def last(self, fmt: str | None = None) -> Seen:
        calls = [s for s in self.seen if fmt is None or FORMAT_OF_PATH.get(s.path) == fmt]
        return calls[-1]

    async def _call(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        body = orjson.loads(raw)
        self.seen.append(Seen(request.path, dict(request.headers), body))
        fmt = FORMAT_OF_PATH[request.path]
        found = _SCENARIO.findall(raw)
        streaming = body.get("stream") is True
        turn = scripted(fmt, found[-1].decode(), body) if found else None
        if turn is not None:
            data = SCRIPTED[fmt](turn, str(body.get("model")))
            if streaming:
                return await self._stream(request, fmt, "scripted", data)
            reply = accumulate(fmt, fmt, [data])
            return web.json_response(reply.response, headers=_id_headers(fmt))
        scenario = "text" if after_tool(fmt, body) or not found else found[-1].decode()
        if scenario.startswith("status-"):
            return error_reply(fmt, int(scenario.removeprefix("status-")))
        if scenario == "malformed":
            return web.Response(body=b'{"id": "x", "choices": [', content_type="application/json")
        if scenario == "redirect":
            raise web.HTTPTemporaryRedirect("http://127.0.0.1:9/v1/elsewhere")
        if scenario == "odd":  # a stream whose second event has the wrong shape
            head = (STREAMS / FIXTURES[(fmt, "text")]).read_bytes().split(b"\n\n")[0]
            return await self._stream(request, fmt, "odd", head + b"\n\n" + _ODD[fmt])
        if scenario == "html":
            return web.Response(
                status=502, body=b"<html><body>Bad Gateway</body></html>", content_type="text/html"
            )
        if scenario == "slow":
            await asyncio.sleep(10)
        fixture = FIXTURES.get((fmt, scenario)) or FIXTURES.get((fmt, "text"))
        assert fixture is not None
        data = (STREAMS / fixture).read_bytes()
        if scenario == "truncated" and fmt == "chat":
            data = data[: data.index(b"\n\n", len(data) // 2) + 2]
        if not streaming:
            reply = accumulate(fmt, fmt, [data])
            if reply.error is not None:
                return web.json_response(reply.error["body"], status=reply.error["status"])
            return web.json_response(reply.response, headers=_id_headers(fmt))
        return await self._stream(request, fmt, scenario, data)

    async def _stream(
        self, request: web.Request, fmt: str, scenario: str, data: bytes
    ) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"content-type": "text/event-stream", **_id_headers(fmt)}
        )
        await response.prepare(request)
        events = [e + b"\n\n" for e in data.split(b"\n\n") if e.strip()]
        if scenario == "long":
            events = events[:-3] + events[-4:-3] * 1200 + events[-3:]
        try:
            for i, event in enumerate(events):
                if scenario in ("drip", "long"):
                    await asyncio.sleep(0.05)
                if scenario == "stall" and i == len(events) // 2:
                    await asyncio.sleep(10)
                if scenario == "reset" and i == len(events) // 2:
                    assert request.transport is not None
                    request.transport.abort()
                    return response
                for at in range(0, len(event), self.chunk):
                    await response.write(event[at : at + self.chunk])
            await response.write_eof()
        except (ConnectionResetError, asyncio.CancelledError):
            self.cut_off += 1
            raise
        return response

    async def _count_tokens(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.seen.append(Seen(request.path, dict(request.headers), body))
        return web.json_response({"input_tokens": 42})

    async def _models(self, request: web.Request) -> web.Response:
        if "x-api-key" in request.headers:
            return web.json_response(
                {
                    "data": [
                        {
                            "type": "model",
                            "id": "claude-sonnet-4-5-20250929",
                            "display_name": "Claude Sonnet 4.5",
                            "created_at": "2025-09-29T00:00:00Z",
                        }
                    ],
                    "has_more": False,
                    "first_id": "claude-sonnet-4-5-20250929",
                    "last_id": "claude-sonnet-4-5-20250929",
                }
            )
        return web.json_response(
            {
                "object": "list",
                "data": [{"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "system"}],
            }
        )


def after_tool(fmt: str, body: Body) -> bool:
    """Whether the call's last input is a tool's result (the model's turn after a tool)."""
    if fmt == "anthropic":
        last = (body.get("messages") or [{}])[-1]
        content = last.get("content")
        return isinstance(content, list) and any(
            isinstance(b, dict) and b.get("type") == "tool_result" for b in content
        )
    if fmt == "chat":
        return ((body.get("messages") or [{}])[-1]).get("role") == "tool"
    items = body.get("input")
    return (
        isinstance(items, list)
        and bool(items)
        and str(items[-1].get("type")).endswith("_call_output")
    )


def _id_headers(fmt: str) -> dict[str, str]:
    name = "request-id" if fmt == "anthropic" else "x-request-id"
    return {name: "req_double_0001"}


def error_reply(fmt: str, status: int) -> web.Response:
    """An error reply as each API sends it: its body shape, its request-id header, and
    `retry-after` on a 429."""
    headers = _id_headers(fmt)
    if status == 429:
        headers["retry-after"] = "7"
    message = f"the double answers {status}"
    body: Body
    if fmt == "anthropic":
        kind = _ANTHROPIC_ERRORS.get(status, "api_error")
        body = {"type": "error", "error": {"type": kind, "message": message}}
        body["request_id"] = headers["request-id"]
    else:
        kind, code = _OPENAI_ERRORS.get(status, ("server_error", None))
        body = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return web.json_response(body, status=status, headers=headers)
