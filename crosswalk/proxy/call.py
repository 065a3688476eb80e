"""What the proxy knows about one call, for its log line and its metrics.

The log line is the one place a call is described after the fact, so it holds what an
operator asks first (which client, which upstream, which model, what status, how long,
how many tokens, whether anything was lost) and nothing that could leak: no header, no
key, no body.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from crosswalk.loss import LossEntry
from crosswalk.proxy.config import Format, Upstream
from crosswalk.proxy.metrics import Labels
from crosswalk.transforms.tokens import Tokens

_LOGGED_LOSS = 50
_HEADER_BYTES = 2048


def new_request_id() -> str:
    return "req_cw" + secrets.token_hex(12)


@dataclass
class Call:
    client: Format
    path: str
    request_id: str = field(default_factory=new_request_id)
    started: float = field(default_factory=time.monotonic)
    model: str | None = None
    upstream: Upstream | None = None
    upstream_model: str | None = None
    stream: bool = False
    upstream_stream: bool | None = None
    status: int = 0
    # Where an error came from: client (its request), auth, route (no upstream), upstream
    # (an error reply), connect, timeout, stream (broke mid-stream), internal (a bug).
    error: str | None = None
    usage: Tokens | None = None
    loss: list[LossEntry] = field(default_factory=list)
    inert: int = 0
    upstream_request_id: str | None = None

    @property
    def direction(self) -> str:
        if self.upstream is None:
            return self.client
        return f"{self.client}->{self.upstream.format}"

    @property
    def labels(self) -> Labels:
        return (
            ("client", self.client),
            ("upstream", self.upstream.name if self.upstream else ""),
            ("direction", self.direction),
        )

    def lost(self, entries: Iterable[LossEntry]) -> None:
        """Record a conversion's losses. Inert drops (an id or a timestamp the target
        makes itself) are counted apart: a Chat reply's `created` is dropped from
        every Anthropic message, and is no one's lost data."""
        for entry in entries:
            if entry.inert:
                self.inert += 1
            else:
                self.loss.append(entry)

    def loss_header(self) -> str:
        r"""The lost fields' pointers, comma-separated, at most _HEADER_BYTES long, in
        ASCII (a header cannot carry a key's non-ASCII characters: they are escaped).

        >>> call = Call("chat", "/v1/chat/completions")
        >>> call.lost([LossEntry("dropped", "/metadata/caf\u00e9", "why")])
        >>> call.loss_header()
        '/metadata/caf\\xe9'
        """
        shown: list[str] = []
        size = 0
        for entry in self.loss:
            pointer = entry.pointer.encode("ascii", "backslashreplace").decode("ascii")
            size += len(pointer) + 2
            if size > _HEADER_BYTES:
                shown.append(f"... {len(self.loss) - len(shown)} more")
                break
            shown.append(pointer)
        return ", ".join(shown)

    def internal_message(self) -> str:
        """What a client is told of a bug in crosswalk: where to look, nothing more."""
        return f"internal error in crosswalk (request {self.request_id}; see its log)"

    def seconds(self) -> float:
        return time.monotonic() - self.started

    def log_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "request_id": self.request_id,
            "path": self.path,
            "client": self.client,
            "upstream": self.upstream.name if self.upstream else None,
            "upstream_format": self.upstream.format if self.upstream else None,
            "model": self.model,
            "upstream_model": self.upstream_model,
            "stream": self.stream,
            "upstream_stream": self.upstream_stream,
            "status": self.status,
            "error": self.error,
            "latency_ms": round(self.seconds() * 1000, 2),
            "loss": len(self.loss),
            "inert_drops": self.inert,
            "upstream_request_id": self.upstream_request_id,
        }
        if self.loss:
            record["loss_pointers"] = [e.pointer for e in self.loss[:_LOGGED_LOSS]]
        if self.usage is not None:
            record["tokens"] = {
                "input": self.usage.input,
                "output": self.usage.output,
                "cache_read": self.usage.cache_read,
                "cache_write": self.usage.cache_write,
            }
        return record
