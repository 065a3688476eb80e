"""The aiohttp application: routes, the endpoints that are not calls (models, health,
metrics, the root a client preconnects to), the log format, and `serve`.

A path the proxy does not serve still answers in the format the client speaks: a
client that sent `anthropic-version` gets Anthropic's error shape, any other OpenAI's.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from aiohttp import web

from crosswalk import __version__
from crosswalk.proxy import wire
from crosswalk.proxy.call import Call
from crosswalk.proxy.config import Config, Format, Upstream
from crosswalk.proxy.exchange import KEY_REQUIRED, Exchange
from crosswalk.proxy.metrics import Metrics, Snapshot
from crosswalk.proxy.workers import Worker, listening_socket, supervise

log = logging.getLogger("crosswalk.proxy")
EXCHANGE = web.AppKey("exchange", Exchange)
WORKER: web.AppKey[Worker | None] = web.AppKey("worker")
WORKER_METRICS = "/metrics/worker"  # one worker's own counts, on its Unix socket only
PEER_TIMEOUT = 2.0
MODELS_TIMEOUT = 5.0
BACKLOG = 4096


def client_format(request: web.Request) -> Format:
    """Which API a request that is not a call speaks, by its headers: Anthropic's
    clients always send `anthropic-version`."""
    return "anthropic" if "anthropic-version" in request.headers else "chat"


def make_app(config: Config, worker: Worker | None = None) -> web.Application:
    """The proxy's application; `worker` says which of several processes serves it."""
    metrics = Metrics()
    exchange = Exchange(config, metrics)
    # The body limit is checked by the exchange, which answers in the client's format;
    # aiohttp's own limit is set above it so that it never answers first.
    app = web.Application(
        client_max_size=config.max_body_bytes + 1, middlewares=[_unserved_in_client_format]
    )
    app[EXCHANGE] = exchange
    app[WORKER] = worker

    async def open_sessions(app: web.Application) -> None:
        await exchange.open()

    async def close_sessions(app: web.Application) -> None:
        await exchange.close()

    app.on_startup.append(open_sessions)
    app.on_cleanup.append(close_sessions)

    def call(fmt: Format) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handler(request: web.Request) -> web.StreamResponse:
            return await exchange.handle(request, fmt)

        return handler

    for path, fmt in wire.CLIENT_PATHS.items():
        app.router.add_post(path, call(fmt))
    app.router.add_post("/v1/messages/count_tokens", exchange.count_tokens)
    app.router.add_get("/v1/responses/{response_id}", exchange.stored)
    app.router.add_delete("/v1/responses/{response_id}", exchange.stored)
    app.router.add_get("/v1/models", _models)
    app.router.add_get("/healthz", _health)
    app.router.add_get("/metrics", _metrics)
    if worker is not None:
        app.router.add_get(WORKER_METRICS, _worker_metrics)
    app.router.add_get("/", _root)  # GET also answers HEAD (Claude Code's preconnect)
    return app


@web.middleware
async def _unserved_in_client_format(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        fmt = client_format(request)
        message = f"{request.method} {request.path}: {exc.reason.lower()}"
        if exc.status == 405:
            message += f" (allowed: {exc.headers.get('Allow', '')})"
        envelope = wire.error_envelope(fmt, exc.status, message)
        return web.Response(
            status=exc.status, body=orjson.dumps(envelope["body"]), content_type="application/json"
        )


async def _root(request: web.Request) -> web.Response:
    return web.json_response({"name": "crosswalk", "version": __version__})


async def _health(request: web.Request) -> web.Response:
    exchange = request.app[EXCHANGE]
    upstreams = [{"name": u.name, "format": u.format} for u in exchange.config.upstreams]
    body: dict[str, Any] = {"status": "ok", "upstreams": upstreams}
    worker = request.app[WORKER]
    if worker is not None:
        body["worker"] = worker.index
    return web.json_response(body)


async def _metrics(request: web.Request) -> web.Response:
    exchange = request.app[EXCHANGE]
    metrics, reporting = exchange.metrics, 1
    worker = request.app[WORKER]
    if worker is not None:
        metrics = Metrics()
        metrics.absorb(exchange.metrics.snapshot())
        for snapshot in await asyncio.gather(*(_peer_metrics(p) for p in worker.others())):
            if snapshot is not None:
                metrics.absorb(snapshot)
                reporting += 1
    return web.Response(
        text=metrics.render(reporting), content_type="text/plain", charset="utf-8",
        headers={"x-prometheus-format": "0.0.4"},
    )  # fmt: skip


async def _peer_metrics(path: Path) -> Snapshot | None:
    """Another worker's counts; None from one that is not answering (restarting)."""
    try:
        async with (
            aiohttp.ClientSession(
                connector=aiohttp.UnixConnector(path=str(path)),
                timeout=aiohttp.ClientTimeout(total=PEER_TIMEOUT),
            ) as session,
            session.get("http://worker" + WORKER_METRICS) as reply,
        ):
            snapshot: Snapshot = await reply.json()
            return snapshot
    except (OSError, TimeoutError, aiohttp.ClientError, ValueError) as err:
        log.warning("worker metrics at %s unavailable: %s", path, err or type(err).__name__)
        return None


async def _worker_metrics(request: web.Request) -> web.Response:
    """This worker's counts, for the worker being scraped; not served over TCP."""
    if request.transport is None or isinstance(request.transport.get_extra_info("sockname"), tuple):
        raise web.HTTPNotFound()
    return web.json_response(request.app[EXCHANGE].metrics.snapshot())


async def _models(request: web.Request) -> web.StreamResponse:
    """`GET /v1/models` in the shape of the client's API: the names routes give, then
    what each upstream lists (asked for at once, each allowed MODELS_TIMEOUT seconds; an
    upstream that does not answer is left out and logged)."""
    exchange = request.app[EXCHANGE]
    fmt = client_format(request)
    call = Call(fmt, request.path)
    if not exchange.authorized(request):
        call.error = "auth"
        return exchange.error_response(call, 401, KEY_REQUIRED)
    names: dict[str, str] = {}
    for route in exchange.config.routes:
        if not any(ch in route.model for ch in "*?["):
            names.setdefault(route.model, route.upstream)
    listed = await asyncio.gather(
        *(_upstream_models(exchange, u, request) for u in exchange.config.upstreams)
    )
    for upstream, ids in zip(exchange.config.upstreams, listed, strict=True):
        for model in ids:
            names.setdefault(model, upstream.name)
    if fmt == "anthropic":
        data = [
            {"type": "model", "id": m, "display_name": m, "created_at": "1970-01-01T00:00:00Z"}
            for m in names
        ]
        body: dict[str, Any] = {
            "data": data,
            "has_more": False,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }
    else:
        body = {
            "object": "list",
            "data": [{"id": m, "object": "model", "created": 0, "owned_by": u} for m, u in names.items()],
        }  # fmt: skip
    return web.json_response(body)


async def _upstream_models(
    exchange: Exchange, upstream: Upstream, request: web.Request
) -> list[str]:
    session = exchange.sessions.get(upstream.name)
    if session is None:
        return []
    path = "/v1/models" if upstream.format == "anthropic" else "/models"
    fmt = client_format(request)
    headers = wire.upstream_headers(
        upstream,
        client_format=fmt,
        client_headers=request.headers,
        # A client's own key goes only to an upstream of its own API: the one it meant.
        passed_key=exchange.passed_key(request) if upstream.format == fmt else None,
        body={},
        stream=False,
    )
    try:
        async with session.get(
            upstream.base_url + path,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=MODELS_TIMEOUT),
        ) as reply:
            if reply.status != 200:
                log.info("upstream %s: GET %s answered %s", upstream.name, path, reply.status)
                return []
            listed = await reply.json(content_type=None)
    except (TimeoutError, aiohttp.ClientError, ValueError) as err:
        log.info("upstream %s: GET %s failed: %s", upstream.name, path, err or type(err).__name__)
        return []
    data = listed.get("data") if isinstance(listed, dict) else None
    return [m["id"] for m in data or () if isinstance(m, dict) and isinstance(m.get("id"), str)]


