"""Stream tests' tools: the official SDK stream helpers as clients, and comparison.

The SDKs read our streams through their own HTTP layer: a transport answers the SDK's
request with the stream bytes, as the vendor API would (the only test double: the
remote API itself, replaying a stream).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import orjson

from crosswalk.stream import Translator
from crosswalk.transforms import Options

Body = dict[str, Any]
OPTIONS = Options(now=1_700_000_000)
FORMATS = ("anthropic", "chat", "responses")
DIRECTIONS = [(s, t) for s in FORMATS for t in FORMATS if s != t]


def _client_transport(stream: bytes) -> httpx2.Client:
    def answer(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200, headers={"content-type": "text/event-stream"}, content=stream, request=request
        )

    return httpx2.Client(transport=httpx2.MockTransport(answer))


def sdk_final(fmt: str, stream: bytes) -> Body:
    """The final object the official SDK's stream helper makes of `stream`, as JSON."""
    http = _client_transport(stream)
    if fmt == "anthropic":
        import anthropic

        client = anthropic.Anthropic(api_key="test", base_url="https://api.test", http_client=http)
        with client.beta.messages.stream(
            model="claude-opus-4-7", max_tokens=1024, messages=[{"role": "user", "content": "hi"}]
        ) as s:
            message = s.get_final_message()
        return message.model_dump(mode="json")
    import openai

    oai = openai.OpenAI(api_key="test", base_url="https://api.test/v1", http_client=http)
    if fmt == "chat":
        if b'"type":"custom"' in stream:
            return _chat_custom(oai, stream)
        with oai.chat.completions.stream(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
        ) as cs:
            try:
                completion = cs.get_final_completion()
            except openai.LengthFinishReasonError as err:
                # The helper refuses to *parse* a cut-off answer, after accumulating it:
                # the accumulated completion is what the stream said.
                completion = err.completion
        return completion.model_dump(mode="json")
    with oai.responses.stream(model="gpt-5", input="hi") as rs:
        response = rs.get_final_response()
    return response.model_dump(mode="json")


_SDK_ONLY = frozenset({"parsed", "parsed_arguments", "parsed_output"})


def _chat_custom(oai: Any, stream: bytes) -> Body:
    """openai 3.54's chat stream helper cannot accumulate custom tool calls (it reads
    `.function.name` of every call: openai/openai-python#2530), so a stream with one
    is read through the SDK's plain stream, each chunk parsed by its ChatCompletionChunk
    type, and added up by crosswalk's own Chat reader."""
    from crosswalk.stream.read_chat import ChatReader

    reader = ChatReader()
    chunks = oai.chat.completions.create(
        model="gpt-5", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    for chunk in chunks:
        reader.read("message", chunk.model_dump(mode="json", exclude_unset=True))
    reader.read("message", "[DONE]")
    return reader.response()


def normalise(value: Any, key: str = "") -> Any:
    """Null and absent mean the same in these APIs; tool arguments are JSON text, compared
    as the JSON they hold (whitespace is not meaning); an empty annotation list is none;
    SDK-only parse results go."""
    if isinstance(value, dict):
        return {
            k: normalise(v, k)
            for k, v in value.items()
            if v is not None and k not in _SDK_ONLY and not (k == "annotations" and v == [])
        }
    if key == "tool_calls" and isinstance(value, list):
        # The Chat helper keeps each call's stream `index`; a completion has none.
        return [normalise({k: v for k, v in c.items() if k != "index"}) for c in value]
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if key == "arguments" and isinstance(value, str):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    return value


def sdk_view(fmt: str, body: Body | None) -> Any:
    """`normalise`d, less what the SDK helper does not keep: openai's Chat helper reads
    `service_tier` from the first chunk only, while a Responses upstream settles its
    tier (`auto` -> `default`) at the end, which the last chunks repeat."""
    view = normalise(body)
    if fmt == "chat":
        view.pop("service_tier", None)
    return view


def translate(
    source: str,
    target: str,
    data: bytes,
    pieces: Iterator[int] | None = None,
    options: Options = OPTIONS,
) -> tuple[bytes, Translator]:
    """Translate `data`, fed in pieces of the given sizes (whole when None)."""
    t = Translator(source, target, options)
    if pieces is None:
        return t.feed(data) + t.close(), t
    out = []
    at = 0
    for size in pieces:
        if at >= len(data):
            break
        out.append(t.feed(data[at : at + size]))
        at += size
    out.append(t.feed(data[at:]))
    out.append(t.close())
    return b"".join(out), t
