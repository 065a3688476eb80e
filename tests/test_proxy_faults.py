"""Everything that can go wrong in a proxied call, each answered in the client's own
format with the status its API would send, and the server still serving afterwards.

The upstream double is steered by `scenario:NAME` in the prompt (tests/upstream_double.py):
error statuses in each upstream's own error shape, a reply that is not JSON, an HTML
error page, a connection cut mid-stream, an upstream that does not answer, an in-stream
error, a stream that stops early. The client's own mistakes (bad JSON, a body over the
limit, a field its schema refuses, an old API version, a missing key) are sent raw.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anthropic
import httpx2
import openai
import orjson
import pytest

from crosswalk.convert import run
from crosswalk.proxy.config import parse
from crosswalk.proxy.exchange import LOSS_HEADER
from crosswalk.sse import SSEParser
from crosswalk.stream.invariants import check
from crosswalk.validate import validate
from tests.proxy_support import (
    FORMATS,
    UPSTREAM_KEY,
    Servers,
    config_document,
    model_for,
    proxy_only,
    servers,
)
from tests.upstream_double import error_reply

Body = dict[str, Any]
PATHS = {"anthropic": "/v1/messages", "chat": "/v1/chat/completions", "responses": "/v1/responses"}
COMBOS = [(c, u) for c in FORMATS for u in FORMATS]
CROSS = [(c, u) for c, u in COMBOS if c != u]


@pytest.fixture(scope="module")
def proxy() -> Iterator[Servers]:
    with servers() as running:
        yield running


def request_body(client: str, model: str, text: str, *, stream: bool = False) -> Body:
    if client == "anthropic":
        body: Body = {
            "model": model,
            "max_tokens": 64,
            "messages": [{"role": "user", "content": text}],
        }
    elif client == "chat":
        body = {"model": model, "messages": [{"role": "user", "content": text}]}
    else:
        body = {"model": model, "input": text}
    if stream:
        body["stream"] = True
    return body


def client_headers(client: str, key: str = "client-key") -> dict[str, str]:
    if client == "anthropic":
        return {"x-api-key": key, "anthropic-version": "2023-06-01"}
    return {"authorization": f"Bearer {key}"}


def post(
    proxy: Servers,
    client: str,
    body: Body | bytes,
    *,
    headers: dict[str, str] | None = None,
    path: str | None = None,
) -> httpx2.Response:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    with httpx2.Client(timeout=30) as http:
        return http.post(
            proxy.proxy_url + (path or PATHS[client]),
            content=content,
            headers={"content-type": "application/json", **(headers or client_headers(client))},
        )


def error_of(client: str, reply: httpx2.Response) -> Body:
    """The error body, checked to be the client format's own error shape."""
    body: Body = reply.json()
    validate(f"{client}.error", {"status": reply.status_code, "body": body})
    return body["error"]  # type: ignore[no-any-return]


def still_serving(proxy: Servers, client: str = "chat") -> None:
    reply = post(proxy, client, request_body(client, model_for("anthropic"), "hello"))
    assert reply.status_code == 200, reply.text


# -- upstream errors ----------------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 429, 500, 503, 529])
@pytest.mark.parametrize(("client", "upstream"), COMBOS)
def test_an_upstream_error_reaches_the_client_through_the_error_tables(
    proxy: Servers, client: str, upstream: str, status: int
) -> None:
    reply = post(
        proxy, client, request_body(client, model_for(upstream), f"scenario:status-{status}")
    )
    double = error_reply(upstream, status)
    assert double.body is not None
    source = {
        "status": status,
        "headers": {
            k: v
            for k, v in double.headers.items()
            if k.lower() in ("retry-after", "request-id", "x-request-id")
        },
        "body": orjson.loads(bytes(double.body)),  # type: ignore[arg-type]
    }
    want = source if client == upstream else run(upstream, client, "error", source).result
    assert reply.status_code == want["status"]
    assert reply.json() == want["body"]
    error_of(client, reply)
    if status == 429:
        assert reply.headers["retry-after"] == "7"
    id_header = "request-id" if client == "anthropic" else "x-request-id"
    assert reply.headers[id_header] == "req_double_0001"