class JsonLines(logging.Formatter):
    """One JSON object per line: a call's record (Call.log_record) or a message; with
    several workers, each line says which one wrote it."""

    worker: int | None = None

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
        }
        if self.worker is not None:
            line["worker"] = self.worker
        call = getattr(record, "call", None)
        if isinstance(call, dict):
            line.update(call)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level: int = logging.INFO, worker: int | None = None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    formatter = JsonLines()
    formatter.worker = worker
    handler.setFormatter(formatter)
    logger = logging.getLogger("crosswalk")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False
    # aiohttp's own complaints (a malformed request line, a handler it had to cancel)
    # in the same one-line JSON, not as bare tracebacks between the call lines.
    server = logging.getLogger("aiohttp")
    server.handlers[:] = [handler]
    server.setLevel(logging.WARNING)
    server.propagate = False


def describe(config: Config) -> str:
    """What a started proxy serves, for its first log line (never a key)."""
    if not config.upstreams:
        return "no upstream configured: calls are answered with an error"
    return "; ".join(f"{u.name} ({u.format}) at {u.base_url}" for u in config.upstreams)


def settle_heap() -> None:
    """Everything built at startup (the generated modules, the validators and converters
    `Exchange.warm` compiled, ~80k objects) lives as long as the process: taking it out
    of the cyclic collector's view spares every full collection under load the ~45 ms it
    spent walking them, which was the proxy's p99 latency. Garbage from calls is still
    collected as before. Before a fork, it also keeps the collector from copying those
    pages into every worker."""
    gc.collect()
    gc.freeze()


async def _settle_heap(app: web.Application) -> None:
    settle_heap()


def serve(config: Config) -> None:
    """Run the proxy until interrupted: in this process, or in `config.workers` worker
    processes sharing the port (workers.py)."""
    configure_logging()
    log.info("crosswalk %s on http://%s:%s: %s", __version__, config.host, config.port,
             describe(config))  # fmt: skip
    if config.workers == 1:
        _run(
            make_app(config), sock=listening_socket(config.host, config.port, BACKLOG, shared=False)
        )
        return

    def run_worker(worker: Worker, sock: socket.socket) -> None:
        configure_logging(worker=worker.index)
        _run(make_app(config, worker), sock=sock, path=worker.socket_path)

    # Warmed and settled once, before the fork: the workers share those pages instead of
    # each compiling its own validators and converters.
    Exchange(config, Metrics()).warm()
    settle_heap()
    supervise(config.host, config.port, config.workers, BACKLOG, run_worker)


def _run(app: web.Application, sock: socket.socket, path: Path | None = None) -> None:
    app.on_startup.append(_settle_heap)  # last: after the exchange has warmed up
    web.run_app(
        app,
        sock=sock,
        path=None if path is None else str(path),
        access_log=None,  # each call has its own structured line
        # Room for a burst of connections (agents start many sessions at once): with
        # the default 128, the kernel drops the rest of a burst's SYNs, and each of those
        # clients waits a whole second to retry.
        backlog=BACKLOG,
        print=None,
        handler_cancellation=True,  # a client that disconnects cancels its upstream call
    )
