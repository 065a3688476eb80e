"""Stream translation speed and memory of crosswalk, against a parse floor and two peers.

A script, not a test: timings depend on the machine, so nothing here asserts; it prints
markdown tables to read next to the targets in its header. Run it with `make bench`, which
installs the optional peers (llm-rosetta, LiteLLM) into their own venv; `--quick` is a smoke
run, `--only speed` or `--only memory` one section.

Speed: a long reply (a thinking block, a text block and a tool call, ~10k events) is written
once as an Anthropic Message, converted by crosswalk to the other two formats, and streamed in
each format by crosswalk's own writers with every delta cut into 4-8 characters, the size of
real token deltas. Each direction translates the whole stream, fed in 1-4 kB network reads,
and reports µs per *source* event: the cost a proxy pays per upstream event. The floor is what
any translator pays before translating: SSE parsing and `orjson.loads` of every event. Peers
run in the same process on the same bytes, from their own SSE/line parsing up to the SSE text
they would send to the client, because that whole path is what a proxy runs per event.

Memory: a stream must be translated in memory independent of its length, except for the
content it accumulates (the final reply is converted at the end, so the content is kept).
Two series say whether that holds: the same content cut into more and more events (the peak
should not move), and content growing with the stream (the peak should stay a fixed multiple
of the content).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import datetime
import gc
import importlib
import importlib.metadata
import json
import logging
import os
import platform
import random
import statistics
import time
import tracemalloc
import warnings
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import orjson

from crosswalk.convert import run as convert
from crosswalk.sse import SSEParser
from crosswalk.stream import Translator, synthesize
from crosswalk.transforms import Options

# LiteLLM fetches a model price map over the network at import unless told not to.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

TARGETS = (
    "≤ 5 µs per source event; memory independent of stream length beyond the accumulated content"
)
FORMATS = ("anthropic", "chat", "responses")
# Table order: by source format, then target.
DIRECTIONS = tuple((s, t) for s in FORMATS for t in FORMATS if s != t)
# One direction out of each source format: the memory section's --quick set.
MEMORY_QUICK = (("anthropic", "chat"), ("chat", "anthropic"), ("responses", "anthropic"))
SECTIONS = ("speed", "memory")
# The speed stream's content, in characters: ~10k deltas of 4-8 characters.
LONG_CONTENT = 60_000
DELTA = (4, 8)
NETWORK_READ = (1024, 4096)
# The warm-up stream: short, so that a slow peer's one-time costs (lazy imports, caches)
# are paid before the timed runs without doubling the run.
WARM_CONTENT = 1_200
MEMORY_EVENTS = (1_000, 5_000, 10_000, 20_000)
WORDS = (
    "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "the",
    "compiler", "checks", "every", "module", "for", "unused", "imports;", "it", "returns",
    "0", "or", "is", "read", 'print("ok")', '{"path": "src/app.py"}', "done.\n",
)  # fmt: skip
# Reply metadata a stream carries besides its content.
SIGNATURE = "RXVkZXRlcm1pbmlzdGljIHNpZ25hdHVyZSBmb3IgYSBiZW5jaG1hcms=" * 4

Body = dict[str, Any]
# A stream translation as timed: the source's network reads in, the client's SSE bytes out.
Run = Callable[[list[bytes]], list[bytes]]


# -- streams ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    """What a reply says: thinking, answer text and a tool call's input."""

    thinking: str
    text: str
    tool_input: Body

    @property
    def size(self) -> int:
        """Bytes of content a stream of it accumulates (UTF-8, tool input as JSON)."""
        return (
            len(self.thinking.encode())
            + len(self.text.encode())
            + len(orjson.dumps(self.tool_input))
        )


def prose(chars: int, rng: random.Random) -> str:
    """`chars` characters of word salad with the quotes, braces and newlines of real output."""
    words: list[str] = []
    size = 0
    while size < chars:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
    return " ".join(words)[:chars]