def test_the_sdks_raise_their_own_exception_for_each_status(proxy: Servers) -> None:
    a = anthropic.Anthropic(base_url=proxy.proxy_url, api_key="k", max_retries=0)
    with pytest.raises(anthropic.RateLimitError) as limited:
        a.messages.create(
            model=model_for("chat"),
            max_tokens=10,
            messages=[{"role": "user", "content": "scenario:status-429"}],
        )
    assert limited.value.response.headers["retry-after"] == "7"
    with pytest.raises(anthropic.APIStatusError) as overloaded:
        a.messages.create(
            model=model_for("anthropic"),
            max_tokens=10,
            messages=[{"role": "user", "content": "scenario:status-529"}],
        )
    assert overloaded.value.status_code == 529
    o = openai.OpenAI(base_url=f"{proxy.proxy_url}/v1", api_key="k", max_retries=0)
    with pytest.raises(openai.RateLimitError):
        o.responses.create(model=model_for("anthropic"), input="scenario:status-429")
    with pytest.raises(openai.InternalServerError):
        o.chat.completions.create(
            model=model_for("anthropic"),
            messages=[{"role": "user", "content": "scenario:status-529"}],
        )


@pytest.mark.parametrize(("client", "upstream"), COMBOS)
def test_an_upstream_reply_that_is_not_json_is_a_502(
    proxy: Servers, client: str, upstream: str
) -> None:
    reply = post(proxy, client, request_body(client, model_for(upstream), "scenario:malformed"))
    assert reply.status_code == 502
    assert "not JSON" in error_of(client, reply)["message"]
    still_serving(proxy, client)


@pytest.mark.parametrize("client", FORMATS)
def test_an_html_error_page_keeps_its_status_and_says_what_it_said(
    proxy: Servers, client: str
) -> None:
    reply = post(proxy, client, request_body(client, model_for("chat"), "scenario:html"))
    assert reply.status_code == 502
    assert "Bad Gateway" in error_of(client, reply)["message"]


@pytest.mark.parametrize("client", FORMATS)
def test_an_upstream_that_does_not_answer_in_time_is_a_504(proxy: Servers, client: str) -> None:
    started = time.monotonic()
    reply = post(proxy, client, request_body(client, "slow-" + model_for("chat"), "scenario:slow"))
    assert reply.status_code == 504
    assert "did not answer in time" in error_of(client, reply)["message"]
    assert time.monotonic() - started < 5
    still_serving(proxy, client)


@pytest.mark.parametrize("client", FORMATS)
def test_an_upstream_that_cannot_be_reached_is_a_502(client: str) -> None:
    with socket.socket() as probe:  # a port nothing listens on once this closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    document = {
        "upstream": [{"name": "gone", "format": "chat", "base_url": f"http://127.0.0.1:{port}/v1"}]
    }
    with proxy_only(parse(document, {})) as url, httpx2.Client(timeout=30) as http:
        reply = http.post(
            url + PATHS[client],
            json=request_body(client, "any-model", "hello"),
            headers=client_headers(client),
        )
    assert reply.status_code == 502
    assert "'gone' could not be reached" in error_of(client, reply)["message"]


# -- broken streams -----------------------------------------------------------------------


@contextmanager
def open_stream(proxy: Servers, client: str, model: str, text: str) -> Iterator[Iterator[bytes]]:
    """A streaming call's body as it arrives, read by a plain HTTP client."""
    with (
        httpx2.Client(timeout=30) as http,
        http.stream(
            "POST",
            proxy.proxy_url + PATHS[client],
            json=request_body(client, model, text, stream=True),
            headers=client_headers(client),
        ) as reply,
    ):
        assert reply.status_code == 200
        yield reply.iter_raw()


def stream_bytes(proxy: Servers, client: str, model: str, text: str) -> bytes:
    with open_stream(proxy, client, model, text) as pieces:
        return b"".join(pieces)


def last_event(data: bytes) -> tuple[str, Any]:
    parser = SSEParser()
    events = [e for e in parser.feed(data) if e.data != "[DONE]"]
    assert not parser.close()
    return events[-1].event, orjson.loads(events[-1].data)


