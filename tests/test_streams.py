"""Streams in all six directions, plus synthesis and accumulation.

For every source stream (tests/fixtures/streams: real wire shapes, see its README) and
every other format:
- the translation satisfies the target format's invariants (crosswalk.stream.invariants);
- the official SDK's stream helper accepts it, and its final object equals the
  non-streaming conversion of the accumulated source (normalised: null = absent, tool
  arguments compared as JSON);
- an upstream failure or truncation ends the stream with the target's error termination,
  which the SDK raises, never a success.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crosswalk.stream import accumulate, synthesize
from crosswalk.stream.invariants import check
from tests.stream_edges import BEYOND_A_REPLY, EDGES
from tests.stream_support import (
    DIRECTIONS,
    FORMATS,
    OPTIONS,
    normalise,
    sdk_final,
    sdk_view,
    translate,
)

STREAMS = Path(__file__).parent / "fixtures" / "streams"
# Fixtures whose upstream fails (an error event) or breaks off (no terminal event).
FAILING = ("overloaded_midstream", "truncated", "error_midstream", "failed")


def _fixtures(failing: bool) -> list[tuple[str, str]]:
    out = []
    for path in sorted(STREAMS.glob("*.sse")):
        fmt, case = path.stem.split("__", 1)
        if any(case.startswith(f) for f in FAILING) == failing:
            out.append((fmt, path.name))
    return out


def _cases(failing: bool) -> list[tuple[str, str, str]]:
    return [
        (fmt, target, name)
        for fmt, name in _fixtures(failing)
        for target in FORMATS
        if target != fmt
    ]


@pytest.mark.parametrize(("source", "target", "name"), _cases(failing=False))
def test_translation_is_accepted_and_means_the_same(source: str, target: str, name: str) -> None:
    data = (STREAMS / name).read_bytes()
    out, translator = translate(source, target, data)
    assert translator.error is None, translator.error
    assert check(target, out) == []
    expected = accumulate(source, target, [data], OPTIONS)
    assert expected.error is None
    assert translator.loss == expected.loss
    assert normalise(accumulate(target, target, [out], OPTIONS).response) == normalise(
        expected.response
    )
    assert sdk_view(target, sdk_final(target, out)) == sdk_view(target, expected.response)


@pytest.mark.parametrize(("source", "target", "name"), _cases(failing=True))
def test_a_failing_upstream_ends_in_the_targets_error(source: str, target: str, name: str) -> None:
    data = (STREAMS / name).read_bytes()
    out, translator = translate(source, target, data)
    assert translator.error is not None
    assert check(target, out) == []
    with pytest.raises(Exception) as raised:
        sdk_final(target, out)
    assert "Didn't receive" in str(raised.value) or translator.error["body"]
    result = accumulate(source, target, [data], OPTIONS)
    assert result.response is None
    assert result.error == translator.error


@pytest.mark.parametrize(("source", "target"), [(s, t) for s in FORMATS for t in FORMATS])
def test_synthesised_streams_add_up_to_the_conversion(source: str, target: str) -> None:
    for fmt, name in _fixtures(failing=False):
        if fmt != source:
            continue
        body = accumulate(source, source, [(STREAMS / name).read_bytes()], OPTIONS).response
        assert body is not None
        stream, loss = synthesize(source, target, body, OPTIONS)
        assert check(target, stream) == [], name
        converted = accumulate(source, target, [(STREAMS / name).read_bytes()], OPTIONS)
        assert normalise(accumulate(target, target, [stream], OPTIONS).response) == normalise(
            converted.response
        ), name
        assert sdk_view(target, sdk_final(target, stream)) == sdk_view(target, converted.response)
        assert loss == converted.loss


@pytest.mark.parametrize(("source", "target"), DIRECTIONS)
def test_any_rechunking_gives_the_same_bytes(source: str, target: str) -> None:
    for fmt, name in _fixtures(failing=False) + _fixtures(failing=True):
        if fmt != source:
            continue
        data = (STREAMS / name).read_bytes()
        whole, _ = translate(source, target, data)
        for size in (1, 2, 3, 7, 64):
            pieces, _ = translate(source, target, data, iter(lambda s=size: s, None))
            assert pieces == whole, (name, size)


def _edge_cases() -> list[tuple[str, str, str]]:
    return [
        (fmt, target, name)
        for fmt, streams in EDGES.items()
        for name in streams
        for target in FORMATS
        if target != fmt and name not in BEYOND_A_REPLY
    ]


@pytest.mark.parametrize(("source", "target", "name"), _edge_cases())
def test_edge_streams_translate_like_the_fixtures(source: str, target: str, name: str) -> None:
    """The hand-built edge streams (tests/stream_edges.py) under the same checks."""
    data = EDGES[source][name]
    out, translator = translate(source, target, data)
    assert check(target, out) == []
    expected = accumulate(source, target, [data], OPTIONS)
    if expected.error is not None:
        assert translator.error == expected.error
        with pytest.raises(Exception):  # noqa: B017 - each SDK raises its own error type
            sdk_final(target, out)
        return
    assert translator.error is None, translator.error
    assert translator.loss == expected.loss
    assert normalise(accumulate(target, target, [out], OPTIONS).response) == normalise(
        expected.response
    )
    assert sdk_view(target, sdk_final(target, out)) == sdk_view(target, expected.response)