def content(chars: int, seed: int = 7) -> Content:
    """About `chars` characters: a third thinking, half text, a sixth tool input."""
    rng = random.Random(seed)
    return Content(
        thinking=prose(chars // 3, rng),
        text=prose(chars // 2, rng),
        tool_input={"path": "src/app.py", "patch": prose(chars // 6 - 32, rng)},
    )


def anthropic_reply(said: Content) -> Body:
    """An Anthropic Message with `said` as a thinking block, a text block and a tool_use."""
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [
            {"type": "thinking", "thinking": said.thinking, "signature": SIGNATURE},
            {"type": "text", "text": said.text},
            {
                "type": "tool_use",
                "id": "toolu_01A09q90qw90lq917835lq9",
                "name": "apply_patch",
                "input": said.tool_input,
            },
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 12,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 21504,
            "output_tokens": 15000,
        },
    }


def replies(said: Content) -> dict[str, Body]:
    """The reply in every format: the Anthropic Message and crosswalk's conversions of it."""
    message = anthropic_reply(said)
    bodies = {"anthropic": message}
    for fmt in FORMATS[1:]:
        bodies[fmt] = convert("anthropic", fmt, "response", message, check_input=False).result
    return bodies


def source_stream(fmt: str, body: Body, piece: Callable[[], int]) -> bytes:
    """`body` streamed in its own format by crosswalk's writer, deltas cut by `piece`."""
    stream, _ = synthesize(fmt, fmt, body, Options(now=1_700_000_000), piece=piece)
    return stream


def network_reads(data: bytes, seed: int = 11) -> list[bytes]:
    """`data` as a socket delivers it: reads of 1-4 kB, cut anywhere (mid-event, mid-UTF-8)."""
    rng = random.Random(seed)
    reads: list[bytes] = []
    at = 0
    while at < len(data):
        size = rng.randint(*NETWORK_READ)
        reads.append(data[at : at + size])
        at += size
    return reads


def count_events(data: bytes) -> int:
    parser = SSEParser()
    return len(parser.feed(data))


@dataclass(frozen=True)
class Stream:
    """One source stream, ready to feed: its bytes, its network reads and its event count."""

    fmt: str
    data: bytes
    reads: list[bytes]
    events: int


def streams(said: Content, piece: Callable[[], int]) -> dict[str, Stream]:
    """`said` streamed in each format, by source format."""
    out: dict[str, Stream] = {}
    for fmt, body in replies(said).items():
        data = source_stream(fmt, body, piece)
        out[fmt] = Stream(fmt, data, network_reads(data), count_events(data))
    return out


def random_piece(seed: int = 1) -> Callable[[], int]:
    rng = random.Random(seed)
    return lambda: rng.randint(*DELTA)


def fixed_piece(size: int) -> Callable[[], int]:
    return lambda: size


def client_requests() -> dict[str, Body]:
    """The request the reply answers, in each client format (peers stream in its context).

    llm-rosetta converts a stream with the pipeline that converted its request, and
    LiteLLM's Responses bridge echoes the request's tools; both get this one, written as a
    Chat request and converted by crosswalk.
    """
    chat: Body = {
        "model": "claude-sonnet-4-5",
        "messages": [
            {"role": "system", "content": "You are a careful coding assistant."},
            {"role": "user", "content": "Fix the failing import in src/app.py."},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "apply_patch",
                    "description": "Apply a patch to a file in the workspace",
                    "parameters": {
                        "type": "object",
                        "properties": {"path": {"type": "string"}, "patch": {"type": "string"}},
                        "required": ["path", "patch"],
                    },
                },
            }
        ],
        "max_completion_tokens": 16000,
        "stream": True,
    }
    requests = {"chat": chat}
    for fmt in ("anthropic", "responses"):
        requests[fmt] = convert("chat", fmt, "request", chat, check_input=False).result
    return requests


# -- what is timed -----------------------------------------------------------------------


def crosswalk_run(source: str, target: str) -> Run:
    """crosswalk's `Translator`, fed read by read, as a proxy feeds it."""

    def run(reads: list[bytes]) -> list[bytes]:
        translator = Translator(source, target)
        out = [translator.feed(read) for read in reads]
        out.append(translator.close())
        return out

    return run


def floor_run(reads: list[bytes]) -> list[bytes]:
    """SSE parsing and `orjson.loads` of every event: what any translator pays first."""
    parser = SSEParser()
    for read in reads:
        for event in parser.feed(read):
            if event.data != "[DONE]":
                orjson.loads(event.data)
    parser.close()
    return []


def peer_module(name: str) -> Any:
    """Import a peer's module by name.

    The peers are installed only in `.venv-bench`, while `make lint` type-checks this script
    in `.venv`, where they are absent: imported by name, they type as `Any` there and here
    alike, and a missing peer is an ImportError the factory turns into a note.
    """
    return importlib.import_module(name)


@dataclass
class Peer:
    """A peer's stream translations by direction, or why it is unavailable."""

    name: str
    runs: dict[tuple[str, str], Run] = field(default_factory=dict)
    missing: str = ""
    notes: list[str] = field(default_factory=list)


ROSETTA_NAMES = {"chat": "openai_chat", "anthropic": "anthropic", "responses": "openai_responses"}


def rosetta_lines(reads: list[bytes]) -> Iterator[str]:
    """Lines of the body as llm-rosetta's vendored HTTP client yields them (`aiter_lines`)."""
    buf = b""
    for read in reads:
        buf += read
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield line.rstrip(b"\r").decode("utf-8", errors="replace")
    if buf:
        yield buf.rstrip(b"\r").decode("utf-8", errors="replace")


def llm_rosetta_peer(requests: Mapping[str, Body]) -> Peer:
    """llm-rosetta: its gateway's streaming path, all six directions.

    The gateway builds a `ConversionPipeline(client, upstream)`, converts the request, and
    for a streamed reply runs each upstream event through `pipeline.create_stream_processor()`
    `.process_chunk(json.loads(data))`, then formats every client event with
    `SSE_FORMATTERS[client]` (and ends Chat and Responses streams with `data: [DONE]`). The
    upstream's SSE is parsed by its vendored `EventSource` over its HTTP client's lines, as
    its transport does. The pipeline and its request conversion are set up once, outside the
    timing; the stream processor is made per stream, inside it.
    """
    try:
        rosetta = peer_module("llm_rosetta")
        event_source = peer_module("llm_rosetta._vendor.sse").EventSource
        sse_format = peer_module("llm_rosetta.gateway.transport.sse_format")
    except ImportError:
        return Peer("llm-rosetta", missing="not installed")
    peer = Peer("llm-rosetta")
    done = sse_format.format_sse_done().encode()

    def direction(source: str, target: str) -> Run:
        client, upstream = ROSETTA_NAMES[target], ROSETTA_NAMES[source]
        pipeline = rosetta.ConversionPipeline(
            client,
            upstream,
            source_shim=rosetta.get_shim(client),
            target_shim=rosetta.get_shim(upstream),
        )
        pipeline.convert_request(copy.deepcopy(requests[target]))
        formatter = sse_format.SSE_FORMATTERS[client]
        is_error = sse_format.is_upstream_error_chunk

        def run(reads: list[bytes]) -> list[bytes]:
            processor = pipeline.create_stream_processor()
            out: list[bytes] = []
            for event in event_source(rosetta_lines(reads)):
                if event.data == "[DONE]":
                    break
                chunk = json.loads(event.data)
                if is_error(chunk):
                    break
                out.extend(formatter(item).encode() for item in processor.process_chunk(chunk))
            if client != "anthropic":
                out.append(done)
            return out

        return run

    for source, target in DIRECTIONS:
        try:
            peer.runs[(source, target)] = direction(source, target)
        except Exception as exc:
            peer.notes.append(
                f"llm-rosetta {source} → {target}: pipeline not set up: {type(exc).__name__}"
            )
    peer.notes.append(
        "llm-rosetta: its gateway's path, `ConversionPipeline(client, upstream)` + "
        "`convert_request` once, then per stream `create_stream_processor().process_chunk"
        "(json.loads(data))` for each event parsed by its vendored `EventSource`, each client "
        "event formatted by `SSE_FORMATTERS[client]`; all six directions."
    )
    return peer


class LiteLLMStreams:
    """LiteLLM's streaming path for each direction, chained as `litellm.acompletion` /
    `aresponses` and its `/v1/messages` and `/v1/responses` adapters chain it, driven by
    asyncio as its proxy drives it.

    Upstream bytes arrive as an `httpx.Response` over the network reads, which is what
    LiteLLM's HTTP handler hands its parsers:
    - Anthropic upstream: `ModelResponseIterator(response.aiter_lines())`, in a
      `CustomStreamWrapper(custom_llm_provider="anthropic")` (what `acompletion` returns).
    - Chat upstream: `HostedVLLMChatConfig.get_model_response_iterator` (LiteLLM's parser for
      OpenAI-compatible servers on its HTTP handler, `OpenAIChatCompletionStreamingHandler`)
      in a `CustomStreamWrapper(custom_llm_provider="hosted_vllm")`.
    - Responses upstream: `ResponsesAPIStreamingIterator` (`aresponses`' iterator, with
      `OpenAIResponsesAPIConfig`); for a Chat client its completion bridge's
      `OpenAiResponsesToChatCompletionStreamIterator` in a `CustomStreamWrapper`.
    Then to the client: Chat chunks serialised as `data: chunk.model_dump_json(
    exclude_none=True, exclude_unset=True)` + `data: [DONE]` (the proxy's serializer; its
    fast path for plain-text chunks lives in `litellm.proxy`, not installed here); Responses
    events through `LiteLLMCompletionStreamingIterator` and the same serializer; Anthropic
    events through `AnthropicStreamWrapper` (or, from a Responses upstream,
    `AnthropicResponsesStreamWrapper`) `.async_anthropic_sse_wrapper()`.

    Streaming logging callbacks are off (`litellm.disable_streaming_logging`) and LiteLLM's
    loggers at ERROR, which if anything flatters LiteLLM. Tasks LiteLLM schedules at the end
    of a stream (its streaming-response cache hook) are awaited inside the timing.
    """

    MODELS: ClassVar[dict[str, str]] = {
        "anthropic": "claude-sonnet-4-5",
        "chat": "gpt-4o",
        "responses": "gpt-5",
    }

    def __init__(self, responses_request: Body) -> None:
        litellm = peer_module("litellm")
        litellm.disable_streaming_logging = True
        litellm.suppress_debug_info = True
        logging.getLogger("LiteLLM").setLevel(logging.ERROR)
        self.httpx = peer_module("httpx")
        self.logging_cls = peer_module("litellm.litellm_core_utils.litellm_logging").Logging
        self.wrapper_cls = peer_module(
            "litellm.litellm_core_utils.streaming_handler"
        ).CustomStreamWrapper
        self.anthropic_iterator = peer_module(
            "litellm.llms.anthropic.chat.handler"
        ).ModelResponseIterator
        self.chat_config = peer_module(
            "litellm.llms.hosted_vllm.chat.transformation"
        ).HostedVLLMChatConfig()
        self.responses_config = peer_module(
            "litellm.llms.openai.responses.transformation"
        ).OpenAIResponsesAPIConfig()
        self.responses_iterator = peer_module(
            "litellm.responses.streaming_iterator"
        ).ResponsesAPIStreamingIterator
        self.responses_bridge = peer_module(
            "litellm.completion_extras.litellm_responses_transformation.transformation"
        ).LiteLLMResponsesTransformationHandler()
        self.to_anthropic = peer_module(
            "litellm.llms.anthropic.pass_through.adapters.streaming_iterator"
        ).AnthropicStreamWrapper
        self.responses_to_anthropic = peer_module(
            "litellm.llms.anthropic.pass_through.responses_adapters.streaming_iterator"
        ).AnthropicResponsesStreamWrapper
        self.to_responses = peer_module(
            "litellm.responses.litellm_completion_transformation.streaming_iterator"
        ).LiteLLMCompletionStreamingIterator
        self.request_input = responses_request.get("input", [])
        self.request_params = {
            k: v for k, v in responses_request.items() if k not in ("model", "input")
        }
        self.loop = asyncio.new_event_loop()

    def runs(self) -> dict[tuple[str, str], Run]:
        return {(source, target): self.run(source, target) for source, target in DIRECTIONS}

    def run(self, source: str, target: str) -> Run:
        def run(reads: list[bytes]) -> list[bytes]:
            return self.loop.run_until_complete(self._translate(source, target, reads))

        return run

    async def _translate(self, source: str, target: str, reads: list[bytes]) -> list[bytes]:
        log = self.logging_cls(
            model=self.MODELS[source],
            messages=[{"role": "user", "content": "Fix the failing import in src/app.py."}],
            stream=True,
            call_type="acompletion",
            start_time=datetime.datetime.now(),
            litellm_call_id="bench",
            function_id="bench",
        )
        out: list[bytes] = []
        if target == "anthropic":
            if source == "responses":
                adapter = self.responses_to_anthropic(
                    self._responses_events(source, reads, log), self.MODELS[source]
                )
            else:
                adapter = self.to_anthropic(
                    self._chat_chunks(source, reads, log), self.MODELS[source]
                )
            async for frame in adapter.async_anthropic_sse_wrapper():
                out.append(frame)
        else:
            items = self._chat_chunks(source, reads, log)
            if target == "responses":
                items = self.to_responses(
                    model=self.MODELS[source],
                    litellm_custom_stream_wrapper=items,
                    request_input=self.request_input,
                    responses_api_request=self.request_params,
                    custom_llm_provider=source,
                )
            async for item in items:
                data = item.model_dump_json(exclude_none=True, exclude_unset=True)
                out.append(b"data: " + data.encode() + b"\n\n")
            out.append(b"data: [DONE]\n\n")
        pending = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        await asyncio.gather(*pending, return_exceptions=True)
        return out

    def _response(self, reads: list[bytes]) -> Any:
        async def body() -> AsyncIterator[bytes]:
            for read in reads:
                yield read

        return self.httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=body()
        )

    def _responses_events(self, source: str, reads: list[bytes], log: Any) -> Any:
        return self.responses_iterator(
            self._response(reads),
            self.MODELS[source],
            self.responses_config,
            log,
            custom_llm_provider="openai",
        )

    def _chat_chunks(self, source: str, reads: list[bytes], log: Any) -> Any:
        if source == "anthropic":
            parser = self.anthropic_iterator(self._response(reads).aiter_lines(), sync_stream=False)
            provider = "anthropic"
        elif source == "chat":
            parser = self.chat_config.get_model_response_iterator(
                self._response(reads).aiter_lines(), sync_stream=False
            )
            provider = "hosted_vllm"
        else:
            parser = self.responses_bridge.get_model_response_iterator(
                self._responses_events(source, reads, log), sync_stream=False
            )
            provider = "openai"
        return self.wrapper_cls(
            completion_stream=parser,
            model=self.MODELS[source],
            custom_llm_provider=provider,
            logging_obj=log,
        )