def assert_failed(client: str, data: bytes, *, relayed: bool = False) -> None:
    """The stream ends with the client format's error termination, soundly framed.

    A Responses stream relayed byte for byte (`relayed`) is ended as the API itself ends
    one it cannot finish: an `error` event, with the items it had open left open. The
    checker holds crosswalk's own writers to closing them first; that one rule is not
    the relay's."""
    problems = check(client, data)
    if relayed and client == "responses":
        problems = [p for p in problems if not re.search(r"error while items \[.*\] are open", p)]
    assert problems == []
    event, payload = last_event(data)
    if client == "anthropic":
        assert event == "error"
        assert payload["type"] == "error"
    elif client == "chat":
        assert "error" in payload
        assert b"[DONE]" not in data
    else:
        assert event in ("response.failed", "error")


@pytest.mark.parametrize("scenario", ["midstream_error", "truncated", "reset"])
@pytest.mark.parametrize(("client", "upstream"), COMBOS)
def test_a_stream_that_breaks_ends_with_the_clients_error_termination(
    proxy: Servers, client: str, upstream: str, scenario: str
) -> None:
    data = stream_bytes(proxy, client, model_for(upstream), f"scenario:{scenario}")
    assert_failed(client, data, relayed=client == upstream)
    still_serving(proxy, client)


@pytest.mark.parametrize("client", FORMATS)
def test_a_stream_that_stalls_past_the_read_timeout_ends_in_an_error(
    proxy: Servers, client: str
) -> None:
    started = time.monotonic()
    data = stream_bytes(proxy, client, "slow-" + model_for("responses"), "scenario:stall")
    assert_failed(client, data, relayed=client == "responses")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(("client", "upstream"), CROSS)
def test_a_non_streaming_client_of_a_broken_stream_gets_an_error(
    proxy: Servers, client: str, upstream: str
) -> None:
    """`always-` upstreams stream to every client: the accumulated failure is an error
    reply, never a partial success."""
    reply = post(
        proxy, client, request_body(client, "always-" + model_for(upstream), "scenario:truncated")
    )
    assert reply.status_code == 502
    assert "ended before its terminal event" in error_of(client, reply)["message"]


def test_a_client_that_disconnects_cancels_the_upstream_call(proxy: Servers) -> None:
    before = proxy.double.cut_off
    with open_stream(proxy, "anthropic", model_for("chat"), "scenario:long") as pieces:
        next(pieces)  # the first bytes arrived: the client hangs up
    deadline = time.monotonic() + 10
    while proxy.double.cut_off == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proxy.double.cut_off == before + 1
    still_serving(proxy)


def test_streamed_events_arrive_as_the_upstream_sends_them(proxy: Servers) -> None:
    """The first event is not held back for the rest: with the double sending an event
    every 50 ms, the client has its first bytes long before the stream ends."""
    started = time.monotonic()
    with open_stream(proxy, "responses", model_for("anthropic"), "scenario:drip") as pieces:
        next(pieces)
        first = time.monotonic() - started
        for _ in pieces:
            pass
        whole = time.monotonic() - started
    assert first < whole / 3, (first, whole)


# -- the client's own mistakes ------------------------------------------------------------


@pytest.mark.parametrize("client", FORMATS)
def test_a_body_that_is_not_json_is_a_400(proxy: Servers, client: str) -> None:
    reply = post(proxy, client, b'{"model": "x", ')
    assert reply.status_code == 400
    assert "not valid JSON" in error_of(client, reply)["message"]


@pytest.mark.parametrize("client", FORMATS)
def test_a_body_over_the_limit_is_a_413(client: str) -> None:
    with servers(max_body_bytes=4096) as small:
        reply = post(small, client, request_body(client, model_for("chat"), "x" * 5000))
        assert reply.status_code == 413
        assert "larger than 4096 bytes" in error_of(client, reply)["message"]
        still_serving(small, client)


