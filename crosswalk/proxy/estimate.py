"""A local estimate of `POST /v1/messages/count_tokens` for upstreams that have no such
endpoint (Chat and Responses servers).

Only the vendor's tokenizer counts exactly, and it is not public; clients (Claude Code)
use the count to decide when to compact a conversation, so an estimate that errs a
little high is the useful one. The rule, documented in the README:

- text (system, messages, tool results, thinking) and tool definitions (their JSON):
  one token per 4 bytes of UTF-8, rounded up, per string;
- an image or a document: 1,600 tokens each (Anthropic's cost of an image at its
  default size limit, about 1.15 megapixels);
- 3 tokens per message and 20 for the request's framing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

IMAGE_TOKENS = 1600
PER_MESSAGE = 3
PER_REQUEST = 20
_MEDIA = frozenset({"image", "document"})
# Keys whose string values are what a model reads; ids, signatures and media payloads
# are not text to the tokenizer.
_TEXT_KEYS = frozenset({"text", "thinking", "content", "input", "name", "description"})


def _text_tokens(text: str) -> int:
    return -(-len(text.encode("utf-8")) // 4)


def _content_tokens(value: Any) -> int:
    if isinstance(value, str):
        return _text_tokens(value)
    if isinstance(value, list):
        return sum(_content_tokens(v) for v in value)
    if not isinstance(value, Mapping):
        return 0
    if value.get("type") in _MEDIA:
        return IMAGE_TOKENS
    total = 0
    for key, item in value.items():
        if key in _TEXT_KEYS:
            if key == "input" and isinstance(item, Mapping):
                total += _text_tokens(orjson.dumps(item).decode())
            else:
                total += _content_tokens(item)
    return total


def count_tokens(body: Mapping[str, Any]) -> int:
    """The estimated input tokens of an Anthropic `count_tokens` body.

    >>> count_tokens({"model": "m", "messages": [{"role": "user", "content": "Hello, world"}]})
    26
    >>> count_tokens({"model": "m", "messages": [{"role": "user", "content": [
    ...     {"type": "image", "source": {"type": "base64", "media_type": "image/png",
    ...                                  "data": "iVBORw0KGgo="}}]}]})
    1623
    """
    total = PER_REQUEST + _content_tokens(body.get("system"))
    for message in body.get("messages") or ():
        total += PER_MESSAGE + _content_tokens(
            message.get("content") if isinstance(message, Mapping) else None
        )
    for tool in body.get("tools") or ():
        total += _text_tokens(orjson.dumps(tool).decode())
    return total