def litellm_peer(requests: Mapping[str, Body]) -> Peer:
    """LiteLLM: all six directions, each through the chain its SDK and proxy run."""
    try:
        runs = LiteLLMStreams(requests["responses"]).runs()
    except ImportError:
        return Peer("LiteLLM", missing="not installed")
    notes = [
        "LiteLLM (asyncio, as its proxy runs): upstream bytes as an `httpx.Response`; "
        "anthropic upstream `anthropic.chat.handler.ModelResponseIterator(aiter_lines())`, "
        "chat upstream `HostedVLLMChatConfig.get_model_response_iterator` "
        "(`OpenAIChatCompletionStreamingHandler`), each in a `CustomStreamWrapper`; "
        "responses upstream `ResponsesAPIStreamingIterator` (+ `OpenAiResponsesToChat"
        "CompletionStreamIterator` in a `CustomStreamWrapper` for a chat client). "
        "To chat: `model_dump_json(exclude_none=True, exclude_unset=True)` per chunk + "
        "`[DONE]`; to responses: `LiteLLMCompletionStreamingIterator`, same serializer; "
        "to anthropic: `AnthropicStreamWrapper` (from responses `AnthropicResponsesStream"
        "Wrapper`) `.async_anthropic_sse_wrapper()`. anthropic → responses has no direct "
        "path: it goes through Chat chunks, as in LiteLLM. Streaming logging off "
        "(`litellm.disable_streaming_logging`), which flatters LiteLLM.",
    ]
    return Peer("LiteLLM", runs, notes=notes)


