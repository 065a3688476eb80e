"""What the Responses API keeps between calls, kept by the proxy for Responses clients
of upstreams that keep nothing: `previous_response_id`, retrieve and delete, through
the official `openai` SDK (crosswalk/proxy/state.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from tests.proxy_support import Servers, model_for, servers


@pytest.fixture(scope="module")
def proxy() -> Iterator[Servers]:
    with servers() as running:
        yield running


def client(proxy: Servers) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{proxy.proxy_url}/v1", api_key="k", max_retries=0)


@pytest.mark.parametrize("upstream", ["anthropic", "chat"])
def test_previous_response_id_sends_the_whole_conversation(proxy: Servers, upstream: str) -> None:
    o = client(proxy)
    first = o.responses.create(model=model_for(upstream), input="What is 2+2?")
    second = o.responses.create(
        model=model_for(upstream), input="And 3+3?", previous_response_id=first.id
    )
    assert second.output_text
    sent = proxy.double.last(upstream).body["messages"]
    said = [(m["role"], str(m["content"])) for m in sent if m["role"] != "system"]
    assert said[0][0] == "user" and "2+2" in said[0][1]
    assert said[1][0] == "assistant" and first.output_text in said[1][1]
    assert said[2][0] == "user" and "3+3" in said[2][1]
    # A third turn on the second carries all three before it.
    o.responses.create(model=model_for(upstream), input="Thanks.", previous_response_id=second.id)
    assert (
        len([m for m in proxy.double.last(upstream).body["messages"] if m["role"] != "system"]) == 5
    )


def test_a_streamed_reply_is_kept_too(proxy: Servers) -> None:
    o = client(proxy)
    with o.responses.stream(model=model_for("anthropic"), input="Tell me a joke.") as stream:
        first = stream.get_final_response()
    o.responses.create(
        model=model_for("anthropic"), input="Another.", previous_response_id=first.id
    )
    sent = proxy.double.last("anthropic").body["messages"]
    assert [m["role"] for m in sent] == ["user", "assistant", "user"]


def test_retrieve_and_delete(proxy: Servers) -> None:
    o = client(proxy)
    made = o.responses.create(model=model_for("chat"), input="hello")
    assert o.responses.retrieve(made.id).output_text == made.output_text
    o.responses.delete(made.id)
    with pytest.raises(openai.NotFoundError):
        o.responses.retrieve(made.id)
    with pytest.raises(openai.BadRequestError) as refused:
        o.responses.create(model=model_for("chat"), input="again", previous_response_id=made.id)
    assert "previous_response_id" in str(refused.value)


def test_store_false_keeps_nothing() -> None:
    # Its own proxy: the double answers every call with the same ids, which the other
    # tests' replies have stored.
    with servers() as fresh:
        o = client(fresh)
        made = o.responses.create(model=model_for("anthropic"), input="hello", store=False)
        with pytest.raises(openai.NotFoundError):
            o.responses.retrieve(made.id)


def test_a_responses_upstream_keeps_its_own_state(proxy: Servers) -> None:
    """Passed through: the upstream resolves previous_response_id itself."""
    o = client(proxy)
    o.responses.create(model=model_for("responses"), input="hi", previous_response_id="resp_up")
    assert proxy.double.last("responses").body["previous_response_id"] == "resp_up"


def test_the_state_outlives_the_process(tmp_path: Path) -> None:
    state = str(tmp_path / "state.sqlite3")
    with servers(state=state) as first_run:
        made = client(first_run).responses.create(model=model_for("anthropic"), input="remember")
    with servers(state=state) as second_run:
        client(second_run).responses.create(
            model=model_for("anthropic"), input="recall", previous_response_id=made.id
        )
        sent = second_run.double.last("anthropic").body["messages"]
        assert [m["role"] for m in sent] == ["user", "assistant", "user"]


def test_without_a_usable_state_file_it_serves_and_says_why(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the state's directory would go")
    with servers(state=str(blocked / "state.sqlite3")) as stateless:
        o = client(stateless)
        made = o.responses.create(model=model_for("anthropic"), input="hello")
        with pytest.raises(openai.BadRequestError) as refused:
            o.responses.create(
                model=model_for("anthropic"), input="again", previous_response_id=made.id
            )
        assert "keeps no Responses state" in str(refused.value)
