"""The three stream operations, in any direction: translate, synthesise, accumulate.

- `Translator(source, target)`: source SSE bytes in (any chunking), target SSE bytes
  out, event by event. Parser (sse.py) -> the source's reader -> neutral events -> the
  target's writer. When the source finishes, its accumulated response is converted by
  the response table and handed to the writer as the final response, so the stream
  ends with the same stop reason, usage and status the non-streaming conversion gives,
  and reports the same losses.
- `synthesize(source, target, body)`: a complete response -> a target stream (a
  streaming client in front of a non-streaming upstream).
- `accumulate(source, target, chunks)`: a source stream -> a complete target response
  (a non-streaming client in front of a streaming upstream).

A failure never passes for success: an upstream error event is converted by the error
tables to the target's error termination; a stream that ends before its terminal event,
or breaks its own format, ends as a 502 in the target's format.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import orjson

from crosswalk.convert import _DEFAULT_OPTIONS, SCHEMA_IDS, run
from crosswalk.errors import ConversionError
from crosswalk.loss import LossEntry
from crosswalk.sse import SSEEvent, SSEParser
from crosswalk.stream import events as ev
from crosswalk.stream.failures import upstream_failure
from crosswalk.stream.read_anthropic import AnthropicReader
from crosswalk.stream.read_chat import ChatReader
from crosswalk.stream.read_responses import ResponsesReader
from crosswalk.stream.reader import Reader, StreamError
from crosswalk.stream.walk import WALKERS, cut
from crosswalk.stream.write_anthropic import AnthropicWriter
from crosswalk.stream.write_chat import ChatWriter
from crosswalk.stream.write_responses import ResponsesWriter
from crosswalk.stream.writer import Writer
from crosswalk.transforms import Options
from crosswalk.validate import validate

Body = dict[str, Any]

READERS: dict[str, type[Reader]] = {
    "anthropic": AnthropicReader,
    "chat": ChatReader,
    "responses": ResponsesReader,
}
TRUNCATED = "the upstream stream ended before its terminal event"
_UNFINISHED = frozenset({"in_progress", "queued"})
_CONTENT = frozenset({"content", "choices", "output"})


def _options(options: Options | None) -> Options:
    """Fix the clock once per stream, so the writer's `created` and the final response's
    agree."""
    options = options or _DEFAULT_OPTIONS
    if options.now is None:
        options = replace(options, now=int(time.time()))
    return options


def make_writer(target: str, options: Options, *, include_usage: bool = True) -> Writer:
    if target == "anthropic":
        return AnthropicWriter(options)
    if target == "chat":
        return ChatWriter(options, include_usage=include_usage)
    if target == "responses":
        return ResponsesWriter(options)
    raise ValueError(f"unknown format {target!r}")


def termination(target: str, envelope: Body, *, sequence_from: int = 0) -> bytes:
    """The error termination of a `target` stream that was relayed unchanged up to
    here: a stream whose own writer never saw it, so only the failure is written
    (Responses numbers it after the relayed events, from `sequence_from`)."""
    writer: Writer
    if target == "responses":
        writer = ResponsesWriter(_options(None), sequence_from=sequence_from)
    else:
        writer = make_writer(target, _options(None))
    writer.fail(envelope)
    return writer.take()


def read_event(reader: Reader, sse: SSEEvent) -> list[ev.Event]:
    """One SSE event through the reader; any way the event breaks its format is a
    StreamError. Chat's `[DONE]` is the one data that is not JSON (other readers refuse
    it as a non-object).

    The readers take the fields they expect as they come; a field of the wrong shape
    (`"choices": "x"`, a block that is a string) surfaces as whatever Python raises on
    it, and all of those are the upstream's malformed stream, not a crash here."""
    try:
        data = sse.data if sse.data == "[DONE]" else orjson.loads(sse.data)
        return reader.read(sse.event, data)
    except orjson.JSONDecodeError as err:
        raise StreamError(f"an event's data is not JSON: {err}") from None
    except KeyError as err:
        raise StreamError(f"missing field {err.args[0]!r}") from None
    except TypeError as err:
        raise StreamError(str(err)) from None
    except (LookupError, AttributeError, ValueError) as err:
        raise StreamError(f"{type(err).__name__}: {err}") from None


