"""Counters and histograms for `GET /metrics`, in Prometheus' text format (0.0.4).

Written here rather than taken from prometheus_client: the proxy needs four metric
kinds' worth of it, runs on one event loop (no locks), and renders a few dozen series.
Every series is labelled by the client's format, the upstream's name and the direction
(`anthropic->chat`), so a dashboard can tell which translation a latency or an error
belongs to.

With several worker processes (`--workers`), each keeps its own and the one that is
scraped adds up every worker's `snapshot()`: the numbers are the server's, whichever
process answers.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from crosswalk.transforms.tokens import Tokens

Labels = tuple[tuple[str, str], ...]
Snapshot = dict[str, Any]

# Seconds: a proxied LLM call spans milliseconds (an error, a cached reply) to minutes.
LATENCY_BUCKETS: tuple[float, ...] = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
)  # fmt: skip


_INF = 'le="+Inf"'


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels, extra: str = "") -> str:
    parts = [f'{k}="{_escape(v)}"' for k, v in labels]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


_COUNTERS = ("requests", "errors", "tokens", "loss")  # Metrics' counter series, by name


def _key(labels: list[list[str]]) -> Labels:
    return tuple((k, v) for k, v in labels)


@dataclass
class _Histogram:
    counts: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS))
    total: float = 0.0
    n: int = 0

    def observe(self, value: float) -> None:
        index = bisect.bisect_left(LATENCY_BUCKETS, value)
        if index < len(self.counts):
            self.counts[index] += 1
        self.total += value
        self.n += 1


@dataclass
class Metrics:
    """What the proxy has served since it started."""

    requests: dict[Labels, int] = field(default_factory=lambda: defaultdict(int))
    errors: dict[Labels, int] = field(default_factory=lambda: defaultdict(int))
    tokens: dict[Labels, int] = field(default_factory=lambda: defaultdict(int))
    loss: dict[Labels, int] = field(default_factory=lambda: defaultdict(int))
    latency: dict[Labels, _Histogram] = field(default_factory=lambda: defaultdict(_Histogram))
    open_streams: int = 0

    def record(
        self,
        labels: Labels,
        *,
        status: int,
        seconds: float,
        error: str | None,
        usage: Tokens | None,
        loss: int,
    ) -> None:
        """One finished call."""
        self.requests[(*labels, ("status", str(status)))] += 1
        if error is not None:
            self.errors[(*labels, ("kind", error))] += 1
        self.latency[labels].observe(seconds)
        if usage is not None:
            for kind, count in (
                ("input", usage.input),
                ("output", usage.output),
                ("cache_read", usage.cache_read),
                ("cache_write", usage.cache_write),
            ):
                self.tokens[(*labels, ("kind", kind))] += count
        if loss:
            self.loss[labels] += loss

    def snapshot(self) -> Snapshot:
        """Everything counted so far, as JSON-ready lists (for another worker to add up)."""
        snapshot: Snapshot = {
            name: [[list(map(list, k)), v] for k, v in getattr(self, name).items()]
            for name in _COUNTERS
        }
        snapshot["latency"] = [
            [list(map(list, k)), h.counts, h.total, h.n] for k, h in self.latency.items()
        ]
        snapshot["open_streams"] = self.open_streams
        return snapshot

    def absorb(self, snapshot: Snapshot) -> None:
        """Add another worker's snapshot to these counts."""
        for name in _COUNTERS:
            series: dict[Labels, int] = getattr(self, name)
            for labels, value in snapshot[name]:
                series[_key(labels)] += value
        for labels, counts, total, n in snapshot["latency"]:
            hist = self.latency[_key(labels)]
            hist.counts = [a + b for a, b in zip(hist.counts, counts, strict=True)]
            hist.total += total
            hist.n += n
        self.open_streams += snapshot["open_streams"]

    def render(self, workers: int = 1) -> str:
        """The Prometheus text; `workers` is how many processes' counts it adds up."""
        out: list[str] = []
        counters = (
            ("crosswalk_requests_total", "Calls answered, by final HTTP status.", self.requests),
            (
                "crosswalk_errors_total",
                "Calls that ended in an error, by where it came from.",
                self.errors,
            ),
            (
                "crosswalk_tokens_total",
                "Tokens the upstreams reported; input includes cache reads and writes.",
                self.tokens,
            ),
            (
                "crosswalk_loss_entries_total",
                "Fields a conversion dropped or coerced (each is reported in the call's log line).",
                self.loss,
            ),
        )
        for name, doc, series in counters:
            out += [f"# HELP {name} {doc}", f"# TYPE {name} counter"]
            out += [f"{name}{_labels(k)} {v}" for k, v in sorted(series.items())]
        name = "crosswalk_request_duration_seconds"
        out += [
            f"# HELP {name} Time from a call's arrival to its last byte sent.",
            f"# TYPE {name} histogram",
        ]
        for labels, hist in sorted(self.latency.items()):
            running = 0
            for bound, count in zip(LATENCY_BUCKETS, hist.counts, strict=True):
                running += count
                le = 'le="' + _number(bound) + '"'
                out.append(f"{name}_bucket{_labels(labels, le)} {running}")
            out.append(f"{name}_bucket{_labels(labels, _INF)} {hist.n}")
            out.append(f"{name}_sum{_labels(labels)} {_number(hist.total)}")
            out.append(f"{name}_count{_labels(labels)} {hist.n}")
        name = "crosswalk_open_streams"
        out += [
            f"# HELP {name} Streams being relayed now.",
            f"# TYPE {name} gauge",
            f"{name} {self.open_streams}",
        ]
        name = "crosswalk_workers_reporting"
        out += [
            f"# HELP {name} Worker processes whose counts these are (one answering is left "
            "out while it restarts).",
            f"# TYPE {name} gauge",
            f"{name} {workers}",
        ]
        return "\n".join(out) + "\n"
