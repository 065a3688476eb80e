"""What each format looks like on HTTP: its paths, credentials, request-id header, error
bodies and usage. The proxy's handlers ask here instead of testing the format inline, so
a difference between the APIs is written once.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from typing import Any

from crosswalk.loss import LossEntry
from crosswalk.proxy.config import Format, Upstream
from crosswalk.stream.failures import upstream_failure
from crosswalk.transforms import signatures, tokens
from crosswalk.transforms.tokens import Tokens

Body = dict[str, Any]

# Where a client of each format calls, and where the proxy calls an upstream of it. An
# upstream's base URL is taken as that vendor's own SDK takes it: Anthropic's without
# `/v1` (https://api.anthropic.com), OpenAI's with it (https://api.openai.com/v1).
CLIENT_PATHS: dict[str, Format] = {
    "/v1/messages": "anthropic",
    "/v1/chat/completions": "chat",
    "/v1/responses": "responses",
}
UPSTREAM_PATHS: dict[Format, str] = {
    "anthropic": "/v1/messages",
    "chat": "/chat/completions",
    "responses": "/responses",
}
REQUEST_ID_HEADERS: dict[Format, str] = {
    "anthropic": "request-id",
    "chat": "x-request-id",
    "responses": "x-request-id",
}
# Anthropic's API versions are dates; 2023-06-01 is the one every current client sends
# and the oldest whose Messages API this proxy speaks.
OLDEST_ANTHROPIC_VERSION = "2023-06-01"
_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The beta an Anthropic upstream needs to accept `role: system` messages after the first
# turn, which the Chat and Responses tables keep in place (a developer message in the
# middle of a conversation).
MID_CONVERSATION_SYSTEM_BETA = "mid-conversation-system-2026-04-07"
_USAGE_READERS = {
    "anthropic": tokens.from_anthropic,
    "chat": tokens.from_chat,
    "responses": tokens.from_responses,
}


def client_key(headers: Mapping[str, str]) -> str | None:
    """The key a client presented, in either vendor's header: Anthropic's SDKs send
    `x-api-key` (2.x sends `Authorization: Bearer`), OpenAI's `Authorization: Bearer`."""
    key = headers.get("x-api-key")
    if key:
        return key
    scheme, _, token = (headers.get("authorization") or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def key_allowed(key: str | None, allowed: frozenset[str]) -> bool:
    """Compared in constant time against every allowed key, so a timing difference
    tells nothing about how close a guess was."""
    if not allowed:
        return True
    if key is None:
        return False
    given = key.encode("utf-8", "surrogateescape")  # a header may hold any byte
    found = False
    for candidate in allowed:
        found |= hmac.compare_digest(given, candidate.encode("utf-8", "surrogateescape"))
    return found


def anthropic_version_problem(version: str | None) -> str | None:
    """Why an `anthropic-version` header cannot be served, or None (absent is served as
    the oldest version, as a proxy in front of several APIs has no better default).

    >>> anthropic_version_problem("2023-06-01"), anthropic_version_problem(None)
    (None, None)
    >>> anthropic_version_problem("2023-01-01")
    "'2023-01-01' is older than 2023-06-01, the oldest version served"
    """
    if version is None:
        return None
    if not _VERSION.match(version):
        return f"{version!r} is not an API version date (YYYY-MM-DD)"
    if version < OLDEST_ANTHROPIC_VERSION:
        return f"{version!r} is older than {OLDEST_ANTHROPIC_VERSION}, the oldest version served"
    return None


def upstream_headers(
    upstream: Upstream,
    *,
    client_format: Format,
    client_headers: Mapping[str, str],
    passed_key: str | None,
    body: Body,
    stream: bool,
) -> dict[str, str]:
    """The headers of the call to `upstream`: its own credential style, the Anthropic
    version and betas, the config's extra headers.

    `passed_key` is the client's own key, used when the upstream has none configured
    (the proxy then only translates, and each user's key reaches the vendor)."""
    key = upstream.key or passed_key
    headers = {
        "content-type": "application/json",
        "accept": "text/event-stream" if stream else "application/json",
    }
    if upstream.format == "anthropic":
        if key:
            headers["x-api-key"] = key
        version = client_headers.get("anthropic-version") if client_format == "anthropic" else None
        headers["anthropic-version"] = version or OLDEST_ANTHROPIC_VERSION
        betas = anthropic_betas(client_format, client_headers, body)
        if betas:
            headers["anthropic-beta"] = ",".join(betas)
    elif key:
        headers["authorization"] = f"Bearer {key}"
    headers.update(upstream.headers)
    return headers


def anthropic_betas(
    client_format: Format, client_headers: Mapping[str, str], body: Body
) -> list[str]:
    """The betas an Anthropic upstream is asked for: an Anthropic client's own, plus any
    the translated request needs to be accepted.

    >>> anthropic_betas("chat", {}, {"messages": [{"role": "user", "content": "hi"},
    ...                                          {"role": "system", "content": "be brief"}]})
    ['mid-conversation-system-2026-04-07']
    """
    betas: list[str] = []
    if client_format == "anthropic":
        given = client_headers.get("anthropic-beta") or ""
        betas = [b.strip() for b in given.split(",") if b.strip()]
    messages = body.get("messages")
    if (
        isinstance(messages, list)
        and any(isinstance(m, dict) and m.get("role") == "system" for m in messages)
        and MID_CONVERSATION_SYSTEM_BETA not in betas
    ):
        betas.append(MID_CONVERSATION_SYSTEM_BETA)
    return betas


_UNSIGNED = (
    "a thinking block Anthropic did not sign (made from another API's reasoning, on an "
    "earlier turn through another upstream): Anthropic refuses it, so it is not sent"
)


def without_unsigned_thinking(body: Body) -> tuple[Body, list[LossEntry]]:
    """An Anthropic request passed through to Anthropic, less the thinking blocks that
    carry no Anthropic signature (signatures.anthropic_signed): a conversation that went
    through a Chat or Responses upstream before holds them, and Anthropic answers 400 to
    a signature it did not make.

    >>> body = {"messages": [{"role": "assistant", "content": [
    ...     {"type": "thinking", "thinking": "t", "signature": ""},
    ...     {"type": "text", "text": "hi"}]}]}
    >>> kept, lost = without_unsigned_thinking(body)
    >>> kept["messages"][0]["content"], [e.pointer for e in lost]
    ([{'type': 'text', 'text': 'hi'}], ['/messages/0/content/0'])
    """
    messages = body.get("messages")
    if not isinstance(messages, list):
        return body, []
    lost: list[LossEntry] = []
    kept_messages: list[Any] = []
    for i, message in enumerate(messages):
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            kept_messages.append(message)
            continue
        kept: list[Any] = []
        for j, block in enumerate(content):
            if (
                isinstance(block, dict)
                and block.get("type") == "thinking"
                and not signatures.anthropic_signed(str(block.get("signature") or ""))
            ):
                lost.append(LossEntry("dropped", f"/messages/{i}/content/{j}", _UNSIGNED))
            else:
                kept.append(block)
        kept_messages.append({**message, "content": kept} if len(kept) != len(content) else message)
    return ({**body, "messages": kept_messages}, lost) if lost else (body, [])


def error_envelope(fmt: Format, status: int, message: str, *, param: str | None = None) -> Body:
    """An error response (status, headers, body) in `fmt` for an error the proxy itself
    answers. Made as Anthropic's error for the status and converted by the error tables,
    so each format's client sees the type its own API sends with that status; OpenAI
    formats also name the offending field in `param`.

    >>> error_envelope("anthropic", 413, "too big")["body"]["error"]["type"]
    'request_too_large'
    >>> error_envelope("chat", 400, "bad", param="/messages/0")["body"]["error"]["param"]
    '/messages/0'
    """
    envelope = upstream_failure(fmt, message, status)
    if param is not None and fmt != "anthropic":
        envelope["body"]["error"]["param"] = param
    return envelope


def usage_of(fmt: Format, response: Mapping[str, Any] | None) -> Tokens | None:
    """The token counts a complete `fmt` response reports, or None when it has none."""
    usage = (response or {}).get("usage")
    if not isinstance(usage, Mapping):
        return None
    return _USAGE_READERS[fmt](dict(usage))


def upstream_url(upstream: Upstream) -> str:
    return upstream.base_url + UPSTREAM_PATHS[upstream.format]