def _broken(target: str, err: StreamError) -> Body:
    return upstream_failure(target, f"malformed upstream stream: {err}")


def _final(
    source: str, target: str, body: Body, options: Options, *, check_input: bool = False
) -> tuple[Body, tuple[LossEntry, ...]]:
    """The source reply converted to the target. A stream's own accumulation is not
    validated (the upstream is not the client); a reply handed to `synthesize` may be."""
    if check_input:
        validate(SCHEMA_IDS[(source, "response")], body)
    if source == target:
        return body, ()
    conversion = run(source, target, "response", body, options, check_input=False)
    return conversion.result, conversion.loss


def _error(source: str, target: str, envelope: Body) -> Body:
    if source == target:
        return envelope
    return run(source, target, "error", envelope, check_input=False).result


class Translator:
    """Incremental stream translation: `feed(bytes) -> bytes` as data arrives, then
    `close() -> bytes` at the end of the input.

    `include_usage` is the Chat client's `stream_options.include_usage` (a usage chunk
    before `[DONE]`). After `close`, `final` holds the complete target reply the stream
    added up to and `loss` what the conversion lost, or `error` the target-format error
    envelope the stream ended with; `source_response()` is the source's own reply.
    """

    def __init__(
        self,
        source: str,
        target: str,
        options: Options | None = None,
        *,
        include_usage: bool = True,
    ) -> None:
        self.source = source
        self.target = target
        self.options = _options(options)
        self.reader = READERS[source]()
        self.writer = make_writer(target, self.options, include_usage=include_usage)
        self.parser = SSEParser()
        self.loss: tuple[LossEntry, ...] = ()
        self.error: Body | None = None
        self.final: Body | None = None  # the complete target reply, once finished

    @property
    def done(self) -> bool:
        return self.writer.closed

    def feed(self, chunk: bytes) -> bytes:
        writer, reader = self.writer, self.reader
        handlers = writer.handlers
        for sse in self.parser.feed(chunk):
            if writer.closed:
                break
            try:
                events = read_event(reader, sse)
            except StreamError as err:
                self._fail(_broken(self.target, err))
                continue
            for event in events:
                # Content events go straight to their handler (this runs per event);
                # the start, the end and failures take `_events`.
                handler = handlers.get(type(event))
                if handler is None or type(event) is ev.Start:
                    self._events([event])
                elif not writer.closed:
                    handler(event)
        return writer.take()

    def close(self) -> bytes:
        truncated = self.parser.close()
        if not self.writer.closed:
            if not truncated and not self.reader.failed:
                self._events(self.reader.end())
            if not self.writer.closed:
                self._fail(upstream_failure(self.target, TRUNCATED))
        return self.writer.take()

    def source_response(self) -> Body:
        return self.reader.response()

    # -- internals ----------------------------------------------------------------------

    def _events(self, events: list[ev.Event]) -> None:
        writer = self.writer
        for event in events:
            if type(event) is ev.Finish:
                self._finish()
            elif type(event) is ev.Failure:
                self._fail(_error(self.source, self.target, event.envelope))
            else:
                if type(event) is ev.Start:
                    writer.envelope = self._envelope()
                writer.write(event)

    def _envelope(self) -> Body | None:
        """The source's reply so far (no content yet), converted to the target."""
        skeleton = self.reader.response()
        if skeleton.get("status") in _UNFINISHED:  # a Response that has just begun
            skeleton = {**skeleton, "status": "completed"}
        try:
            envelope = _final(self.source, self.target, skeleton, self.options)[0]
        except ConversionError:
            return None
        # What the reply says, the stream says as it comes: only the envelope is known.
        return {k: v for k, v in envelope.items() if k not in _CONTENT}

    def _finish(self) -> None:
        try:
            final, self.loss = _final(
                self.source, self.target, self.reader.response(), self.options
            )
        except (ConversionError, StreamError) as err:
            self._fail(
                upstream_failure(self.target, f"the upstream reply cannot be converted: {err}")
            )
            return
        self.final = final
        self.writer.finish(final)

    def fail(self, envelope: Body) -> bytes:
        """End the stream now with `envelope` (a target-format error response), for a
        failure outside the stream itself; returns the last bytes."""
        self._fail(envelope)
        return self.writer.take()

    def _fail(self, envelope: Body) -> None:
        if not self.writer.closed:
            self.error = envelope
        self.writer.fail(envelope)


