"""What every format's stream reader provides, and the one error a reader raises."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

from crosswalk.stream import events as ev


class StreamError(Exception):
    """The upstream stream broke its own format's rules (an event out of order, a delta
    for a block that never started, a non-JSON payload). A translator ends the client's
    stream with an error for it: the upstream, not the client, is at fault."""


class Reader(ABC):
    """Reads one stream of one format.

    `read(event, data)` takes one SSE event (its name and its parsed JSON data, or the
    raw string for non-JSON data such as Chat's `[DONE]`) and returns the neutral
    events it completes, while adding it to the response it accumulates. After the
    source's terminal event `finished` is True and `response()` is that format's
    complete response body; after an in-stream error `failed` is True.
    """

    format: ClassVar[str]

    def __init__(self) -> None:
        self.finished = False
        self.failed = False
        # The last `sequence_number` seen (Responses numbers its events; the others
        # leave it -1): where a relayed stream's own termination continues from.
        self.last_sequence = -1

    @abstractmethod
    def read(self, event: str, data: Any) -> list[ev.Event]: ...

    @abstractmethod
    def response(self) -> dict[str, Any]: ...

    def end(self) -> list[ev.Event]:
        """The byte stream ended cleanly. Formats whose terminal event is optional in
        practice override this to finish; the default leaves `finished` as it is."""
        return []
