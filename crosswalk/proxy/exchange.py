"""One client call through the proxy: check it, route it, translate it, call the upstream,
and translate what comes back (a reply, a stream, or an error) into the client's format.

Every way a call can go wrong ends as an answer in the client's own format with the
status its API would send: the client's mistakes as 4xx naming the field (a JSON Pointer
in the message, and in `param` for OpenAI clients), the upstream's errors through the
error tables, an unreachable or silent upstream as 502 / 504, and a stream that breaks
after it began as that format's error termination. A bug in crosswalk is a 500 whose
traceback goes to the log, never to the client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from crosswalk.convert import FORMATS, SCHEMA_IDS, convert, custom_tool_names, run
from crosswalk.errors import ConversionError, InvalidRequestError, LossError, RefusedError
from crosswalk.proxy import estimate, relay, wire
from crosswalk.proxy.call import Call
from crosswalk.proxy.config import Config, Format, Upstream
from crosswalk.proxy.metrics import Metrics
from crosswalk.proxy.state import ResponseStore, default_path, input_items
from crosswalk.stream.translate import Translator, accumulate, stream_of
from crosswalk.transforms import Options
from crosswalk.validate import prepare, validate

log = logging.getLogger("crosswalk.proxy")
Body = dict[str, Any]
# The fields a conversion dropped or coerced so far (a stream's reply-side losses are
# known only at its end: they are in the call's log line).
LOSS_HEADER = "x-crosswalk-loss"
SSE_HEADERS = {"content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache"}
# Upstream response headers a client is given back: the id support traces a call by,
# and how long to wait before retrying.
_UPSTREAM_ID_HEADERS = ("request-id", "x-request-id")
KEY_REQUIRED = "a valid API key is required (x-api-key or Authorization: Bearer)"
# What a response id may be: it goes into an upstream URL with the proxy's key.
_RESPONSE_ID = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Refusal(Exception):
    """A call the proxy answers itself with an error: `status`, a message, the field at
    fault (a JSON Pointer or a header name) and where the error came from."""

    def __init__(self, status: int, message: str, *, param: str | None = None, kind: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.kind = kind


@dataclass(frozen=True)
class Plan:
    """A call routed and translated: what is sent where, and what the reply needs."""

    upstream: Upstream
    body: Body  # in the upstream's format
    upstream_stream: bool
    options: Options  # for converting the reply back (the client's custom tools)
    include_usage: bool  # a Chat client's stream_options.include_usage
    # A Responses client's conversation so far (previous turns, then this input), when
    # its reply is to be kept for previous_response_id; None otherwise.
    conversation: list[Body] | None = None


class Exchange:
    """The proxy's calls: one instance per server, holding one pooled aiohttp client
    session per upstream (opened on the server's startup, closed on its cleanup)."""

    def __init__(self, config: Config, metrics: Metrics) -> None:
        self.config = config
        self.metrics = metrics
        self.sessions: dict[str, aiohttp.ClientSession] = {}
        self.store: ResponseStore | None = None

    async def open(self) -> None:
        self.warm()
        path = self.config.state or default_path()
        try:
            self.store = ResponseStore(path)
        except (OSError, sqlite3.Error) as err:
            # The proxy still serves; only previous_response_id is refused, saying why.
            log.warning(
                "Responses state unavailable (%s: %s): previous_response_id will be refused",
                path,
                err,
            )
        for upstream in self.config.upstreams:
            self.sessions[upstream.name] = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, ttl_dns_cache=300),
                timeout=aiohttp.ClientTimeout(
                    total=None,
                    sock_connect=upstream.connect_timeout,
                    sock_read=upstream.read_timeout,
                ),
                # A compressed upstream reply is read decompressed: every byte is parsed.
                auto_decompress=True,
                raise_for_status=False,
            )

    def warm(self) -> None:
        """Build, before the first call, what every call of this configuration uses:
        each client format's request validator and converter to each upstream format,
        and the upstream formats' reply validators and converters back."""
        upstream_formats = {u.format for u in self.config.upstreams}
        for client in FORMATS:
            if upstream_formats - {client}:
                prepare(SCHEMA_IDS[(client, "request")])
            for fmt in upstream_formats:
                prepare(SCHEMA_IDS[(fmt, "response")])
                if fmt != client:
                    convert((client, fmt), "request")
                    convert((fmt, client), "response")
                    convert((fmt, client), "error")

    async def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
        for session in self.sessions.values():
            await session.close()
        self.sessions.clear()

    # -- the call ---------------------------------------------------------------------

    async def handle(self, request: web.Request, client: Format) -> web.StreamResponse:
        """A call to `/v1/messages`, `/v1/chat/completions` or `/v1/responses`."""
        return await self._answer(request, Call(client, request.path), self._handle)

    async def stored(self, request: web.Request) -> web.StreamResponse:
        """`GET` / `DELETE /v1/responses/{id}`."""
        return await self._answer(request, Call("responses", request.path), self._stored)

    async def count_tokens(self, request: web.Request) -> web.StreamResponse:
        return await self._answer(request, Call("anthropic", request.path), self._count_tokens)

    async def _answer(
        self,
        request: web.Request,
        call: Call,
        serve: Callable[[web.Request, Call], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        try:
            response = await serve(request, call)
        except Refusal as err:
            call.error = err.kind
            response = self.error_response(call, err.status, err.message, param=err.param)
        except asyncio.CancelledError:
            call.status, call.error = 499, "disconnected"  # nginx's code for it
            raise
        except Exception:
            log.exception("internal error in request %s", call.request_id)
            call.error = "internal"
            response = self.error_response(call, 500, call.internal_message())
        finally:
            if call.status:
                self._account(call)
        return response

    def _account(self, call: Call) -> None:
        self.metrics.record(
            call.labels,
            status=call.status,
            seconds=call.seconds(),
            error=call.error,
            usage=call.usage,
            loss=len(call.loss),
        )
        if log.isEnabledFor(logging.INFO):  # the record is built only to be written
            log.info("request", extra={"call": call.log_record()})

    async def admit(self, request: web.Request, call: Call) -> tuple[Body, Upstream, str]:
        """A client's call checked (key, API version, body, model) and routed: its body,
        the upstream it goes to and the model name it goes under."""
        self.authorize(request)
        if call.client == "anthropic":
            problem = wire.anthropic_version_problem(request.headers.get("anthropic-version"))
            if problem:
                raise Refusal(
                    400, f"anthropic-version: {problem}", param="anthropic-version", kind="client"
                )
        body = await read_body(request, self.config.max_body_bytes)
        model = body.get("model")
        if not isinstance(model, str) or not model:
            raise Refusal(
                400,
                "/model: a model name (a non-empty string) is required",
                param="/model",
                kind="client",
            )
        call.model = model
        call.stream = body.get("stream") is True
        routed = self.config.route(model)
        if routed is None:
            raise Refusal(
                404,
                f"model {model!r} is not served: crosswalk has no upstream configured (give "
                "--upstream FORMAT=BASE_URL, a crosswalk.toml, or ANTHROPIC_API_KEY / "
                "OPENAI_API_KEY)",
                param="/model",
                kind="route",
            )
        call.upstream, call.upstream_model = routed
        return body, routed[0], routed[1]

    def authorized(self, request: web.Request) -> bool:
        return wire.key_allowed(wire.client_key(request.headers), self.config.client_keys)

    def authorize(self, request: web.Request) -> None:
        if not self.authorized(request):
            raise Refusal(401, KEY_REQUIRED, kind="auth")

    def passed_key(self, request: web.Request) -> str | None:
        """The client's key, passed on to an upstream that has none of its own, unless
        clients authenticate to the proxy itself (then the key is the proxy's)."""
        return None if self.config.client_keys else wire.client_key(request.headers)

    async def _handle(self, request: web.Request, call: Call) -> web.StreamResponse:
        body, upstream, upstream_model = await self.admit(request, call)
        plan = self._plan(call, body, upstream, upstream_model)
        call.upstream_stream = plan.upstream_stream
        headers = wire.upstream_headers(
            plan.upstream,
            client_format=call.client,
            client_headers=request.headers,
            passed_key=self.passed_key(request),
            body=plan.body,
            stream=plan.upstream_stream,
        )
        async with self._call_upstream(
            call, plan.upstream, "POST", wire.upstream_url(plan.upstream), plan.body, headers
        ) as reply:
            if reply.status >= 400:
                return await self._upstream_error(call, reply)
            sse = reply.content_type == "text/event-stream"
            if call.stream:
                if sse:
                    return await self._relay(request, call, plan, reply)
                return await self._synthesized(request, call, plan, reply)
            if sse:
                return await self._accumulated(call, plan, reply)
            return await self._converted(call, plan, reply)

    @contextlib.asynccontextmanager
    async def _call_upstream(
        self,
        call: Call,
        upstream: Upstream,
        method: str,
        url: str,
        body: Body | None,
        headers: Mapping[str, str],
    ) -> AsyncIterator[aiohttp.ClientResponse]:
        """A call to an upstream; its failure to connect or to answer in time (before
        a stream began: after, the stream's own termination reports it) is a 502 / 504.
        Redirects are not followed: aiohttp would carry `x-api-key` and the configured
        headers to wherever one points, so a 3xx is the upstream's error (502)."""
        session = self.sessions[upstream.name]
        data = None if body is None else orjson.dumps(body)
        try:
            async with session.request(
                method, url, data=data, headers=headers, allow_redirects=False
            ) as reply:
                call.upstream_request_id = next(
                    (reply.headers[h] for h in _UPSTREAM_ID_HEADERS if h in reply.headers), None
                )
                if 300 <= reply.status < 400:
                    raise Refusal(
                        502,
                        f"the upstream {upstream.name!r} answered {reply.status} (a redirect, "
                        "not followed: check its base_url)",
                        kind="upstream",
                    )
                yield reply
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise Refusal(
                504, f"the upstream {upstream.name!r} did not answer in time", kind="timeout"
            ) from None
        except aiohttp.ClientError as err:
            raise Refusal(
                502,
                f"the upstream {upstream.name!r} could not be reached: {relay.reason(err)}",
                kind="connect",
            ) from None

    async def _stored(self, request: web.Request, call: Call) -> web.StreamResponse:
        """A response the proxy keeps (state.py); one it does not is asked of the first
        Responses upstream, which keeps its own."""
        self.authorize(request)
        response_id = request.match_info["response_id"]
        if not _RESPONSE_ID.match(response_id):
            raise Refusal(
                400, f"{response_id!r} is not a response id", param="response_id", kind="client"
            )
        found: Body | None = None
        if self.store is not None:
            if request.method == "DELETE":
                if self.store.delete(response_id):
                    found = {"id": response_id, "object": "response.deleted", "deleted": True}
            else:
                found = self.store.response(response_id)
        if found is not None:
            call.status = 200
            return web.Response(
                body=orjson.dumps(found),
                content_type="application/json",
                headers=self._headers(call),
            )
        upstream = next((u for u in self.config.upstreams if u.format == "responses"), None)
        if upstream is None:
            raise Refusal(
                404, f"no response with id {response_id!r}", param="response_id", kind="client"
            )
        call.upstream = upstream
        headers = wire.upstream_headers(
            upstream,
            client_format="responses",
            client_headers=request.headers,
            passed_key=self.passed_key(request),
            body={},
            stream=False,
        )
        url = f"{upstream.base_url}/responses/{response_id}"
        return await self._forward(call, upstream, request.method, url, None, headers)

    async def _forward(
        self,
        call: Call,
        upstream: Upstream,
        method: str,
        url: str,
        body: Body | None,
        headers: Mapping[str, str],
    ) -> web.Response:
        """A call the upstream answers in the client's own format: its JSON reply as it
        is, its error through `_upstream_error`."""
        async with self._call_upstream(call, upstream, method, url, body, headers) as reply:
            if reply.status >= 400:
                return await self._upstream_error(call, reply)
            result = await self._reply_json(call, reply)
        call.status = 200
        return web.Response(
            body=orjson.dumps(result), content_type="application/json", headers=self._headers(call)
        )

    async def _count_tokens(self, request: web.Request, call: Call) -> web.StreamResponse:
        """`POST /v1/messages/count_tokens`: asked of an Anthropic upstream, estimated
        locally for the others (crosswalk/proxy/estimate.py says how)."""
        body, upstream, upstream_model = await self.admit(request, call)
        call.stream = False
        for key in ("messages", "tools"):
            if not isinstance(body.get(key, []), list):
                raise Refusal(400, f"/{key}: must be a list", param=f"/{key}", kind="client")
        if upstream.format != "anthropic":
            call.status = 200
            return web.Response(
                body=orjson.dumps({"input_tokens": estimate.count_tokens(body)}),
                content_type="application/json",
                headers={**self._headers(call), "x-crosswalk-estimate": "local"},
            )
        headers = wire.upstream_headers(
            upstream,
            client_format="anthropic",
            client_headers=request.headers,
            passed_key=self.passed_key(request),
            body=body,
            stream=False,
        )
        url = upstream.base_url + "/v1/messages/count_tokens"
        body, lost = wire.without_unsigned_thinking({**body, "model": upstream_model})
        call.lost(lost)
        return await self._forward(call, upstream, "POST", url, body, headers)

    def _plan(self, call: Call, body: Body, upstream: Upstream, upstream_model: str) -> Plan:
        """The request in the upstream's format. A client's request in another format is
        validated against its own schema and converted by the request table; one in the
        upstream's own format is passed on as it is, its model name aside.

        The strict loss policy holds the request to it: what the client sent must reach
        the upstream whole, or the call is refused before it is made. The reply is
        converted leniently, its losses reported (log line, LOSS_HEADER): the upstream
        has already answered, and metadata such as a Chat `system_fingerprint` that an
        Anthropic message has no place for would otherwise fail every call."""
        client = call.client
        body = {**body, "model": upstream_model}
        # One clock per call: every conversion of its reply says the same `created`.
        options = Options(custom_tools=custom_tool_names(client, body), now=int(time.time()))
        conversation: list[Body] | None = None
        if client == "responses" and upstream.format != "responses":
            if not isinstance(body.get("input", ""), str | list):
                raise Refusal(
                    400,
                    "/input: must be a string or a list of input items",
                    param="/input",
                    kind="client",
                )
            body = self._with_history(body)
            if body.get("store") is not False:
                conversation = input_items(body)
        if client == upstream.format == "anthropic":
            converted, lost = wire.without_unsigned_thinking(body)
            call.lost(lost)
        elif client == upstream.format:
            converted = body
        else:
            try:
                conversion = run(
                    client,
                    upstream.format,
                    "request",
                    body,
                    replace(options, strict=self.config.loss == "strict"),
                )
            except InvalidRequestError as err:
                raise Refusal(400, str(err), param=err.pointer or "/", kind="client") from None
            except (RefusedError, LossError) as err:
                raise Refusal(
                    400,
                    f"{err} (the {upstream.format} upstream {upstream.name!r} cannot take it)",
                    param=err.pointer or "/",
                    kind="client",
                ) from None
            converted = conversion.result
            call.lost(conversion.loss)
        upstream_stream = upstream.streams(call.stream)
        # A stream relayed byte for byte keeps the client's own stream_options; one the
        # proxy reads (translated, or accumulated for a client that did not stream) asks
        # for the usage chunk.
        converted = with_stream(
            upstream.format,
            converted,
            upstream_stream,
            passthrough=client == upstream.format and call.stream,
        )
        stream_options = body.get("stream_options")
        include_usage = (
            isinstance(stream_options, Mapping) and stream_options.get("include_usage") is True
        )
        return Plan(upstream, converted, upstream_stream, options, include_usage, conversation)

    def _with_history(self, body: Body) -> Body:
        """A Responses request on `previous_response_id`, as the whole conversation: the
        upstream keeps no state, so the proxy sends what OpenAI's API would have kept."""
        previous = body.get("previous_response_id")
        if previous is None:
            return body
        if self.store is None:
            raise Refusal(
                400,
                "/previous_response_id: this proxy keeps no Responses state (its state file "
                "could not be opened; see its log): send the whole conversation instead",
                param="/previous_response_id",
                kind="client",
            )
        history = self.store.conversation(str(previous))
        if history is None:
            raise Refusal(
                400,
                f"/previous_response_id: previous response with id {previous!r} not found",
                param="/previous_response_id",
                kind="client",
            )
        rest = {k: v for k, v in body.items() if k != "previous_response_id"}
        return {**rest, "input": [*history, *input_items(body)]}

    def _remember(self, plan: Plan, reply: Body | None) -> None:
        """Keep a Responses client's reply for its next call's previous_response_id."""
        if plan.conversation is not None and reply is not None and self.store is not None:
            try:
                self.store.save(reply, plan.conversation)
            except sqlite3.Error as err:  # the client has its answer; only the state is lost
                log.warning("Responses state not saved for %s: %s", reply.get("id"), err)

    # -- replies ----------------------------------------------------------------------

    def _headers(self, call: Call) -> dict[str, str]:
        headers = {
            wire.REQUEST_ID_HEADERS[call.client]: call.upstream_request_id or call.request_id
        }
        if call.loss:
            headers[LOSS_HEADER] = call.loss_header()
        return headers

    def error_response(
        self, call: Call, status: int, message: str, *, param: str | None = None
    ) -> web.Response:
        envelope = wire.error_envelope(call.client, status, message, param=param)
        return self._envelope_response(call, envelope)

    def _envelope_response(self, call: Call, envelope: Body) -> web.Response:
        call.status = envelope["status"]
        headers = {**self._headers(call), **(envelope.get("headers") or {})}
        return web.Response(
            status=envelope["status"],
            body=orjson.dumps(envelope["body"]),
            content_type="application/json",
            headers=headers,
        )

    async def _upstream_error(self, call: Call, upstream: aiohttp.ClientResponse) -> web.Response:
        """An upstream's error reply, in the client's format through the error tables.
        A body that is not its format's error (a gateway's HTML page, vLLM's flat
        `{"object": "error", ...}`) still reaches the client as an error with the
        upstream's status and whatever message it carried."""
        call.error = "upstream"
        raw = await upstream.read()
        source = call.upstream.format if call.upstream else call.client
        headers = {
            k: upstream.headers[k]
            for k in ("retry-after", wire.REQUEST_ID_HEADERS[source])
            if k in upstream.headers
        }
        status = upstream.status if 400 <= upstream.status <= 599 else 502
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = None
        envelope = {"status": status, "headers": headers, "body": body}
        try:
            if source == call.client:
                validate(SCHEMA_IDS[(source, "error")], envelope)
                converted = envelope
            else:
                converted = run(source, call.client, "error", envelope).result
        except ConversionError:
            converted = wire.error_envelope(
                call.client, status, _message_of(body, raw, upstream.status)
            )
            retry = headers.get("retry-after")
            if retry:
                converted["headers"]["retry-after"] = retry
        return self._envelope_response(call, converted)

    async def _converted(
        self, call: Call, plan: Plan, upstream: aiohttp.ClientResponse
    ) -> web.Response:
        result = await self._client_reply(call, plan, upstream)
        call.status = 200
        return web.Response(
            body=orjson.dumps(result), content_type="application/json", headers=self._headers(call)
        )

    async def _client_reply(self, call: Call, plan: Plan, upstream: aiohttp.ClientResponse) -> Body:
        """The upstream's one-body reply, checked against its schema and converted to
        the client's format (kept for previous_response_id where that applies)."""
        reply = await self._reply_json(call, upstream)
        source = plan.upstream.format
        call.usage = wire.usage_of(source, reply)
        try:
            if source == call.client:
                validate(SCHEMA_IDS[(source, "response")], reply)
                result = reply
            else:
                conversion = run(source, call.client, "response", reply, plan.options)
                result = conversion.result
                call.lost(conversion.loss)
        except ConversionError as err:
            raise Refusal(
                502, f"the upstream reply cannot be converted: {err}", kind="upstream"
            ) from None
        self._remember(plan, result)
        return result

    async def _reply_json(self, call: Call, upstream: aiohttp.ClientResponse) -> Body:
        raw = await upstream.read()
        try:
            reply = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise Refusal(502, "the upstream's reply is not JSON", kind="upstream") from None
        if not isinstance(reply, dict):
            raise Refusal(502, "the upstream's reply is not a JSON object", kind="upstream")
        return reply

    async def _accumulated(
        self, call: Call, plan: Plan, upstream: aiohttp.ClientResponse
    ) -> web.Response:
        """A non-streaming client in front of an upstream that streamed."""
        reads = relay.Reads(upstream, plan.upstream.read_timeout)
        try:
            chunks = [chunk async for chunk in reads]
        finally:
            reads.close()
        result = accumulate(plan.upstream.format, call.client, chunks, plan.options)
        if result.error is not None:
            call.error = "stream"
            return self._envelope_response(call, result.error)
        call.lost(result.loss)
        call.usage = wire.usage_of(call.client, result.response)
        self._remember(plan, result.response)
        call.status = 200
        return web.Response(
            body=orjson.dumps(result.response),
            content_type="application/json",
            headers=self._headers(call),
        )

    async def _synthesized(
        self, request: web.Request, call: Call, plan: Plan, upstream: aiohttp.ClientResponse
    ) -> web.StreamResponse:
        """A streaming client in front of an upstream that answered with one body."""
        result = await self._client_reply(call, plan, upstream)
        data = stream_of(call.client, result, plan.options, include_usage=plan.include_usage)
        response = await self._start_stream(request, call)
        try:
            await relay.send(response, data)
            await response.write_eof()
        except (relay.ClientGone, ConnectionResetError):
            call.status, call.error = 499, "disconnected"
        return response

    async def _start_stream(self, request: web.Request, call: Call) -> web.StreamResponse:
        response = web.StreamResponse(status=200, headers={**SSE_HEADERS, **self._headers(call)})
        await response.prepare(request)
        call.status = 200
        return response

    async def _relay(
        self, request: web.Request, call: Call, plan: Plan, upstream: aiohttp.ClientResponse
    ) -> web.StreamResponse:
        """An upstream stream to a streaming client, each event translated as soon as it
        is complete. Writing awaits the client (backpressure: a slow client slows the
        upstream read, nothing piles up here)."""
        response = await self._start_stream(request, call)
        self.metrics.open_streams += 1
        reads = relay.Reads(upstream, plan.upstream.read_timeout)
        try:
            if plan.upstream.format == call.client:
                await relay.pass_through(call, reads, response)
            else:
                translator = Translator(
                    plan.upstream.format,
                    call.client,
                    plan.options,
                    include_usage=plan.include_usage,
                )
                await relay.translate(call, translator, reads, response)
                self._remember(plan, translator.final)
                # Before the client's end: a client that has its whole answer hangs up,
                # which would cancel this handler and cut the upstream connection.
                await relay.drain(upstream, reads)
            await response.write_eof()
        except (relay.ClientGone, ConnectionResetError):
            # The client went away: leaving the upstream's `async with` closes its
            # connection, which cancels the generation there.
            call.status, call.error = 499, "disconnected"
        except Exception:
            # A bug met after the stream's headers went out: the stream ends as its
            # format ends a failure (a second response here would corrupt it).
            log.exception("internal error in request %s", call.request_id)
            call.error = "internal"
            await relay.end_with_error(call, response)
        finally:
            reads.close()
            self.metrics.open_streams -= 1
        return response


def with_stream(fmt: Format, body: Body, stream: bool, *, passthrough: bool) -> Body:
    """`body` asking its upstream for a stream or not. A translated Chat stream asks for
    the usage chunk, which the client's own format reports at its end whatever the
    client asked; a Chat request passed through keeps the client's own choice."""
    body = {**body}
    if stream:
        body["stream"] = True
        if fmt == "chat" and not passthrough:
            options = body.get("stream_options")
            options = {**options} if isinstance(options, Mapping) else {}
            options["include_usage"] = True
            body["stream_options"] = options
    else:
        body.pop("stream", None)
        body.pop("stream_options", None)
    return body


async def read_body(request: web.Request, limit: int) -> Body:
    """The client's JSON body, or a Refusal naming what is wrong with it."""
    too_large = Refusal(413, f"the request body is larger than {limit} bytes", kind="client")
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large from None
    if len(raw) > limit:
        raise too_large
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise Refusal(400, f"the request body is not valid JSON: {err}", kind="client") from None
    if not isinstance(body, dict):
        raise Refusal(400, "/: the request body must be a JSON object", param="/", kind="client")
    return body


def _message_of(body: Any, raw: bytes, status: int) -> str:
    """The message an upstream error carried, in whichever shape it came."""
    if isinstance(body, dict):
        error = body.get("error")
        for found in (
            error.get("message") if isinstance(error, dict) else error,
            body.get("message"),
            body.get("detail"),
        ):
            if isinstance(found, str) and found:
                return found
    text = raw[:500].decode("utf-8", "replace").strip()
    return f"the upstream answered {status}" + (f": {text}" if text else "")


__all__ = ["Exchange", "Refusal", "read_body", "with_stream"]
