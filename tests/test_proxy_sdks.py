"""The official SDKs against the proxy, for every client format in front of every
upstream format (the six translations and the three pass-throughs).

Each call goes over real HTTP: an `anthropic` or `openai` client (sync and async, plain
calls and the stream helpers) -> the proxy on loopback -> the upstream double, which
answers in the upstream's wire format (tests/upstream_double.py). What the SDK hands
back must be what the library makes of the upstream's reply (`accumulate`, the
conversion every other test holds to the tables): the proxy adds transport, never
meaning. Stream bytes are also held to the writer invariants.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import openai
import pytest

from crosswalk.stream import accumulate
from crosswalk.stream.invariants import check
from crosswalk.stream.read_chat import ChatReader
from tests.proxy_support import FORMATS, UPSTREAM_KEY, UPSTREAM_MODELS, Servers, model_for, servers
from tests.stream_support import sdk_view
from tests.upstream_double import FIXTURES, STREAMS

Body = dict[str, Any]
COMBOS = [(c, u) for c in FORMATS for u in FORMATS]
SCENARIOS = ("text", "tool", "reasoning")
# When a reply was made differs between the library's run and the proxy's.
_CLOCK = frozenset({"created", "created_at"})


@pytest.fixture(scope="module")
def proxy() -> Iterator[Servers]:
    with servers() as running:
        yield running


def expected(client: str, upstream: str, scenario: str) -> Body:
    """The library's conversion of the reply the double sends for `scenario`."""
    fixture = FIXTURES.get((upstream, scenario)) or FIXTURES[(upstream, "text")]
    result = accumulate(upstream, client, [(STREAMS / fixture).read_bytes()])
    assert result.response is not None
    return result.response


def view(fmt: str, body: Body) -> Any:
    found = sdk_view(fmt, body)
    for key in _CLOCK:
        found.pop(key, None)
    return found


def prompt(scenario: str) -> str:
    return f"Please answer. scenario:{scenario}"


def create(proxy: Servers, client: str, upstream: str, scenario: str, *, variant: str = "") -> Body:
    """A plain call through the SDK; `variant` picks an upstream variant (`never-`)."""
    model = variant + model_for(upstream)
    if client == "anthropic":
        a = anthropic.Anthropic(base_url=proxy.proxy_url, api_key="client-key")
        message = a.messages.create(
            model=model, max_tokens=1024, messages=[{"role": "user", "content": prompt(scenario)}]
        )
        return message.model_dump(mode="json")
    o = openai.OpenAI(base_url=f"{proxy.proxy_url}/v1", api_key="client-key")
    if client == "chat":
        completion = o.chat.completions.create(
            model=model, messages=[{"role": "user", "content": prompt(scenario)}]
        )
        return completion.model_dump(mode="json")
    return o.responses.create(model=model, input=prompt(scenario)).model_dump(mode="json")


def stream_final(
    proxy: Servers, client: str, upstream: str, scenario: str, *, variant: str = ""
) -> Body:
    """The final object of the SDK's own stream helper."""
    model = variant + model_for(upstream)
    if client == "anthropic":
        a = anthropic.Anthropic(base_url=proxy.proxy_url, api_key="client-key")
        with a.messages.stream(
            model=model, max_tokens=1024, messages=[{"role": "user", "content": prompt(scenario)}]
        ) as s:
            return s.get_final_message().model_dump(mode="json")
    o = openai.OpenAI(base_url=f"{proxy.proxy_url}/v1", api_key="client-key")
    if client == "chat" and _has_custom_call(expected(client, upstream, scenario)):
        # openai 3.54's helper cannot add up a custom tool call (openai/openai-python#2530):
        # the SDK's plain stream, each chunk parsed by its type, added up by the reader.
        reader = ChatReader()
        chunks = o.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": prompt(scenario)}],
            stream=True,
            stream_options={"include_usage": True},
        )
        for chunk in chunks:
            reader.read("message", chunk.model_dump(mode="json", exclude_unset=True))
        reader.read("message", "[DONE]")
        return reader.response()
    if client == "chat":
        with o.chat.completions.stream(
            model=model,
            messages=[{"role": "user", "content": prompt(scenario)}],
            stream_options={"include_usage": True},
        ) as cs:
            return cs.get_final_completion().model_dump(mode="json")
    with o.responses.stream(model=model, input=prompt(scenario)) as rs:
        return rs.get_final_response().model_dump(mode="json")


def _has_custom_call(completion: Body) -> bool:
    calls = completion["choices"][0]["message"].get("tool_calls") or ()
    return any(call["type"] == "custom" for call in calls)


