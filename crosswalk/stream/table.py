"""The stream tables (mappings/<format>.stream.yaml, compiled to generated/streams.py)
as the runtime sees them.

A stream event is addressed by its *places*: `place/kind` names such as
`event/content_block_delta` and `delta/text_delta` for Anthropic, `delta/content` for a
Chat chunk. Each place has a row saying which neutral events it is read as, which it is
written from, or why it is not streamed. The readers take their dispatch from the rows'
`by` column, so a kind the table does not route is not read; the tests check that what
readers yield and writers emit stays within the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from crosswalk.generated.streams import TABLES, Place
from crosswalk.stream import events as ev

__all__ = ["TABLES", "Place", "handlers", "places"]


def handlers(fmt: str, place: str, cls: type) -> dict[str, Callable[..., list[ev.Event]]]:
    """`kind -> cls.<by>` for every row of `place` that names a reader method."""
    prefix = place + "/"
    return {
        on[len(prefix) :]: getattr(cls, row.by)
        for on, row in TABLES[fmt].items()
        if on.startswith(prefix) and row.by is not None
    }


def places(fmt: str, data: Any) -> Iterator[str]:
    """The places one decoded SSE event of `fmt` occupies (its data: JSON, or Chat's
    `[DONE]`)."""
    if fmt == "chat":
        if data == "[DONE]":
            yield "data/[DONE]"
            return
        for key, value in data.items():
            if value is not None:
                yield f"chunk/{key}"
        for choice in data.get("choices") or ():
            for key, value in choice.items():
                if value is not None:
                    yield f"choice/{key}"
            for key, value in (choice.get("delta") or {}).items():
                if value is not None:
                    yield f"delta/{key}"
        return
    kind = data.get("type")
    yield f"event/{kind}"
    if fmt == "anthropic":
        if kind == "content_block_start":
            yield f"block/{data['content_block']['type']}"
        elif kind == "content_block_delta":
            yield f"delta/{data['delta']['type']}"