# -- measuring -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    seconds: float  # median of the runs
    runs: int
    output: bytes  # the last run's client stream


def measure(run: Run, stream: Stream, warm: Stream, args: argparse.Namespace) -> Timing:
    """Median seconds of whole-stream runs after a warm-up on a short stream.

    Up to `--repeat` runs, stopping early once `--budget` seconds are spent (at least one
    run): a slow peer gets fewer runs, not a longer benchmark. The garbage collector stays
    on: a long stream's allocations are part of its cost.
    """
    run(warm.reads)
    times: list[float] = []
    output: list[bytes] = []
    started = time.perf_counter()
    while len(times) < args.repeat:
        t0 = time.perf_counter()
        output = run(stream.reads)
        times.append(time.perf_counter() - t0)
        if time.perf_counter() - started >= args.budget:
            break
    return Timing(statistics.median(times), len(times), b"".join(output))


def streamed(fmt: str, data: bytes) -> tuple[str, str, str]:
    """The text, reasoning and tool arguments a client of `fmt` reads from the deltas."""
    text: list[str] = []
    reasoning: list[str] = []
    args: list[str] = []
    parser = SSEParser()
    for event in [*parser.feed(data), *parser.feed(b"\n\n")]:
        if event.data == "[DONE]":
            continue
        body = orjson.loads(event.data)
        if not isinstance(body, dict):
            continue
        kind = body.get("type", event.event)
        if fmt == "anthropic" and kind == "content_block_delta":
            delta = body["delta"]
            text.append(delta.get("text") or "")
            reasoning.append(delta.get("thinking") or "")
            args.append(delta.get("partial_json") or "")
        elif fmt == "chat":
            for choice in body.get("choices") or ():
                delta = choice.get("delta") or {}
                text.append(delta.get("content") or "")
                reasoning.append(delta.get("reasoning_content") or "")
                for call in delta.get("tool_calls") or ():
                    args.append((call.get("function") or {}).get("arguments") or "")
        elif fmt == "responses":
            delta_text = str(body.get("delta") or "")
            if kind == "response.output_text.delta":
                text.append(delta_text)
            elif kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
                reasoning.append(delta_text)
            elif kind in (
                "response.function_call_arguments.delta",
                "response.custom_tool_call_input.delta",
            ):
                args.append(delta_text)
    return "".join(text), "".join(reasoning), "".join(args)


