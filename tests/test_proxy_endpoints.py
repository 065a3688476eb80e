"""The proxy's endpoints beyond the three calls, and what it does around a call: models,
health, metrics, the root Claude Code preconnects to, count_tokens, unserved paths,
streaming against upstreams that only stream or never do, Anthropic betas, and a proxy
with no upstream at all. Real servers on loopback (tests/proxy_support.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2
import openai
import pytest

from crosswalk.proxy.wire import MID_CONVERSATION_SYSTEM_BETA
from tests.proxy_support import FORMATS, UPSTREAM_MODELS, Servers, model_for, servers
from tests.test_proxy_faults import client_headers, error_of, post, request_body
from tests.test_proxy_sdks import create, expected, stream_final, view

Body = dict[str, Any]


@pytest.fixture(scope="module")
def proxy() -> Iterator[Servers]:
    with servers() as running:
        yield running


def get(proxy: Servers, path: str, headers: dict[str, str] | None = None) -> httpx2.Response:
    with httpx2.Client(timeout=30) as http:
        return http.get(proxy.proxy_url + path, headers=headers or {})


def test_root_answers_get_and_head(proxy: Servers) -> None:
    with httpx2.Client(timeout=30) as http:
        assert http.head(proxy.proxy_url + "/").status_code == 200
        assert http.get(proxy.proxy_url + "/").json()["name"] == "crosswalk"


def test_health_names_the_upstreams(proxy: Servers) -> None:
    health = get(proxy, "/healthz").json()
    assert health["status"] == "ok"
    assert {"name": "chat", "format": "chat"} in health["upstreams"]


def test_models_in_the_shape_of_the_clients_api(proxy: Servers) -> None:
    """Route names first, then what each upstream lists, through each SDK's own
    models call."""
    a = anthropic.Anthropic(base_url=proxy.proxy_url, api_key="k")
    ids = [m.id for m in a.models.list()]
    assert ids[:2] == [model_for("anthropic"), "slow-" + model_for("anthropic")]
    assert "claude-sonnet-4-5-20250929" in ids and "gpt-4o" in ids
    o = openai.OpenAI(base_url=f"{proxy.proxy_url}/v1", api_key="k")
    listed = list(o.models.list())
    assert [m.id for m in listed] == ids
    assert {m.owned_by for m in listed} >= {"anthropic", "chat"}


def test_count_tokens_is_asked_of_an_anthropic_upstream(proxy: Servers) -> None:
    a = anthropic.Anthropic(base_url=proxy.proxy_url, api_key="k")
    counted = a.messages.count_tokens(
        model=model_for("anthropic"), messages=[{"role": "user", "content": "hello"}]
    )
    assert counted.input_tokens == 42  # the double's answer
    seen = proxy.double.last()
    assert seen.path == "/v1/messages/count_tokens"
    assert seen.body["model"] == UPSTREAM_MODELS["anthropic"]


def test_count_tokens_is_estimated_for_other_upstreams(proxy: Servers) -> None:
    a = anthropic.Anthropic(base_url=proxy.proxy_url, api_key="k")
    raw = a.messages.with_raw_response.count_tokens(
        model=model_for("chat"), messages=[{"role": "user", "content": "hello " * 100}]
    )
    assert raw.headers["x-crosswalk-estimate"] == "local"
    # 600 bytes of text -> 150, + 3 for the message + 20 for the request.
    assert raw.parse().input_tokens == 173


@pytest.mark.parametrize("client", FORMATS)
def test_an_unserved_path_is_a_404_in_the_clients_format(proxy: Servers, client: str) -> None:
    reply = post(proxy, client, {"model": "x"}, path="/v1/nothing-here")
    assert reply.status_code == 404
    fmt = "anthropic" if client == "anthropic" else "chat"
    error_of(fmt, reply)


def test_a_get_on_a_call_endpoint_is_a_405(proxy: Servers) -> None:
    reply = get(proxy, "/v1/messages", client_headers("anthropic"))
    assert reply.status_code == 405
    assert "allowed: POST" in error_of("anthropic", reply)["message"]


def test_metrics_count_calls_tokens_and_errors(proxy: Servers) -> None:
    post(proxy, "chat", request_body("chat", model_for("anthropic"), "hello"))
    post(proxy, "chat", request_body("chat", model_for("anthropic"), "scenario:status-429"))
    text = get(proxy, "/metrics").text
    labels = 'client="chat",upstream="anthropic",direction="chat->anthropic"'
    assert re.search(rf'crosswalk_requests_total{{{labels},status="200"}} [1-9]', text)
    assert re.search(rf'crosswalk_errors_total{{{labels},kind="upstream"}} [1-9]', text)
    assert re.search(rf'crosswalk_tokens_total{{{labels},kind="input"}} [1-9]', text)
    assert re.search(rf"crosswalk_request_duration_seconds_count{{{labels}}} [1-9]", text)
    assert "crosswalk_open_streams 0" in text


@pytest.mark.parametrize(("client", "upstream"), [(c, u) for c in FORMATS for u in FORMATS])
def test_a_streaming_client_of_an_upstream_that_never_streams(
    proxy: Servers, client: str, upstream: str
) -> None:
    """The reply is synthesised into the client's stream."""
    got = stream_final(proxy, client, upstream, "tool", variant="never-")
    assert view(client, got) == view(client, expected(client, upstream, "tool"))
    assert proxy.double.last(upstream).body.get("stream") is not True