def synthesize(
    source: str,
    target: str,
    body: Body,
    options: Options | None = None,
    *,
    include_usage: bool = True,
    piece: Callable[[], int] | None = None,
    check_input: bool = False,
) -> tuple[bytes, tuple[LossEntry, ...]]:
    """A complete `source` response -> the `target` stream of it, and the loss.

    The response is converted first (the response table), then walked in the target's
    own format, so the stream adds up to exactly the non-streaming conversion. Each
    block is one delta, unless `piece` gives the sizes to cut deltas into.
    `check_input` validates the reply against its schema first (InvalidRequestError).
    """
    options = _options(options)
    final, loss = _final(source, target, body, options, check_input=check_input)
    return stream_of(target, final, options, include_usage=include_usage, piece=piece), loss


def stream_of(
    fmt: str,
    reply: Body,
    options: Options | None = None,
    *,
    include_usage: bool = True,
    piece: Callable[[], int] | None = None,
) -> bytes:
    """A complete `fmt` reply -> the `fmt` stream of it (`synthesize` once the reply is
    in the target's format: a caller that has converted it already does not again)."""
    options = _options(options)
    writer = make_writer(fmt, options, include_usage=include_usage)
    writer.envelope = reply
    events = WALKERS[fmt](reply)
    for event in events if piece is None else cut(events, piece):
        if type(event) is ev.Finish:
            writer.finish(reply)
        else:
            writer.write(event)
    return writer.take()


@dataclass(frozen=True, slots=True)
class Accumulated:
    """A stream added up: the target response, or the target error envelope it ended with."""

    response: Body | None
    error: Body | None
    loss: tuple[LossEntry, ...]


class Follower:
    """A source stream read to its end without writing anything: the reply it adds up
    to, or how it ended otherwise. `accumulate` adds a whole stream up with one; a proxy
    relaying a stream unchanged follows it beside, to know its usage and its end.

    Reading stops at the first of: the terminal event (`reader.finished`), the source's
    own error event (`failure`, its error envelope), a malformed event (`broken`)."""

    def __init__(self, source: str) -> None:
        self.reader = READERS[source]()
        self.parser = SSEParser()
        self.broken: StreamError | None = None
        self.failure: Body | None = None

    @property
    def stopped(self) -> bool:
        return self.reader.finished or self.failure is not None or self.broken is not None

    def feed(self, chunk: bytes) -> None:
        for sse in self.parser.feed(chunk):
            if self.stopped:
                continue
            try:
                events = read_event(self.reader, sse)
            except StreamError as err:
                self.broken = err
                continue
            for event in events:
                if type(event) is ev.Failure:
                    self.failure = event.envelope
                    break

    def close(self) -> bool:
        """End of the bytes. True when the stream ended as its format ends: its terminal
        event, or its own error event (False: broken, or cut off before either)."""
        truncated = self.parser.close()
        if not self.stopped and not truncated:
            self.reader.end()
        return self.broken is None and (self.reader.finished or self.failure is not None)


def accumulate(
    source: str, target: str, chunks: Iterable[bytes], options: Options | None = None
) -> Accumulated:
    """A `source` stream -> the complete `target` response (or error) it amounts to."""
    options = _options(options)
    follower = Follower(source)
    for chunk in chunks:
        follower.feed(chunk)
    follower.close()
    if follower.broken is not None:
        return Accumulated(None, _broken(target, follower.broken), ())
    if follower.failure is not None:
        return Accumulated(None, _error(source, target, follower.failure), ())
    if not follower.reader.finished:
        return Accumulated(None, upstream_failure(target, TRUNCATED), ())
    try:
        final, loss = _final(source, target, follower.reader.response(), options)
    except ConversionError as err:
        return Accumulated(
            None, upstream_failure(target, f"the upstream reply cannot be converted: {err}"), ()
        )
    return Accumulated(final, None, loss)