def content_problem(fmt: str, output: bytes, said: Content) -> str:
    """What a client would miss in `output`, or "" when every delta arrived intact."""
    try:
        text, reasoning, args = streamed(fmt, output)
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        return f"its output does not parse as {fmt} SSE ({type(exc).__name__})"
    problems = []
    if text != said.text:
        problems.append(f"text {len(text):,}/{len(said.text):,} chars")
    if reasoning != said.thinking:
        problems.append(f"reasoning {len(reasoning):,}/{len(said.thinking):,} chars")
    try:
        same_args = orjson.loads(args) == said.tool_input
    except orjson.JSONDecodeError:
        same_args = False
    if not same_args:
        problems.append(f"tool arguments {len(args):,} chars, not the tool input")
    return "streamed " + ", ".join(problems) if problems else ""


# -- report ----------------------------------------------------------------------------


def per_event(timing: Timing | None, stream: Stream) -> float | None:
    return None if timing is None else timing.seconds / stream.events * 1e6


def fmt_us(us: float | None) -> str:
    return "n/a" if us is None else f"{us:,.2f}" if us < 100 else f"{us:,.0f}"


def ratio(num: float | None, den: float | None) -> str:
    return "n/a" if num is None or den is None or den == 0 else f"{num / den:,.1f}×"


