"""What every format's stream writer provides.

A writer turns neutral events into its format's SSE bytes and owns that format's
bookkeeping. It streams content as it arrives; what only the end decides (the stop
reason, final usage, a Response's status) it takes from the *final response*: the
source's accumulated response converted by the response table, so a stream and the
non-streaming conversion of the same reply say the same thing by construction.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import orjson

from crosswalk.sse import encode_json as sse
from crosswalk.stream import events as ev
from crosswalk.transforms import Options
from crosswalk.transforms.completion import custom_input

Body = dict[str, Any]

__all__ = ["Body", "Writer", "sse", "unwrapped_custom_input"]


def unwrapped_custom_input(raw: str) -> str:
    """A custom tool's call that arrived as JSON `{"input": text}` (from a JSON-only
    source) -> its text; any other JSON travels as its text, as the response tables
    send it."""
    try:
        text = custom_input(orjson.loads(raw or "{}"))
    except orjson.JSONDecodeError:
        text = None
    return raw if text is None else text


class Writer(ABC):
    """Neutral events in (`write`), SSE bytes out (`take`).

    The writer closes with exactly one of `finish(final)` (the final response in this
    writer's format) or `fail(envelope)` (an error response in this writer's format);
    after either, `closed` is True and further calls write nothing.
    """

    format: ClassVar[str]

    def __init__(self, options: Options) -> None:
        self.options = options
        self.out: list[bytes] = []
        self.closed = False
        self.started = False
        # The source's reply as known at its start (no content yet), converted to this
        # format by the response table: the fields a stream announces up front (id,
        # model, service tier, a Response's echoed settings) come from the same rows as
        # the final response's. None when there is nothing to convert.
        self.envelope: Body | None = None
        # The method writing each kind of neutral event (set by each format).
        self.handlers: Mapping[type, Callable[[Any], None]] = {}

    def take(self) -> bytes:
        """The bytes written since the last call."""
        data = b"".join(self.out)
        self.out.clear()
        return data

    def now(self) -> int:
        return int(self.options.now if self.options.now is not None else time.time())

    def write(self, event: ev.Event) -> None:
        """An event this format has no place for (a signature in Chat, usage before the
        final response) has no handler and writes nothing."""
        if not self.closed:
            handler = self.handlers.get(type(event))
            if handler is not None:
                handler(event)

    def finish(self, final: Body) -> None:
        if not self.closed:
            self.closed = True
            self._finish(final)

    def fail(self, envelope: Body) -> None:
        if not self.closed:
            self.closed = True
            self._fail(envelope)

    @abstractmethod
    def _finish(self, final: Body) -> None: ...

    @abstractmethod
    def _fail(self, envelope: Body) -> None: ...
