"""A complete response -> the neutral events a stream of it would have carried.

Synthesis (a streaming client in front of a non-streaming upstream) walks the reply,
already converted to the client's format, through that format's writer, so the stream
a client accumulates is exactly the non-streaming conversion.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from crosswalk.stream import events as ev
from crosswalk.stream.read_anthropic import AnthropicReader
from crosswalk.stream.read_responses import reasoning_state
from crosswalk.transforms import tokens

Body = dict[str, Any]


def _anthropic(message: Body) -> Iterator[ev.Event]:
    """A Message is what a `message_start` would carry if it came whole: the reader's
    own rule for blocks present at the start reads it."""
    start = {"type": "message_start", "message": message}
    yield from AnthropicReader().read("message_start", start)
    yield ev.Finish(message.get("stop_reason"))


def _chat(completion: Body) -> Iterator[ev.Event]:
    yield ev.Start(completion["id"], completion["model"], created=completion.get("created"))
    choices = completion.get("choices") or ()
    index = 0
    if choices:
        message = choices[0]["message"]
        reasoning = message.get("reasoning_content")
        content = message.get("content")
        places = (("reasoning", reasoning), ("text", content), ("refusal", message.get("refusal")))
        for place, text in places:
            if not text:
                continue
            if place == "reasoning":
                yield ev.BlockStart(index, "reasoning", origin="none")
                yield ev.ReasoningDelta(index, text)
            else:
                yield ev.BlockStart(index, "text" if place == "text" else "refusal")
                yield ev.TextDelta(index, text)
            yield ev.BlockStop(index)
            index += 1
        for call in message.get("tool_calls") or ():
            custom = call.get("type") == "custom"
            spec = call["custom"] if custom else call["function"]
            yield ev.BlockStart(index, "tool_call", id=call["id"], name=spec["name"], custom=custom)
            yield ev.ToolArgsDelta(index, spec["input"] if custom else spec["arguments"])
            yield ev.BlockStop(index)
            index += 1
    if (usage := completion.get("usage")) is not None:
        yield ev.Usage(tokens.from_chat(usage))
    yield ev.Finish(choices[0].get("finish_reason") if choices else None)


def _reasoning_item(index: int, item: Body) -> Iterator[ev.Event]:
    origin, opaque = reasoning_state(index, item, final=True)
    yield ev.BlockStart(index, "reasoning", item_id=item["id"], origin=origin)
    yield from opaque
    for k, part in enumerate(item.get("summary") or ()):
        if k:
            yield ev.PartBreak(index)
        yield ev.ReasoningDelta(index, part["text"])


def _responses(response: Body) -> Iterator[ev.Event]:
    usage = response.get("usage")
    yield ev.Start(
        response["id"],
        str(response.get("model", "")),
        created=int(response["created_at"]) if response.get("created_at") else None,
    )
    index = 0
    for item in response.get("output") or ():
        kind = item["type"]
        if kind == "message":
            for part in item["content"]:
                refusal = part["type"] == "refusal"
                yield ev.BlockStart(index, "refusal" if refusal else "text", item_id=item["id"])
                yield ev.TextDelta(index, part["refusal"] if refusal else part["text"])
                for annotation in part.get("annotations") or ():
                    if annotation.get("type") == "url_citation":
                        yield ev.Citation(index, annotation["url"], annotation.get("title", ""))
                yield ev.BlockStop(index)
                index += 1
            continue
        if kind == "reasoning":
            yield from _reasoning_item(index, item)
        elif kind in ("function_call", "custom_tool_call"):
            custom = kind == "custom_tool_call"
            yield ev.BlockStart(
                index,
                "tool_call",
                id=item["call_id"],
                name=item["name"],
                custom=custom,
                item_id=item.get("id"),
            )
            yield ev.ToolArgsDelta(index, item["input"] if custom else item["arguments"])
        else:
            continue  # hosted-tool items: not streamed (see read_responses)
        yield ev.BlockStop(index)
        index += 1
    if usage is not None:
        yield ev.Usage(tokens.from_responses(usage))
    yield ev.Finish(response.get("status"))


WALKERS: dict[str, Callable[[Body], Iterator[ev.Event]]] = {
    "anthropic": _anthropic,
    "chat": _chat,
    "responses": _responses,
}


def cut(events: Iterable[ev.Event], piece: Callable[[], int]) -> Iterator[ev.Event]:
    """The same events with every content delta cut into pieces of `piece()` characters
    (a reply streamed token by token rather than in one delta per block)."""
    for event in events:
        if isinstance(event, ev.TextDelta | ev.ReasoningDelta | ev.ToolArgsDelta):
            text, at = event.text, 0
            while at < len(text):
                step = max(1, piece())
                yield type(event)(event.index, text[at : at + step])
                at += step
        else:
            yield event