@pytest.mark.parametrize(("client", "upstream"), CROSS)
def test_a_field_the_clients_schema_refuses_is_a_400_naming_it(
    proxy: Servers, client: str, upstream: str
) -> None:
    body = request_body(client, model_for(upstream), "hi")
    if client == "responses":
        body["input"] = [{"type": "message", "role": "user", "content": 5}]
        pointer = "/input/0"
    else:
        body["messages"][0]["content"] = 5
        pointer = "/messages/0"
    seen = len(proxy.double.seen)
    reply = post(proxy, client, body)
    assert reply.status_code == 400
    error = error_of(client, reply)
    assert pointer in error["message"]
    if client != "anthropic":
        assert error["param"].startswith(pointer)
    assert len(proxy.double.seen) == seen  # nothing reached the upstream


@pytest.mark.parametrize("client", FORMATS)
def test_a_missing_model_is_a_400(proxy: Servers, client: str) -> None:
    body = request_body(client, "x", "hi")
    del body["model"]
    reply = post(proxy, client, body)
    assert reply.status_code == 400
    assert "/model" in error_of(client, reply)["message"]


@pytest.mark.parametrize("version", ["2023-01-01", "latest"])
def test_an_anthropic_version_older_than_2023_06_01_is_refused(
    proxy: Servers, version: str
) -> None:
    reply = post(
        proxy,
        "anthropic",
        request_body("anthropic", model_for("chat"), "hi"),
        headers={"x-api-key": "k", "anthropic-version": version},
    )
    assert reply.status_code == 400
    assert "anthropic-version" in error_of("anthropic", reply)["message"]


@pytest.mark.parametrize("version", ["2023-06-01", "2026-10-21"])
def test_anthropic_versions_from_2023_06_01_on_are_served(proxy: Servers, version: str) -> None:
    reply = post(
        proxy,
        "anthropic",
        request_body("anthropic", model_for("anthropic"), "hi"),
        headers={"x-api-key": "k", "anthropic-version": version},
    )
    assert reply.status_code == 200
    sent = {k.lower(): v for k, v in proxy.double.last("anthropic").headers.items()}
    assert sent["anthropic-version"] == version


def test_strict_loss_policy_refuses_what_lenient_reports() -> None:
    body = request_body("anthropic", model_for("chat"), "hi") | {"top_k": 5}
    with servers(loss="strict") as strict:
        reply = post(strict, "anthropic", body)
        assert reply.status_code == 400
        assert "/top_k" in error_of("anthropic", reply)["message"]
        assert not strict.double.seen
        # A request that loses nothing goes through; what the reply's conversion drops
        # (the Chat reply's system_fingerprint) is reported, not refused.
        del body["top_k"]
        reply = post(strict, "anthropic", body)
        assert reply.status_code == 200
        assert reply.headers[LOSS_HEADER] == "/system_fingerprint"
    with servers() as lenient:
        reply = post(lenient, "anthropic", body | {"top_k": 5})
        assert reply.status_code == 200
        assert reply.headers[LOSS_HEADER] == "/top_k, /system_fingerprint"
        assert "top_k" not in lenient.double.last("chat").body


# -- keys ---------------------------------------------------------------------------------


def test_client_keys_are_checked_and_never_passed_on() -> None:
    env = {"UPSTREAM_KEY": UPSTREAM_KEY, "PROXY_KEY": "proxy-key-1"}
    with servers(env, client_keys_env=["PROXY_KEY"]) as keyed:
        for client in FORMATS:
            body = request_body(client, model_for("chat"), "hi")
            refused = post(keyed, client, body, headers=client_headers(client, "wrong"))
            assert refused.status_code == 401
            error_of(client, refused)
            assert (
                post(keyed, client, body, headers=client_headers(client, "proxy-key-1")).status_code
                == 200
            )
        sent = {k.lower(): v for k, v in keyed.double.last("chat").headers.items()}
        assert sent["authorization"] == f"Bearer {UPSTREAM_KEY}"


