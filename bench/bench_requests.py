"""Conversion speed of crosswalk, against a JSON round-trip floor and two peers.

A script, not a test: timings depend on the machine, so nothing here asserts; it prints one
markdown table per kind (requests, non-streaming responses, errors) to read next to the
targets in its header. Run it with `make bench`, which installs the optional peers
(llm-rosetta, LiteLLM) into their own venv; `--quick` is a smoke run, `--only KIND` one table.

Every number is the median of several repeats of a timeit loop, after a warm-up, of one
in-process call on an already-parsed body: the cost a proxy pays per request on top of
parsing and serialising, which the floor (`orjson.loads(orjson.dumps(body))`) stands for.

The directions come from `CONVERTERS`, so a pair that is not built yet is skipped with a
note rather than failing the run, and appears once it is generated. Each payload is written
once in one format; its other-format bodies are crosswalk's own conversions of it, so every
direction of a kind runs on equivalent content.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import importlib
import importlib.metadata
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import timeit
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

# LiteLLM fetches a model price map over the network at import unless told not to.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CLAUDE_CODE_FIXTURE = FIXTURES / "claude_code_tool_read_image_with_thinking.json"
# The Codex turn with a reasoning item, a custom (apply_patch) tool call and its output, and
# hosted tools: the richest of the Codex requests. The `cr_` fixtures are bare bodies.
CODEX_FIXTURE = FIXTURES / "codex_apply_patch_reasoning.json"
TARGETS = (
    "crosswalk ≤ 2× floor; ≥ 10× faster than llm-rosetta; ≥ 20× faster than LiteLLM; "
    "converter import < 150 ms"
)
IMPORT_SNIPPET = (
    "import time; t=time.perf_counter(); from crosswalk.convert import convert; "
    "convert(('chat','anthropic'),'request'); print(time.perf_counter()-t)"
)
FORMATS = ("chat", "anthropic", "responses")
KINDS = ("request", "response", "error")
TITLES = {"request": "Requests", "response": "Non-streaming responses", "error": "Errors"}
# Table order: by source format, then target.
DIRECTIONS = tuple((s, t) for s in FORMATS for t in FORMATS if s != t)
NO_DIRECTION = "no such direction"
SYNTHETIC = "synthetic 20 msgs / 3 tools"

Body = dict[str, Any]
Call = Callable[[Body], object]
Direction = tuple[str, str, str]  # (source format, target format, kind)


@dataclass(frozen=True)
class Payload:
    """One body, written in `origin` format.

    With `everywhere`, crosswalk converts it to the other formats first, so that every
    direction of its kind has a row on it; without, only directions out of `origin` do (a
    real client's capture, which stands for traffic from that client only).
    """

    name: str
    kind: str
    origin: str
    body: Body
    everywhere: bool


@dataclass(frozen=True)
class Case:
    """One payload converted in one direction."""

    name: str
    kind: str
    source: str
    target: str
    body: Body


@dataclass(frozen=True)
class Peer:
    """A peer library's in-process conversions by direction, or why it is unavailable.

    `notes` says, per kind, how the wired directions are called (printed under the table),
    so that a ratio can be read against what the peer was asked to do.
    """

    name: str
    calls: dict[Direction, Call]
    missing: str = ""
    notes: dict[str, list[str]] = field(default_factory=dict)


# -- payloads ------------------------------------------------------------------------


def synthetic_chat_request() -> Body:
    """A 20-message Chat Completions request with 3 tools, calls and their results.

    Shaped like an agent loop (the traffic a proxy carries most): a system prompt, user
    turns, assistant turns that call tools (one of them two tools in parallel), tool
    results, and plain assistant answers.
    """
    tools = [
        _chat_tool("read_file", "Read a file from the workspace", {"path": "string"}),
        _chat_tool(
            "run_command", "Run a shell command", {"command": "string", "timeout": "integer"}
        ),
        _chat_tool("search", "Search the workspace", {"query": "string", "limit": "integer"}),
    ]
    messages: list[Body] = [
        {"role": "system", "content": "You are a careful coding assistant. " * 20},
    ]
    turn = 0
    while len(messages) < 20:
        turn += 1
        messages.append({"role": "user", "content": f"Step {turn}: look at module {turn}. " * 5})
        calls = [_call(f"call_{turn}_a", "read_file", {"path": f"src/module_{turn}.py"})]
        if turn % 2 == 0:
            calls.append(_call(f"call_{turn}_b", "search", {"query": f"def f{turn}", "limit": 5}))
        messages.append({"role": "assistant", "content": None, "tool_calls": calls})
        for call in calls:
            result = f"# contents of {call['function']['name']} call\n" + "x = 1\n" * 40
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": result})
        messages.append({"role": "assistant", "content": f"Module {turn} looks fine. " * 8})
    return {
        "model": "gpt-4o",
        "messages": messages[:20],
        "tools": tools,
        "tool_choice": "auto",
        "temperature": 0.2,
        "max_completion_tokens": 2048,
    }


def _chat_tool(name: str, description: str, params: dict[str, str]) -> Body:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": {key: {"type": kind} for key, kind in params.items()},
                "required": [next(iter(params))],
            },
        },
    }


def _call(call_id: str, name: str, arguments: Body) -> Body:
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments)},
    }


def anthropic_message() -> Body:
    """A non-streaming Anthropic Message answering an agent turn with a tool call.

    Shaped like the real replies in `tests/fixtures/rr_claude_code_read_image_reply.json`:
    a thinking block with its signature, a text block, a tool_use, stop reason `tool_use`,
    and the usage of a cached agent loop (cache reads, 5-minute cache writes). The thinking
    and the signature have a real reply's length (the fixture's are canned stubs), and the
    tool is `read_file`, one of the synthetic request's tools, so that this reply answers
    that request (llm-rosetta converts a reply in the context of its request).
    """
    signature = base64.b64encode(hashlib.sha512(b"crosswalk").digest() * 6).decode()
    thinking = (
        "The user wants module 11 reviewed. I have not read it yet, so I should open "
        "src/module_11.py before saying anything about it, then check its callers. "
    ) * 3
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [
            {"type": "thinking", "thinking": thinking, "signature": signature},
            {"type": "text", "text": "I'll read the module first, then look at its callers."},
            {
                "type": "tool_use",
                "id": "toolu_01A09q90qw90lq917835lq9",
                "name": "read_file",
                "input": {"path": "src/module_11.py"},
            },
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 12,
            "cache_creation_input_tokens": 1843,
            "cache_read_input_tokens": 21504,
            "cache_creation": {"ephemeral_5m_input_tokens": 1843, "ephemeral_1h_input_tokens": 0},
            "output_tokens": 312,
            "service_tier": "standard",
        },
    }


def anthropic_rate_limit_error() -> Body:
    """A 429 from Anthropic, as crosswalk takes errors: status, headers and body together.

    `retry-after` is what a client backs off by, and `request-id` what support traces, so
    both headers travel with the body.
    """
    return {
        "status": 429,
        "headers": {"retry-after": "17", "request-id": "req_011CSHoEeqs5C35K2UUqR7Fy"},
        "body": {
            "type": "error",
            "error": {
                "type": "rate_limit_error",
                "message": (
                    "This request would exceed the rate limit for your organization of "
                    "450,000 input tokens per minute. For details, refer to "
                    "https://docs.claude.com/en/api/rate-limits."
                ),
            },
        },
    }


def payloads() -> list[Payload]:
    """Every payload, in table order within its kind."""
    return [
        Payload(SYNTHETIC, "request", "chat", synthetic_chat_request(), everywhere=True),
        Payload(
            _sized("Claude Code request", CLAUDE_CODE_FIXTURE),
            "request",
            "anthropic",
            json.loads(CLAUDE_CODE_FIXTURE.read_text()),
            everywhere=False,
        ),
        Payload(
            _sized("Codex request", CODEX_FIXTURE),
            "request",
            "responses",
            json.loads(CODEX_FIXTURE.read_text()),
            everywhere=False,
        ),
        Payload(
            "thinking + text + tool_use, cache usage",
            "response",
            "anthropic",
            anthropic_message(),
            everywhere=True,
        ),
        Payload(
            "429 rate limit, retry-after",
            "error",
            "anthropic",
            anthropic_rate_limit_error(),
            everywhere=True,
        ),
    ]


def _sized(name: str, path: Path) -> str:
    return f"{name} ({round(len(path.read_bytes()) / 1000)} kB)"


def built() -> frozenset[Direction]:
    from crosswalk.generated.converters import CONVERTERS

    return frozenset(CONVERTERS)


def in_every_format(payload: Payload, notes: list[str]) -> dict[str, Body]:
    """The payload's body by format: its own, and with `everywhere` crosswalk's conversions."""
    from crosswalk.convert import run

    bodies = {payload.origin: payload.body}
    if not payload.everywhere:
        return bodies
    for fmt in FORMATS:
        if fmt == payload.origin:
            continue
        if (payload.origin, fmt, payload.kind) not in built():
            notes.append(
                f"{payload.name}: no {fmt} body ({payload.kind} {payload.origin} → {fmt} is "
                f"not built yet), so no {fmt} → * rows on it"
            )
            continue
        try:
            bodies[fmt] = run(payload.origin, fmt, payload.kind, payload.body).result
        except Exception as exc:
            notes.append(f"{payload.name}: {fmt} body not built: {type(exc).__name__}: {exc}")
    return bodies


def build_cases(kinds: tuple[str, ...]) -> tuple[list[Case], list[str]]:
    """The benchmark cases of `kinds`, by direction, and notes on any not built."""
    cases: list[Case] = []
    notes: list[str] = []
    converters = built()
    by_payload = [
        (payload, in_every_format(payload, notes))
        for payload in payloads()
        if payload.kind in kinds
    ]
    for kind in kinds:
        for source, target in DIRECTIONS:
            for payload, bodies in by_payload:
                if payload.kind != kind or source not in bodies:
                    continue
                if (source, target, kind) not in converters:
                    notes.append(f"{kind} {source} → {target} not built yet: skipped")
                    continue
                cases.append(Case(payload.name, kind, source, target, bodies[source]))
    return cases, list(dict.fromkeys(notes))


def synthetic_requests() -> dict[str, Body]:
    """The synthetic request in each format there is a converter to.

    Peers that convert a reply in the context of its request (llm-rosetta's pipeline, the
    echo fields of LiteLLM's Responses reply) get this one: the replies answer it.
    """
    payload = Payload(SYNTHETIC, "request", "chat", synthetic_chat_request(), everywhere=True)
    return in_every_format(payload, [])


# -- what is timed -------------------------------------------------------------------


def crosswalk_call(source: str, target: str, kind: str, *, check_input: bool) -> Call:
    from crosswalk.convert import run

    def call(body: Body) -> object:
        return run(source, target, kind, body, check_input=check_input).result

    return call


def floor_call() -> Call | None:
    try:
        import orjson
    except ImportError:
        return None

    def call(body: Body) -> object:
        return orjson.loads(orjson.dumps(body))

    return call


def peer_module(name: str) -> Any:
    """Import a peer's module by name.

    The peers are installed only in `.venv-bench`, while `make lint` type-checks this
    script in `.venv`, where they are absent: imported by name, they type as `Any` there
    and here alike, and a missing peer is an ImportError the factory turns into a note.
    """
    return importlib.import_module(name)


ROSETTA_NAMES = {"chat": "openai_chat", "anthropic": "anthropic", "responses": "openai_responses"}


def llm_rosetta_peer(requests: Mapping[str, Body]) -> Peer:
    """llm-rosetta: requests and responses between all three formats, through its IR.

    Requests go through `llm_rosetta.convert`, which builds a `ConversionPipeline` per
    request (a pipeline is one-shot by design): that is the library's per-request cost.

    A reply is converted by the pipeline that converted its request (`convert_response`
    after `convert_request`; the public `convert_response` function replays the request
    first, which would time both). For a reply from upstream format S to client format T,
    the pipeline runs client T → upstream S and has converted the synthetic request in
    format T once, outside the timing; only `pipeline.convert_response` is timed.

    Errors: its gateway forwards an upstream error body unconverted (credentials scrubbed),
    so no error direction exists.
    """
    try:
        rosetta = peer_module("llm_rosetta")
    except ImportError:
        return Peer("llm-rosetta", {}, "not installed")
    calls: dict[Direction, Call] = {}
    notes: dict[str, list[str]] = {"request": [], "response": [], "error": []}

    def request_call(source: str, target: str) -> Call:
        def call(body: Body) -> object:
            return rosetta.convert(
                body, ROSETTA_NAMES[target], source_provider=ROSETTA_NAMES[source]
            )

        return call

    for source, target in DIRECTIONS:
        calls[(source, target, "request")] = request_call(source, target)
        client, upstream = ROSETTA_NAMES[target], ROSETTA_NAMES[source]
        if target not in requests:
            notes["response"].append(f"llm-rosetta {source} → {target}: no {target} request")
            continue
        try:
            pipeline = rosetta.ConversionPipeline(
                client,
                upstream,
                source_shim=rosetta.get_shim(client),
                target_shim=rosetta.get_shim(upstream),
            )
            pipeline.convert_request(copy.deepcopy(requests[target]))
        except Exception as exc:
            notes["response"].append(
                f"llm-rosetta {source} → {target}: pipeline not set up: {type(exc).__name__}"
            )
            continue
        calls[(source, target, "response")] = pipeline.convert_response
    notes["request"].append(
        "llm-rosetta: `llm_rosetta.convert(body, target, source_provider=source)` "
        "(providers `openai_chat`, `anthropic`, `openai_responses`), all six directions."
    )
    notes["response"].append(
        "llm-rosetta: `ConversionPipeline(client, upstream).convert_response(reply)` on a "
        "pipeline that has converted the synthetic request (set up once, not timed)."
    )
    notes["error"].append(
        "llm-rosetta: no error conversion; its gateway forwards upstream error bodies as they are."
    )
    return Peer("llm-rosetta", calls, notes=notes)


# Keys of a LiteLLM chat request that are LiteLLM's own routing, not OpenAI parameters.
LITELLM_NOT_PARAMS = frozenset({"model", "messages", "custom_llm_provider", "extra_headers"})


class LiteLLMCalls:
    """LiteLLM's in-process transformations, chained as its proxy chains them per request.

    Where LiteLLM has no direct path it bridges through Chat Completions, as its proxy
    does: a `/v1/responses` request for a Claude model is Responses → Chat (the
    `litellm_completion_transformation` bridge), then Chat → Anthropic (`AnthropicConfig`),
    and its reply comes back Anthropic → `ModelResponse` → Responses. Those rows time both
    steps, since that is what LiteLLM pays.

    Replies start from the upstream's parsed JSON, so LiteLLM's own parse into its pydantic
    objects (`convert_to_model_response_object`, `ResponsesAPIResponse.model_validate`) is
    part of the call, and a pydantic result is `model_dump()`ed to the JSON-ready dict
    crosswalk returns. Only the transformation is timed: never the HTTP client, logging
    callbacks or cost tracking around it.
    """

    def __init__(self, requests: Mapping[str, Body]) -> None:
        # LiteLLM logs what it drops at WARNING, once per call: thousands of stderr lines in
        # a timing loop. Silenced, which if anything flatters LiteLLM's numbers.
        logging.getLogger("LiteLLM").setLevel(logging.ERROR)
        self.anthropic = peer_module("litellm.llms.anthropic.chat.transformation").AnthropicConfig()
        self.messages_adapter = peer_module(
            "litellm.llms.anthropic.pass_through.adapters.transformation"
        ).LiteLLMAnthropicMessagesAdapter()
        self.responses_adapter = peer_module(
            "litellm.llms.anthropic.pass_through.responses_adapters.transformation"
        ).LiteLLMAnthropicToResponsesAPIAdapter()
        self.responses_bridge = peer_module(
            "litellm.responses.litellm_completion_transformation.transformation"
        ).LiteLLMCompletionResponsesConfig
        self.chat_bridge = peer_module(
            "litellm.completion_extras.litellm_responses_transformation.transformation"
        ).LiteLLMResponsesTransformationHandler()
        self.model_response = peer_module("litellm.types.utils").ModelResponse
        self.responses_api_response = peer_module("litellm.types.llms.openai").ResponsesAPIResponse
        self.to_model_response = peer_module(
            "litellm.litellm_core_utils.llm_response_utils.convert_dict_to_response"
        ).convert_to_model_response_object
        self.error_mapping = peer_module(
            "litellm.anthropic_interface.exceptions"
        ).AnthropicExceptionMapping
        # What transform_parsed_response reads the upstream headers and status from.
        self.raw_response = peer_module("httpx").Response(
            200, headers={"content-type": "application/json"}
        )
        # The Responses request a bridged reply echoes (tools, tool_choice, ...).
        responses_request = requests.get("responses", {})
        self.request_input = responses_request.get("input", [])
        self.request_params = {
            k: v for k, v in responses_request.items() if k not in ("model", "input")
        }

    def calls(self) -> dict[Direction, Call]:
        return {
            ("chat", "anthropic", "request"): self.chat_to_anthropic_request,
            ("chat", "responses", "request"): self.chat_to_responses_request,
            ("anthropic", "chat", "request"): self.anthropic_to_chat_request,
            ("anthropic", "responses", "request"): self.anthropic_to_responses_request,
            ("responses", "chat", "request"): self.responses_to_chat_request,
            ("responses", "anthropic", "request"): self.responses_to_anthropic_request,
            ("chat", "anthropic", "response"): self.chat_to_anthropic_response,
            ("chat", "responses", "response"): self.chat_to_responses_response,
            ("anthropic", "chat", "response"): self.anthropic_to_chat_response,
            ("anthropic", "responses", "response"): self.anthropic_to_responses_response,
            ("responses", "chat", "response"): self.responses_to_chat_response,
            ("responses", "anthropic", "response"): self.responses_to_anthropic_response,
            ("chat", "anthropic", "error"): self.openai_to_anthropic_error,
            ("responses", "anthropic", "error"): self.openai_to_anthropic_error,
        }

    # requests

    def chat_to_anthropic_request(self, body: Body) -> object:
        """`completion()` for a Claude model: map the roles and params, then build the body.

        Developer turns become system turns first, as `completion()` does for a provider
        without that role; `transform_request` rejects them otherwise.
        """
        params = {k: v for k, v in body.items() if k not in LITELLM_NOT_PARAMS}
        messages = self.anthropic.translate_developer_role_to_system_role(messages=body["messages"])
        optional = self.anthropic.map_openai_params(
            non_default_params=params, optional_params={}, model=body["model"], drop_params=True
        )
        return self.anthropic.transform_request(
            model=body["model"],
            messages=messages,
            optional_params=optional,
            litellm_params={},
            headers={},
        )

    def chat_to_responses_request(self, body: Body) -> object:
        """`completion()` for a Responses-only model: the responses-API bridge's request."""
        params = {k: v for k, v in body.items() if k not in LITELLM_NOT_PARAMS}
        return self.chat_bridge.transform_request(
            model=body["model"],
            messages=body["messages"],
            optional_params=params,
            litellm_params={},
            headers={},
            litellm_logging_obj=SimpleNamespace(),
        )

    def anthropic_to_chat_request(self, body: Body) -> object:
        """`/v1/messages` for a Chat model: the Anthropic adapter."""
        return self.messages_adapter.translate_anthropic_to_openai(body)

    def anthropic_to_responses_request(self, body: Body) -> object:
        """`/v1/messages` for a Responses-API model: the Anthropic → Responses adapter."""
        return self.responses_adapter.translate_request(body)

    def responses_to_chat_request(self, body: Body, provider: str | None = None) -> Body:
        """`/v1/responses` for a Chat model: the Responses → Chat bridge."""
        params = {k: v for k, v in body.items() if k not in ("model", "input")}
        result: Body = (
            self.responses_bridge.transform_responses_api_request_to_chat_completion_request(
                model=body["model"],
                input=body["input"],
                responses_api_request=params,
                custom_llm_provider=provider,
                stream=body.get("stream"),
            )
        )
        return result

    def responses_to_anthropic_request(self, body: Body) -> object:
        """`/v1/responses` for a Claude model: Responses → Chat bridge, then Chat → Anthropic."""
        return self.chat_to_anthropic_request(self.responses_to_chat_request(body, "anthropic"))

    # responses

    def _chat_reply(self, body: Body) -> Any:
        """An OpenAI Chat reply parsed into LiteLLM's ModelResponse, as `completion()` does."""
        return self.to_model_response(
            response_object=body, model_response_object=self.model_response()
        )

    def _anthropic_reply(self, body: Body) -> Any:
        """An Anthropic Message as `completion()` turns it into a ModelResponse."""
        return self.anthropic.transform_parsed_response(
            completion_response=body,
            raw_response=self.raw_response,
            model_response=self.model_response(),
        )

    def _to_responses(self, reply: Any) -> object:
        """A ModelResponse as the Responses → Chat bridge returns it to a Responses client."""
        return self.responses_bridge.transform_chat_completion_response_to_responses_api_response(
            request_input=self.request_input,
            responses_api_request=self.request_params,
            chat_completion_response=reply,
        ).model_dump()

    def chat_to_anthropic_response(self, body: Body) -> object:
        return self.messages_adapter.translate_openai_response_to_anthropic(self._chat_reply(body))

    def chat_to_responses_response(self, body: Body) -> object:
        return self._to_responses(self._chat_reply(body))

    def anthropic_to_chat_response(self, body: Body) -> object:
        return self._anthropic_reply(body).model_dump()

    def anthropic_to_responses_response(self, body: Body) -> object:
        return self._to_responses(self._anthropic_reply(body))

    def responses_to_chat_response(self, body: Body) -> object:
        """The responses-API bridge's reply: a Responses reply as a ModelResponse."""
        return self.chat_bridge.transform_response(
            model=body["model"],
            raw_response=self.responses_api_response.model_validate(body),
            model_response=self.model_response(),
            logging_obj=SimpleNamespace(),
            request_data={},
            messages=[],
            optional_params={},
            litellm_params={},
            encoding=None,
        ).model_dump()

    def responses_to_anthropic_response(self, body: Body) -> object:
        return self.responses_adapter.translate_response(
            self.responses_api_response.model_validate(body)
        )

    # errors

    def openai_to_anthropic_error(self, body: Body) -> object:
        """`/v1/messages`' error handler: the upstream error's status and message, enveloped.

        LiteLLM raises an upstream error as an exception, whose message and status are what
        this gets; `retry-after` rides on the exception's headers, outside this call.
        """
        return self.error_mapping.transform_to_anthropic_error(
            status_code=body["status"],
            raw_message=body["body"]["error"]["message"],
            request_id=body["headers"].get("x-request-id"),
        )


def litellm_peer(requests: Mapping[str, Body]) -> Peer:
    """LiteLLM: every request and response direction, and errors into Anthropic's format."""
    try:
        calls = LiteLLMCalls(requests).calls()
    except ImportError:
        return Peer("LiteLLM", {}, "not installed")
    notes = {
        "request": [
            "LiteLLM: chat → anthropic `AnthropicConfig.map_openai_params` + `transform_request`; "
            "chat → responses `LiteLLMResponsesTransformationHandler.transform_request`; "
            "anthropic → chat `LiteLLMAnthropicMessagesAdapter.translate_anthropic_to_openai`; "
            "anthropic → responses `LiteLLMAnthropicToResponsesAPIAdapter.translate_request`; "
            "responses → chat `LiteLLMCompletionResponsesConfig."
            "transform_responses_api_request_to_chat_completion_request`; "
            "responses → anthropic: that, then chat → anthropic (LiteLLM has no direct path).",
        ],
        "response": [
            "LiteLLM: anthropic → chat `AnthropicConfig.transform_parsed_response`; "
            "chat → anthropic `translate_openai_response_to_anthropic`; "
            "responses → chat `LiteLLMResponsesTransformationHandler.transform_response`; "
            "chat → responses `transform_chat_completion_response_to_responses_api_response`; "
            "responses → anthropic `LiteLLMAnthropicToResponsesAPIAdapter.translate_response`; "
            "anthropic → responses: `transform_parsed_response`, then the chat → responses "
            "step. Each includes LiteLLM's parse of the reply into its pydantic types and "
            "`model_dump()` of a pydantic result.",
        ],
        "error": [
            "LiteLLM: only into Anthropic's format, "
            "`AnthropicExceptionMapping.transform_to_anthropic_error` (its `/v1/messages` "
            "error handler); other errors are re-raised as LiteLLM exceptions and rendered by "
            "the proxy, with no body-to-body function to time.",
        ],
    }
    return Peer("LiteLLM", calls, notes=notes)


def median_us(fn: Call, body: Body, repeat: int, min_time: float) -> float:
    """Median µs per call over `repeat` loops each lasting at least `min_time` seconds."""
    for _ in range(3):
        fn(body)
    timer = timeit.Timer(lambda: fn(body))
    number = 1
    while True:
        elapsed = timer.timeit(number)
        if elapsed >= min_time:
            break
        number = max(number * 2, int(number * min_time / max(elapsed, 1e-9)) + 1)
    runs = timer.repeat(repeat=repeat, number=number)
    return statistics.median(runs) / number * 1e6


def checked(fn: Call, body: Body) -> str:
    """Run once, and say why a call cannot be timed (an error, or it mutates its input)."""
    before = copy.deepcopy(body)
    try:
        fn(body)
    except Exception as exc:
        detail = " ".join(str(exc).split())[:60].replace("|", "/")
        return f"error: {type(exc).__name__}: {detail}"
    if body != before:
        return "mutates its input"
    return ""


def import_time_ms(runs: int) -> str:
    """Median wall time of importing crosswalk and loading one converter, fresh process.

    Measured as an installed package runs: with bytecode caches. A first, uncounted run
    writes them even where PYTHONDONTWRITEBYTECODE is set (some sandboxes and CI images
    set it), since compiling every module on each start is not what users pay.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    samples: list[float] = []
    for i in range(runs + 1):
        proc = subprocess.run(
            [sys.executable, "-c", IMPORT_SNIPPET],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["?"])[-1]
            return f"failed: {last}"
        if i > 0:
            samples.append(float(proc.stdout.strip()) * 1e3)
    return f"{statistics.median(samples):.1f} ms (median of {runs} fresh processes)"


# -- report ----------------------------------------------------------------------------


def fmt(us: float | None) -> str:
    return "n/a" if us is None else f"{us:,.1f}"


def ratio(num: float | None, den: float | None) -> str:
    return "n/a" if num is None or den is None or den == 0 else f"{num / den:.1f}×"


def timed(fn: Call, body: Body, args: argparse.Namespace) -> tuple[float | None, str]:
    problem = checked(fn, body)
    if problem:
        return None, problem
    return median_us(fn, body, args.repeat, args.min_time), ""


def row(case: Case, peers: list[Peer], floor: Call | None, args: argparse.Namespace) -> str:
    plain, plain_note = timed(
        crosswalk_call(case.source, case.target, case.kind, check_input=False), case.body, args
    )
    valid, valid_note = timed(
        crosswalk_call(case.source, case.target, case.kind, check_input=True), case.body, args
    )
    floor_us = timed(floor, case.body, args)[0] if floor else None
    cells = [
        case.name,
        f"{case.source} → {case.target}",
        fmt(plain) if plain is not None else f"n/a: {plain_note}",
        fmt(valid) if valid is not None else f"n/a: {valid_note}",
        fmt(floor_us),
        ratio(plain, floor_us),
    ]
    for peer in peers:
        fn = peer.calls.get((case.source, case.target, case.kind))
        if fn is None:
            cells.append(f"n/a: {peer.missing or NO_DIRECTION}")
            continue
        peer_us, note = timed(fn, case.body, args)
        cells.append(
            f"n/a: {note}" if peer_us is None else f"{fmt(peer_us)} ({ratio(peer_us, plain)})"
        )
    return "| " + " | ".join(cells) + " |"


def table(
    kind: str,
    cases: list[Case],
    peers: list[Peer],
    floor: Call | None,
    args: argparse.Namespace,
) -> None:
    print(f"## {TITLES[kind]}\n")
    header = [
        "case",
        "direction",
        "crosswalk µs",
        "crosswalk+validation µs",
        "floor µs",
        "crosswalk/floor",
        *(f"{peer.name} µs (×crosswalk)" for peer in peers),
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for case in cases:
        if case.kind == kind:
            print(row(case, peers, floor, args), flush=True)
    peer_notes = [note for peer in peers for note in peer.notes.get(kind, [])]
    if peer_notes:
        print()
    for note in peer_notes:
        print(f"- {note}")
    print()


def version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=7, help="timeit repeats (median taken)")
    parser.add_argument("--min-time", type=float, default=0.1, help="seconds per repeat")
    parser.add_argument(
        "--only",
        action="append",
        choices=KINDS,
        metavar="KIND",
        help=f"only this kind ({', '.join(KINDS)}); repeatable",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: --repeat 1 --min-time 0.01, one import-time sample",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.min_time = 1, 0.01
    args.kinds = tuple(kind for kind in KINDS if not args.only or kind in args.only)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Peers warn about what they drop (once per call site): stderr noise, not a timing.
    warnings.filterwarnings("ignore", module=r"llm_rosetta(\.|$)")

    print("# crosswalk conversion benchmark\n")
    print(f"Targets: {TARGETS}.\n")
    print(
        f"Python {platform.python_version()} on {platform.machine()}; "
        f"pydantic {version('pydantic')}, orjson {version('orjson')}, "
        f"llm-rosetta {version('llm-rosetta')}, litellm {version('litellm')}.\n"
    )
    print(f"Converter import: {import_time_ms(1 if args.quick else 5)}.\n")

    cases, notes = build_cases(args.kinds)
    requests = synthetic_requests()
    peers = [llm_rosetta_peer(requests), litellm_peer(requests)]
    floor = floor_call()
    for kind in args.kinds:
        table(kind, cases, peers, floor, args)
    if floor is None:
        notes.append("floor n/a: orjson not installed")
    for note in notes:
        print(f"- {note}")
    if notes:
        print()
    print(
        "µs per call, median of the repeats. floor = orjson.loads(orjson.dumps(body)) of the "
        "same source body. Peer ratios are peer µs / crosswalk µs (without validation)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
