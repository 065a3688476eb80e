"""Sampling and delivery knobs whose shape differs between Chat and Anthropic: stop
sequences (string-or-list vs list, OpenAI's limit of 4) and streaming (Chat reports usage
in a stream only when asked; Anthropic always does).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crosswalk.transforms._context import Context
from crosswalk.transforms._registry import transform

# OpenAI: "Up to 4 sequences where the API will stop generating further tokens."
CHAT_MAX_STOP = 4


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