def test_without_an_upstream_key_the_clients_own_key_is_passed_on() -> None:
    """The proxy as a pure translator: each user's key reaches the vendor, in the
    vendor's own header."""
    with servers() as running:
        document = config_document(running.double_url)
        for upstream in document["upstream"]:
            del upstream["key_env"]
        with proxy_only(parse(document, {})) as url, httpx2.Client(timeout=30) as http:
            reply = http.post(
                url + PATHS["chat"],
                json=request_body("chat", model_for("anthropic"), "hi"),
                headers={"authorization": "Bearer users-own-key"},
            )
        assert reply.status_code == 200
        sent = {k.lower(): v for k, v in running.double.last("anthropic").headers.items()}
        assert sent["x-api-key"] == "users-own-key"
        assert "authorization" not in sent


def test_no_key_appears_in_any_log_line(proxy: Servers, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="crosswalk"):
        for client in FORMATS:
            post(proxy, client, request_body(client, model_for("anthropic"), "hi"))
            post(proxy, client, request_body(client, model_for("chat"), "scenario:status-429"))
    text = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    assert "client-key" not in text
    assert UPSTREAM_KEY not in text
    calls = [r.__dict__["call"] for r in caplog.records if "call" in r.__dict__]
    assert len(calls) == 6
    assert {c["status"] for c in calls} == {200, 429}
    first = calls[0]
    assert first["client"] == "anthropic"
    assert first["upstream"] == "anthropic"
    assert first["tokens"]["input"] == 25
    assert first["latency_ms"] > 0


@pytest.mark.parametrize(("client", "upstream"), COMBOS)
def test_a_stream_event_of_the_wrong_shape_ends_the_stream_not_the_response(
    proxy: Servers, client: str, upstream: str
) -> None:
    """Relayed or translated, an event the reader cannot take ends the client's stream
    with its error termination; the HTTP response itself stays whole."""
    data = stream_bytes(proxy, client, model_for(upstream), "scenario:odd")
    if client == upstream:
        # Relayed byte for byte, the odd event reaches the client as it was sent; what
        # follows it is the format's error termination.
        event, payload = last_event(data)
        assert "malformed upstream stream" in json.dumps(payload)
        assert event == ("error" if client != "chat" else "message")
    else:
        assert_failed(client, data)
    still_serving(proxy, client)


@pytest.mark.parametrize("client", FORMATS)
def test_a_redirecting_upstream_is_a_502_and_is_not_followed(proxy: Servers, client: str) -> None:
    seen = len(proxy.double.seen)
    reply = post(proxy, client, request_body(client, model_for("chat"), "scenario:redirect"))
    assert reply.status_code == 502
    assert "redirect, not followed" in error_of(client, reply)["message"]
    assert len(proxy.double.seen) == seen + 1


@pytest.mark.parametrize("path", ["..%2Fmodels", "..%2Ffiles%2Ffile-1%3Fx=1", "a%20b"])
def test_a_response_id_cannot_reach_another_upstream_path(proxy: Servers, path: str) -> None:
    with httpx2.Client(timeout=30) as http:
        reply = http.get(f"{proxy.proxy_url}/v1/responses/{path}", headers=client_headers("chat"))
    assert reply.status_code == 400
    assert "is not a response id" in error_of("responses", reply)["message"]


def test_input_of_the_wrong_shape_is_a_400(proxy: Servers) -> None:
    reply = post(proxy, "responses", {"model": model_for("chat"), "input": 5})
    assert reply.status_code == 400
    assert error_of("responses", reply)["param"] == "/input"
    counted = post(
        proxy,
        "anthropic",
        {"model": model_for("chat"), "messages": 1},
        path="/v1/messages/count_tokens",
    )
    assert counted.status_code == 400
    assert "/messages" in error_of("anthropic", counted)["message"]


def test_a_key_that_is_not_utf8_is_refused_not_crashed_on() -> None:
    env = {"UPSTREAM_KEY": UPSTREAM_KEY, "PROXY_KEY": "proxy-key-1"}
    with servers(env, client_keys_env=["PROXY_KEY"]) as keyed:
        reply = post(
            keyed,
            "chat",
            request_body("chat", model_for("chat"), "hi"),
            headers={"authorization": b"Bearer caf\xe9"},  # type: ignore[dict-item]
        )
        assert reply.status_code == 401