async def async_calls(proxy: Servers, client: str, upstream: str) -> tuple[Body, Body]:
    """The async clients: a plain call and a stream helper's final object."""
    model = model_for(upstream)
    text = prompt("text")
    if client == "anthropic":
        a = anthropic.AsyncAnthropic(base_url=proxy.proxy_url, api_key="client-key")
        message = await a.messages.create(
            model=model, max_tokens=64, messages=[{"role": "user", "content": text}]
        )
        async with a.messages.stream(
            model=model, max_tokens=64, messages=[{"role": "user", "content": text}]
        ) as s:
            final = await s.get_final_message()
        return message.model_dump(mode="json"), final.model_dump(mode="json")
    o = openai.AsyncOpenAI(base_url=f"{proxy.proxy_url}/v1", api_key="client-key")
    if client == "chat":
        messages: Any = [{"role": "user", "content": text}]
        completion = await o.chat.completions.create(model=model, messages=messages)
        async with o.chat.completions.stream(
            model=model, messages=messages, stream_options={"include_usage": True}
        ) as cs:
            done = await cs.get_final_completion()
        return completion.model_dump(mode="json"), done.model_dump(mode="json")
    response = await o.responses.create(model=model, input=text)
    async with o.responses.stream(model=model, input=text) as rs:
        last = await rs.get_final_response()
    return response.model_dump(mode="json"), last.model_dump(mode="json")


def raw_stream(proxy: Servers, client: str, upstream: str, scenario: str) -> bytes:
    """The bytes a streaming client receives (read as they come, by a plain client)."""
    model = model_for(upstream)
    content = prompt(scenario)
    body: Body
    if client == "anthropic":
        path, headers = "/v1/messages", {"x-api-key": "k", "anthropic-version": "2023-06-01"}
        body = {
            "model": model,
            "max_tokens": 64,
            "messages": [{"role": "user", "content": content}],
        }
    elif client == "chat":
        path, headers = "/v1/chat/completions", {"authorization": "Bearer k"}
        body = {"model": model, "messages": [{"role": "user", "content": content}]}
    else:
        path, headers = "/v1/responses", {"authorization": "Bearer k"}
        body = {"model": model, "input": content}
    with (
        httpx2.Client(timeout=30) as http,
        http.stream(
            "POST", proxy.proxy_url + path, json={**body, "stream": True}, headers=headers
        ) as reply,
    ):
        assert reply.status_code == 200
        assert reply.headers["content-type"].startswith("text/event-stream")
        return b"".join(reply.iter_raw())


# -- the matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("client", "upstream"), COMBOS)
def test_a_plain_call_gets_the_converted_reply(
    proxy: Servers, client: str, upstream: str, scenario: str
) -> None:
    got = create(proxy, client, upstream, scenario)
    assert view(client, got) == view(client, expected(client, upstream, scenario))
    seen = proxy.double.last(upstream)
    assert seen.body["model"] == UPSTREAM_MODELS[upstream]
    assert seen.body.get("stream") is not True


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("client", "upstream"), COMBOS)
def test_the_sdk_stream_helper_adds_up_to_the_converted_reply(
    proxy: Servers, client: str, upstream: str, scenario: str
) -> None:
    got = stream_final(proxy, client, upstream, scenario)
    assert view(client, got) == view(client, expected(client, upstream, scenario))
    assert proxy.double.last(upstream).body["stream"] is True


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("client", "upstream"), COMBOS)
def test_streamed_bytes_keep_the_client_formats_invariants(
    proxy: Servers, client: str, upstream: str, scenario: str
) -> None:
    data = raw_stream(proxy, client, upstream, scenario)
    assert check(client, data) == []


@pytest.mark.parametrize(("client", "upstream"), COMBOS)
def test_async_clients(proxy: Servers, client: str, upstream: str) -> None:
    plain, streamed = asyncio.run(async_calls(proxy, client, upstream))
    want = view(client, expected(client, upstream, "text"))
    assert view(client, plain) == want
    assert view(client, streamed) == want


def test_the_text_is_the_upstreams_text(proxy: Servers) -> None:
    """The comparisons above are with the library; this one is with the fixture's words,
    so that the matrix cannot pass by both sides being empty."""
    message = create(proxy, "anthropic", "chat", "text")
    assert message["content"] == [
        {"type": "text", "text": "Hi! How can I help you today?", "citations": None}
    ]
    completion = create(proxy, "chat", "anthropic", "tool")
    calls = completion["choices"][0]["message"]["tool_calls"]
    assert [(c["function"]["name"], c["function"]["arguments"]) for c in calls] == [
        ("Bash", '{"command":"echo hi","description":"Print hi"}')
    ]
    assert completion["choices"][0]["finish_reason"] == "tool_calls"


@pytest.mark.parametrize(("client", "upstream"), COMBOS)
def test_the_upstream_is_called_with_its_own_credentials(
    proxy: Servers, client: str, upstream: str
) -> None:
    create(proxy, client, upstream, "text")
    headers = {k.lower(): v for k, v in proxy.double.last(upstream).headers.items()}
    if upstream == "anthropic":
        assert headers["x-api-key"] == UPSTREAM_KEY
        assert "authorization" not in headers
        assert headers["anthropic-version"] >= "2023-06-01"
    else:
        assert headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
        assert "x-api-key" not in headers
