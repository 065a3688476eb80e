"""Relaying an upstream stream to a streaming client: translated event by event, or
passed through byte for byte in the client's own format, with the client's disconnect
told apart from the upstream's failure.

Writing awaits the client (backpressure: a slow client slows the upstream read, nothing
piles up here). A stream that breaks, upstream or in crosswalk, ends with the client
format's error termination, never as a quiet success.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from aiohttp import web

from crosswalk.proxy import wire
from crosswalk.proxy.call import Call
from crosswalk.proxy.config import Format
from crosswalk.sse import SSEParser
from crosswalk.stream.failures import upstream_failure
from crosswalk.stream.reader import StreamError
from crosswalk.stream.translate import READERS, TRUNCATED, Translator, read_event, termination

log = logging.getLogger("crosswalk.proxy")
Body = dict[str, Any]


async def translate(
    call: Call,
    translator: Translator,
    upstream: aiohttp.ClientResponse,
    response: web.StreamResponse,
) -> None:
    """Each upstream read through the translator, its output sent at once."""
    try:
        async for chunk in upstream.content.iter_any():
            out = translator.feed(chunk)
            if out:
                await send(response, out)
            if translator.done:
                break
    except (TimeoutError, aiohttp.ClientError) as err:
        log.warning("request %s: upstream stream broke: %s", call.request_id, reason(err))
    except ClientGone:
        raise
    except Exception:
        # A bug in crosswalk, met in the middle of a stream: the client's stream still
        # ends as its format ends a failure, and the traceback goes to the log.
        log.exception("internal error in request %s", call.request_id)
        call.error = "internal"
        await send(response, translator.fail(internal_error(call)))
        return
    out = translator.close()
    if out:
        await send(response, out)
    if translator.error is not None:
        call.error = "stream"
    call.lost(translator.loss)
    call.usage = wire.usage_of(call.client, translator.final)


def internal_error(call: Call) -> Body:
    return upstream_failure(
        call.client, f"internal error in crosswalk (request {call.request_id}; see its log)", 500
    )


async def end_with_error(call: Call, response: web.StreamResponse) -> None:
    """End a stream whose writer is not at hand with the format's error termination."""
    try:
        await send(response, termination(call.client, internal_error(call)))
        await response.write_eof()
    except (ClientGone, ConnectionResetError):
        pass


async def pass_through(
    call: Call, upstream: aiohttp.ClientResponse, response: web.StreamResponse
) -> None:
    """A stream in the client's own format goes on byte for byte; it is read beside
    for its usage and its end, and a stream that breaks off is ended with the
    format's error termination (never left to look like a success)."""
    tally = Tally(call.client)
    try:
        async for chunk in upstream.content.iter_any():
            await send(response, chunk)
            tally.feed(chunk)
    except (TimeoutError, aiohttp.ClientError) as err:
        log.warning("request %s: upstream stream broke: %s", call.request_id, reason(err))
    if not tally.close():
        call.error = "stream"
        await send(response, tally.termination())
    call.usage = wire.usage_of(call.client, tally.response())


# How long the rest of an upstream stream (after its terminal event: Chat's [DONE] after
# its usage chunk) is read for, so that the connection goes back to the pool instead of
# being cut.
DRAIN_SECONDS = 2.0


async def drain(upstream: aiohttp.ClientResponse) -> None:
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            async for _ in upstream.content.iter_any():
                pass
    except (TimeoutError, aiohttp.ClientError):
        upstream.close()


class ClientGone(Exception):
    """The client closed its connection while its stream was being written."""


async def send(response: web.StreamResponse, data: bytes) -> None:
    """Write to the client. Its disconnection is told apart from the upstream's: both
    surface as aiohttp connection errors, but only the upstream's is a failure to report
    to the client (who is no longer there to be told)."""
    try:
        await response.write(data)
    except ConnectionResetError as err:
        raise ClientGone from err


class Tally:
    """Follows a stream relayed unchanged: reads it as the translator would, to know its
    usage and whether it reached its terminal event."""

    def __init__(self, fmt: Format) -> None:
        self.fmt = fmt
        self.parser = SSEParser()
        self.reader = READERS[fmt]()
        self.broken: str | None = None
        self.sequence = -1  # the last Responses sequence_number seen

    def feed(self, chunk: bytes) -> None:
        for sse in self.parser.feed(chunk):
            if self.broken is not None or self.reader.finished or self.reader.failed:
                continue
            try:
                read_event(self.reader, sse)
            except StreamError as err:
                self.broken = str(err)
            if self.fmt == "responses":
                self.sequence = max(self.sequence, _sequence_number(sse.data))

    def close(self) -> bool:
        """True when the stream ended as its format ends (a success or its own error)."""
        truncated = self.parser.close()
        if not truncated and self.broken is None and not self.reader.finished:
            self.reader.end()
        return self.broken is None and (self.reader.finished or self.reader.failed)

    def termination(self) -> bytes:
        why = f"malformed upstream stream: {self.broken}" if self.broken else TRUNCATED
        return termination(
            self.fmt, upstream_failure(self.fmt, why), sequence_from=self.sequence + 1
        )

    def response(self) -> Body | None:
        try:
            return self.reader.response()
        except Exception:  # a broken stream has no reply to count tokens from
            return None


def _sequence_number(data: str) -> int:
    head = data[:200]
    at = head.find('"sequence_number":')
    if at < 0:
        return -1
    digits = ""
    for ch in head[at + len('"sequence_number":') :].lstrip():
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits else -1


def reason(err: BaseException) -> str:
    return str(err) or type(err).__name__