def version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def speed(args: argparse.Namespace) -> None:
    said = content(LONG_CONTENT)
    long = streams(said, random_piece())
    warm = streams(content(WARM_CONTENT), random_piece())
    print("## Speed: one long stream per source format\n")
    print(
        f"Content: {len(said.thinking):,} chars of thinking, {len(said.text):,} of text, "
        f"{len(orjson.dumps(said.tool_input)):,} of tool input JSON; every delta cut into "
        f"{DELTA[0]}-{DELTA[1]} characters; fed in network reads of "
        f"{NETWORK_READ[0]}-{NETWORK_READ[1]} bytes.\n"
    )
    print("| source | events | bytes | reads |")
    print("|---|---|---|---|")
    for stream in long.values():
        print(
            f"| {stream.fmt} | {stream.events:,} | {len(stream.data):,} | {len(stream.reads):,} |"
        )
    print()

    requests = client_requests()
    peers = [llm_rosetta_peer(requests), litellm_peer(requests)]
    header = [
        "direction",
        "crosswalk µs/event",
        "floor µs/event",
        "crosswalk/floor",
        *(f"{peer.name} µs/event (×crosswalk)" for peer in peers),
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    notes: list[str] = []
    runs: dict[str, list[int]] = {"crosswalk": [], "floor": []}
    floors: dict[str, float | None] = {}
    for source, target in DIRECTIONS:
        stream = long[source]
        mine = measure(crosswalk_run(source, target), stream, warm[source], args)
        runs["crosswalk"].append(mine.runs)
        if problem := content_problem(target, mine.output, said):
            notes.append(f"crosswalk {source} → {target}: {problem}")
        if source not in floors:
            floor = measure(floor_run, stream, warm[source], args)
            runs["floor"].append(floor.runs)
            floors[source] = per_event(floor, stream)
        mine_us = per_event(mine, stream)
        cells = [
            f"{source} → {target}",
            fmt_us(mine_us),
            fmt_us(floors[source]),
            ratio(mine_us, floors[source]),
        ]
        for peer in peers:
            run = peer.runs.get((source, target))
            if run is None:
                cells.append(f"— ({peer.missing or 'no such direction'})")
                continue
            try:
                theirs = measure(run, stream, warm[source], args)
            except Exception as exc:
                detail = " ".join(str(exc).split())[:80].replace("|", "/")
                cells.append("—")
                notes.append(
                    f"{peer.name} {source} → {target}: fails: {type(exc).__name__}: {detail}"
                )
                continue
            runs.setdefault(peer.name, []).append(theirs.runs)
            if problem := content_problem(target, theirs.output, said):
                notes.append(f"{peer.name} {source} → {target}: {problem}")
            theirs_us = per_event(theirs, stream)
            cells.append(f"{fmt_us(theirs_us)} ({ratio(theirs_us, mine_us)})")
        print("| " + " | ".join(cells) + " |", flush=True)
    print()
    for peer in peers:
        notes.extend(peer.notes)
    for note in notes:
        print(f"- {note}")
    if notes:
        print()
    counts = "; ".join(
        f"{name} {min(n)}" + (f"-{max(n)}" if max(n) != min(n) else "")
        for name, n in runs.items()
        if n
    )
    print(
        f"µs per source event: the median whole-stream time over the runs "
        f"(runs per cell: {counts}; at most --repeat {args.repeat}, fewer once a cell has "
        f"spent --budget {args.budget:g} s), divided by the source's event count. "
        "floor = crosswalk's SSE parser and `orjson.loads` of every event of the same reads. "
        "Each library ends at the SSE bytes it sends the client; ×crosswalk = peer µs / "
        "crosswalk µs. Content check: the text, reasoning and tool arguments a client "
        "reads from each output's deltas are compared with the reply's; any difference is "
        "listed above.\n"
    )


def peak_bytes(source: str, target: str, reads: list[bytes]) -> int:
    """tracemalloc's peak while crosswalk translates the stream, output discarded as sent."""
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        translator = Translator(source, target)
        for read in reads:
            translator.feed(read)
        translator.close()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def memory(args: argparse.Namespace) -> None:
    directions = MEMORY_QUICK if args.quick else DIRECTIONS
    fixed = content(LONG_CONTENT)
    growing = [content(n * sum(DELTA) // 2) for n in MEMORY_EVENTS]
    series = [
        (
            "same content, more events",
            True,
            [
                (fixed, streams(fixed, fixed_piece(max(1, LONG_CONTENT // n))))
                for n in MEMORY_EVENTS
            ],
        ),
        (
            "content grows with the stream",
            False,
            [(said, streams(said, random_piece())) for said in growing],
        ),
    ]
    warm = streams(content(WARM_CONTENT), random_piece())
    for source, target in directions:  # one-time costs (imports, table loads) paid here
        crosswalk_run(source, target)(warm[source].reads)
    for title, constant, lengths in series:
        print(f"## Memory: {title}\n")
        if constant:
            print(
                f"The same {fixed.size:,} bytes of content, its deltas cut into "
                f"{', '.join(str(max(1, LONG_CONTENT // n)) for n in MEMORY_EVENTS)} "
                "characters.\n"
            )
        else:
            print(f"Deltas of {DELTA[0]}-{DELTA[1]} characters: content ∝ events.\n")
        print(
            "| direction | source events | content kB | peak kB | peak − content kB | "
            "peak / content |"
        )
        print("|---|---|---|---|---|---|")
        slopes: list[str] = []
        for source, target in directions:
            peaks: list[tuple[int, int]] = []
            for said, by_format in lengths:
                stream = by_format[source]
                peak = peak_bytes(source, target, stream.reads)
                peaks.append((stream.events, peak))
                print(
                    f"| {source} → {target} | {stream.events:,} | {said.size / 1e3:,.1f} | "
                    f"{peak / 1e3:,.1f} | {(peak - said.size) / 1e3:,.1f} | "
                    f"{peak / said.size:.2f} |",
                    flush=True,
                )
            if constant:
                (first_n, first), (last_n, last) = peaks[0], peaks[-1]
                slopes.append(
                    f"{source} → {target} {(last - first) / (last_n - first_n):+.1f} B/event"
                )
        print()
        if slopes:
            print(
                f"Peak growth per extra event ({MEMORY_EVENTS[0]:,} → {MEMORY_EVENTS[-1]:,} "
                f"events, same content): {'; '.join(slopes)}.\n"
            )
    print(
        "Peak = tracemalloc's peak above the baseline while one `Translator` is made, fed "
        "every network read and closed, its output dropped as a proxy sends it. content = "
        "UTF-8 bytes of thinking + text + tool input JSON, which the translator keeps to "
        "convert the final reply.\n"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=7, help="whole-stream runs per cell (median)")
    parser.add_argument(
        "--budget", type=float, default=15.0, help="seconds per cell before runs stop early"
    )
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, metavar="SECTION", help="speed or memory"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: --repeat 3 --budget 1 (slow peers run once), memory of 3 directions",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.budget = 3, 1.0
    args.sections = tuple(s for s in SECTIONS if not args.only or s in args.only)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Peers warn about what they drop and about their own pydantic models, per event.
    warnings.filterwarnings("ignore", module=r"llm_rosetta(\.|$)")
    warnings.filterwarnings("ignore", message=r"Pydantic serializer warnings")
    print("# crosswalk stream benchmark\n")
    print(f"Targets: {TARGETS}.\n")
    print(
        f"Python {platform.python_version()} on {platform.machine()}; "
        f"orjson {version('orjson')}, pydantic {version('pydantic')}, "
        f"llm-rosetta {version('llm-rosetta')}, litellm {version('litellm')}.\n"
    )
    if "speed" in args.sections:
        speed(args)
    if "memory" in args.sections:
        memory(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
