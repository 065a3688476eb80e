"""Sampling and delivery knobs whose shape differs between Chat and Anthropic: stop
sequences (string-or-list vs list, OpenAI's limit of 4), streaming (Chat reports usage
in a stream only when asked; Anthropic always does), and the sampling parameters each
Claude family accepts (mappings/models.yaml `sampling`, applied towards Anthropic from
Chat and from Responses alike).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crosswalk.transforms._context import Context
from crosswalk.transforms._registry import transform

# OpenAI: "Up to 4 sequences where the API will stop generating further tokens."
CHAT_MAX_STOP = 4
# The value a sampling parameter has when it is not sent: dropping a parameter that holds
# it changes nothing, so that is not a loss. (top_p 1 keeps the whole distribution.)
SAMPLING_DEFAULTS: Mapping[str, float] = {"temperature": 1, "top_p": 1}
# Anthropic's temperature range; OpenAI's is 0..2.
ANTHROPIC_TEMPERATURE_MAX = 1
_REJECTED = (
    "the model family refuses {name} (mappings/models.yaml: sampling.rejects); "
    "it samples at its default"
)
_EXCLUSIVE = (
    "the model family takes only one of {names} (mappings/models.yaml: sampling.exclusive); "
    "{kept} was kept"
)


def sampling_policy(
    values: Mapping[str, float | None], pointers: Mapping[str, str], ctx: Context
) -> dict[str, float]:
    """The sampling parameters the target model's family accepts, out of `values`.

    Why: recent Claude families answer 400 to some sampling parameters (all of them from
    Opus 4.7 on; temperature together with top_p since Opus 4.1), so sending what the
    client asked would fail the whole request. Rejected parameters are dropped; of an
    exclusive group, one that differs from its default is kept (the first listed, if
    several do) and the rest dropped. A dropped value other than the default is reported
    at its pointer. Example, on claude-sonnet-4-5: {"temperature": 0.2, "top_p": 0.9} ->
    {"temperature": 0.2}, /top_p dropped.
    """
    rule = ctx.policy.lookup(str(ctx.src.get("model", "")))
    kept: dict[str, float] = {}
    for name, value in values.items():
        if value is None:
            continue
        if name in rule.sampling_rejects:
            if value != SAMPLING_DEFAULTS.get(name):
                ctx.dropped(pointers[name], _REJECTED.format(name=name))
            continue
        kept[name] = value
    present = [name for name in rule.sampling_exclusive if name in kept]
    if len(present) > 1:
        chosen = [name for name in present if kept[name] != SAMPLING_DEFAULTS.get(name)]
        winner = (chosen or present)[0]
        for name in present:
            if name == winner:
                continue
            if kept.pop(name) != SAMPLING_DEFAULTS.get(name):
                ctx.dropped(
                    pointers[name],
                    _EXCLUSIVE.format(names=" / ".join(rule.sampling_exclusive), kept=winner),
                )
    return kept


@transform(
    "sampling.openai_to_anthropic",
    source=("chat.request", "responses.request"),
    target="anthropic.request",
    reads=("/temperature", "/top_p"),
    writes=("/temperature", "/top_p"),
)
def openai_to_anthropic(
    temperature: float | None, top_p: float | None, ctx: Context
) -> tuple[float | None, float | None]:
    """Chat or Responses temperature + top_p -> what the Claude family takes (its sampling
    policy), temperature clamped to Anthropic's 0..1.

    Reports what the family refuses (dropped) and a temperature above 1 (coerced).
    Example, on claude-opus-4-8: (0.2, None) -> (None, None), /temperature dropped.
    """
    kept = sampling_policy(
        {"temperature": temperature, "top_p": top_p},
        {"temperature": "/temperature", "top_p": "/top_p"},
        ctx,
    )
    kept_temperature = kept.get("temperature")
    if kept_temperature is not None:
        kept_temperature = ctx.clamp(kept_temperature, 0, ANTHROPIC_TEMPERATURE_MAX, "/temperature")
    return kept_temperature, kept.get("top_p")


@transform(
    "sampling.stop_chat_to_anthropic",
    source="chat.request",
    target="anthropic.request",
    reads=("/stop",),
    writes=("/stop_sequences",),
)
def stop_chat_to_anthropic(stop: str | Sequence[str], ctx: Context) -> list[str] | None:
    """Chat `stop` (a string or a list) -> Anthropic `stop_sequences` (always a list).

    An empty list writes nothing (both APIs' default). Reports nothing.
    Example: "END" -> ["END"].
    """
    sequences = [stop] if isinstance(stop, str) else list(stop)
    return sequences or None


@transform(
    "sampling.stop_anthropic_to_chat",
    source="anthropic.request",
    target="chat.request",
    reads=("/stop_sequences",),
    writes=("/stop",),
)
def stop_anthropic_to_chat(stop_sequences: Sequence[str], ctx: Context) -> list[str] | None:
    """Anthropic `stop_sequences` -> Chat `stop`, keeping the first four (OpenAI's limit).

    Reports each sequence beyond the fourth as `dropped` at its index.
    Example: ["a", "b", "c", "d", "e"] -> ["a", "b", "c", "d"], dropped /stop_sequences/4.
    """
    for index in range(CHAT_MAX_STOP, len(stop_sequences)):
        ctx.dropped(
            f"/stop_sequences/{index}", f"OpenAI accepts at most {CHAT_MAX_STOP} stop sequences"
        )
    kept = list(stop_sequences[:CHAT_MAX_STOP])
    return kept or None


@transform(
    "sampling.stream_anthropic_to_chat",
    source="anthropic.request",
    target="chat.request",
    reads=("/stream",),
    writes=("/stream", "/stream_options"),
)
def stream_anthropic_to_chat(stream: bool, ctx: Context) -> tuple[bool, dict[str, Any] | None]:
    """Anthropic `stream` -> Chat `stream` plus `stream_options.include_usage`.

    Why: Anthropic streams always report usage (message_start / message_delta) and its
    clients rely on it; a Chat stream carries usage only when asked. Reports nothing.
    Example: True -> (True, {"include_usage": True}).
    """
    return stream, ({"include_usage": True} if stream else None)