@pytest.mark.parametrize(("client", "upstream"), [(c, u) for c in FORMATS for u in FORMATS])
def test_a_plain_client_of_an_upstream_that_always_streams(
    proxy: Servers, client: str, upstream: str
) -> None:
    """The stream is accumulated into the client's reply."""
    got = create(proxy, client, upstream, "tool", variant="always-")
    assert view(client, got) == view(client, expected(client, upstream, "tool"))
    assert proxy.double.last(upstream).body["stream"] is True


def test_anthropic_betas_are_forwarded_and_added_where_the_request_needs_one(
    proxy: Servers,
) -> None:
    headers = {**client_headers("anthropic"), "anthropic-beta": "context-1m-2025-08-07"}
    post(
        proxy, "anthropic", request_body("anthropic", model_for("anthropic"), "hi"), headers=headers
    )
    sent = {k.lower(): v for k, v in proxy.double.last("anthropic").headers.items()}
    assert sent["anthropic-beta"] == "context-1m-2025-08-07"
    # A Chat conversation with a system message after its first turn reaches Anthropic
    # as a mid-conversation system message, which needs its beta.
    body = {
        "model": model_for("anthropic"),
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "hello"},
            {"role": "system", "content": "answer in French from now on"},
            {"role": "user", "content": "how are you?"},
        ],
    }
    assert post(proxy, "chat", body).status_code == 200
    seen = proxy.double.last("anthropic")
    assert [m["role"] for m in seen.body["messages"]] == ["user", "assistant", "system", "user"]
    sent = {k.lower(): v for k, v in seen.headers.items()}
    assert sent["anthropic-beta"] == MID_CONVERSATION_SYSTEM_BETA


def test_the_beta_query_of_claude_code_is_served(proxy: Servers) -> None:
    reply = post(
        proxy,
        "anthropic",
        request_body("anthropic", model_for("chat"), "hi"),
        path="/v1/messages?beta=true",
    )
    assert reply.status_code == 200
    assert reply.json()["content"][0]["text"] == "Hi! How can I help you today?"


def test_without_any_upstream_it_serves_health_and_models_and_says_why_calls_fail() -> None:
    with servers(upstreams=False) as bare:
        assert get(bare, "/healthz").json() == {"status": "ok", "upstreams": []}
        assert get(bare, "/v1/models").json() == {"object": "list", "data": []}
        for client in FORMATS:
            reply = post(bare, client, request_body(client, "claude-sonnet-4-5", "hi"))
            assert reply.status_code == 404
            assert "no upstream configured" in error_of(client, reply)["message"]


def test_thinking_anthropic_did_not_sign_is_not_passed_to_anthropic(proxy: Servers) -> None:
    """A conversation that went through another upstream before holds thinking blocks
    with another API's reasoning in them; Anthropic would refuse them."""
    body = request_body("anthropic", model_for("anthropic"), "hi")
    body["messages"] = [
        {"role": "user", "content": "first"},
        {
            "role": "assistant",
            "content": [
                {
                    "type": "thinking",
                    "thinking": "t",
                    "signature": "crosswalk.openai.reasoning:gAAAA",
                },
                {"type": "thinking", "thinking": "u", "signature": "EqQBCkYIBxgC"},
                {"type": "text", "text": "answer"},
            ],
        },
        {"role": "user", "content": "second"},
    ]
    reply = post(proxy, "anthropic", body)
    assert reply.status_code == 200
    assert reply.headers["x-crosswalk-loss"] == "/messages/1/content/0"
    sent = proxy.double.last("anthropic").body["messages"][1]["content"]
    assert [b.get("signature") for b in sent] == ["EqQBCkYIBxgC", None]


def test_a_plain_chat_client_of_a_streaming_chat_upstream_still_gets_usage(
    proxy: Servers,
) -> None:
    """The proxy reads that stream (to accumulate it), so it asks for the usage chunk."""
    got = create(proxy, "chat", "chat", "text", variant="always-")
    assert got["usage"]["prompt_tokens"] == 9
    assert proxy.double.last("chat").body["stream_options"] == {"include_usage": True}
