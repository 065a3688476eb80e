"""The stream tables tell the truth: what the readers and writers do stays within their
rows, and every row's claim is exercised.

Reading: every event of every source stream (the fixtures, the edge streams of
tests/stream_edges.py, and each fixture translated
into every other format, which is a stream of that format too) goes through its
format's reader; the neutral events it yields must be among the `read` events of the
places it occupies. Writing: each fixture is translated one neutral event at a time; each
event the writer emits must occupy only places whose row lists that neutral event in
`write` (or carries `via`: reply-level values and framing are on every event). And each
(place, neutral event) a row claims must be seen at least once, so a row cannot claim
more than the code does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import orjson
import pytest

from crosswalk.sse import SSEParser
from crosswalk.stream import events as ev
from crosswalk.stream.table import TABLES, places
from crosswalk.stream.translate import READERS, Translator, read_event
from tests.stream_edges import EDGES
from tests.stream_support import FORMATS, OPTIONS

STREAMS = Path(__file__).parent / "fixtures" / "streams"
Seen = dict[str, dict[str, set[str]]]  # format -> place -> neutral event names


def _decoded(data: bytes) -> Iterator[tuple[object, object]]:
    parser = SSEParser()
    for sse in [*parser.feed(data)]:
        yield sse, (sse.data if sse.data == "[DONE]" else orjson.loads(sse.data))


class _Attributing(Translator):
    """A translator that records which neutral event produced which output bytes: each
    of the writer's handlers, and each event that takes the translator's own path (the
    start, the end, failures), is followed by taking what the writer wrote."""

    def __init__(self, source: str, target: str) -> None:
        super().__init__(source, target, OPTIONS)
        self.produced: list[tuple[str, bytes]] = []
        self.writer.handlers = {
            kind: self._recording(kind.__name__, handler)
            for kind, handler in self.writer.handlers.items()
        }

    def _recording(self, name: str, handler: Callable[[Any], None]) -> Callable[[Any], None]:
        def record(event: Any) -> None:
            handler(event)
            self.produced.append((name, self.writer.take()))

        return record

    def _events(self, events: list[ev.Event]) -> None:
        for event in events:
            super()._events([event])
            self.produced.append((type(event).__name__, self.writer.take()))

    def _fail(self, envelope: dict[str, object]) -> None:
        super()._fail(envelope)
        self.produced.append(("Failure", self.writer.take()))


def _sources() -> list[tuple[str, bytes]]:
    """The captured fixtures and the hand-built edge streams."""
    out = [(p.name.split("__", 1)[0], p.read_bytes()) for p in sorted(STREAMS.glob("*.sse"))]
    return out + [(fmt, data) for fmt, streams in EDGES.items() for data in streams.values()]


@cache
def _streams() -> tuple[tuple[str, bytes], ...]:
    """(format, stream) for every source and every translation of one."""
    out = []
    for fmt, data in _sources():
        out.append((fmt, data))
        for target in FORMATS:
            if target != fmt:
                translator = Translator(fmt, target, OPTIONS)
                out.append((target, translator.feed(data) + translator.close()))
    return tuple(out)


@cache
def _reads() -> tuple[Seen, list[str]]:
    seen: Seen = {fmt: defaultdict(set) for fmt in FORMATS}
    problems = []
    for fmt, data in _streams():
        reader = READERS[fmt]()
        table = TABLES[fmt]
        for sse, decoded in _decoded(data):
            where = list(places(fmt, decoded))
            allowed = set().union(*(table[p].read for p in where if p in table))
            produced = {type(e).__name__ for e in read_event(reader, sse)}  # type: ignore[arg-type]
            for place in where:
                if place not in table:
                    problems.append(f"{fmt}: {place} has no row")
                else:
                    seen[fmt][place] |= produced & set(table[place].read)
            if extra := produced - allowed:
                problems.append(f"{fmt}: {where} read as {sorted(extra)}, not in its rows")
    return seen, problems


@cache
def _writes() -> tuple[Seen, list[str]]:
    seen: Seen = {fmt: defaultdict(set) for fmt in FORMATS}
    problems = []
    for source, data in _sources():
        for target in FORMATS:
            translator = _Attributing(source, target)
            translator.feed(data)
            translator.close()
            table = TABLES[target]
            for neutral, written in translator.produced:
                for _, decoded in _decoded(written):
                    for place in places(target, decoded):
                        row = table.get(place)
                        if row is None:
                            problems.append(f"{target}: wrote {place}, which has no row")
                        elif neutral in row.write:
                            seen[target][place].add(neutral)
                        elif row.via is None:
                            problems.append(f"{target}: wrote {place} for {neutral}")
    return seen, problems


@pytest.mark.parametrize("fmt", FORMATS)
def test_readers_yield_only_what_the_rows_say(fmt: str) -> None:
    _, problems = _reads()
    assert [p for p in problems if p.startswith(fmt + ":")] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_writers_emit_only_what_the_rows_say(fmt: str) -> None:
    _, problems = _writes()
    assert sorted({p for p in problems if p.startswith(fmt + ":")}) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_claim_of_a_row_is_exercised(fmt: str) -> None:
    reads, writes = _reads()[0][fmt], _writes()[0][fmt]
    unseen = [
        f"{on} {side} {name}"
        for on, row in TABLES[fmt].items()
        for side, claimed, seen in (("read", row.read, reads), ("write", row.write, writes))
        for name in claimed
        if name not in seen.get(on, ())
    ]
    assert unseen == []
