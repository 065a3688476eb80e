"""Property tests over the schemas themselves (hypothesis-jsonschema).

Any body the source schema admits either converts — and then the output validates against
the target's model — or raises ConversionError naming a field. Nothing else may escape.
"""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from crosswalk.generated.converters import CONVERTERS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from crosswalk.convert import SCHEMA_IDS, run
from crosswalk.errors import ConversionError
from crosswalk.testing import check_sdk
from crosswalk.validate import validate

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
# Every built conversion: (source format, target format, kind).
CASES = sorted(CONVERTERS)

# hypothesis-jsonschema cannot canonicalise the largest schemas (the Anthropic beta request
# has 353 definitions) in reasonable time, so their unions are cut to the kinds real clients
# send and exchange; every other union member is covered by the golden examples of the
# table row that decides its fate. A union keeps only its CORE members when it has any.
CORE: dict[str, frozenset[str]] = {
    "anthropic.request": frozenset(
        {
            "BetaUserMessageParam",
            "BetaAssistantMessageParam",
            "BetaSystemMessageParam",
            "BetaTextBlockParam",
            "BetaImageBlockParam",
            "BetaBase64ImageSourceParam",
            "BetaURLImageSourceParam",
            "BetaRequestDocumentBlockParam",
            "BetaBase64PDFSourceParam",
            "BetaPlainTextSourceParam",
            "BetaThinkingBlockParam",
            "BetaRedactedThinkingBlockParam",
            "BetaToolUseBlockParam",
            "BetaToolResultBlockParam",
            "BetaToolParam",
            "BetaThinkingConfigEnabledParam",
            "BetaThinkingConfigAdaptiveParam",
            "BetaThinkingConfigDisabledParam",
            "BetaToolChoiceAutoParam",
            "BetaToolChoiceAnyParam",
            "BetaToolChoiceToolParam",
            "BetaToolChoiceNoneParam",
            "BetaCacheControlEphemeralParam",
        }
    ),
    "anthropic.response": frozenset(
        {
            "BetaTextBlock",
            "BetaThinkingBlock",
            "BetaRedactedThinkingBlock",
            "BetaToolUseBlock",
            "BetaServerToolUseBlock",
            "BetaWebSearchToolResultBlock",
            "BetaCitationsWebSearchResultLocation",
            "BetaCitationCharLocation",
        }
    ),
    "responses.request": frozenset(
        {
            "EasyInputMessageParam",
            "Message",
            "ResponseOutputMessageParam",
            "ResponseFunctionToolCallParam",
            "FunctionCallOutput",
            "ResponseReasoningItemParam",
            "ResponseCustomToolCallParam",
            "ResponseCustomToolCallOutputParam",
            "ResponseFunctionWebSearchParam",
            "ItemReference",
            "FunctionToolParam",
            "CustomToolParam",
            "WebSearchToolParam",
            "ToolChoiceFunctionParam",
            "ToolChoiceCustomParam",
            "ToolChoiceAllowedParam",
            "ToolChoiceTypesParam",
        }
    ),
    "responses.response": frozenset(
        {
            "EasyInputMessage",
            "Message",
            "ResponseOutputMessage",
            "ResponseFunctionToolCall",
            "ResponseReasoningItem",
            "ResponseCustomToolCall",
            "ResponseFunctionWebSearch",
            "FunctionTool",
            "CustomTool",
            "WebSearchTool",
            "ToolChoiceFunction",
            "ToolChoiceCustom",
            "ToolChoiceAllowed",
            "ToolChoiceTypes",
        }
    ),
}
# Root fields left out of the generated bodies, for the same reason: each is a single row
# with golden examples of its own.
PRUNED_ROOT: dict[str, tuple[str, ...]] = {
    "anthropic.request": (
        "container",
        "mcp_servers",
        "context_management",
        "fallbacks",
        "compaction",
        "thread",
    ),
    "anthropic.response": ("container", "context_management", "diagnostics"),
    "responses.request": ("prompt", "image", "access_programs", "moderation", "context_management"),
    "responses.response": (
        "prompt",
        "image",
        "access_programs",
        "moderation",
        "input_transformations",
        "prompt_cache_diagnostics",
        "tool_usage",
        # Echoes of the request (the 33-member input-item union alone costs minutes).
        "instructions",
        "text",
        "reasoning",
        "prompt_cache_options",
        "conversation",
    ),
}


def prune(node: Any, core: frozenset[str]) -> Any:
    """Keep only CORE members of unions that have any; other unions stay whole."""
    if isinstance(node, list):
        return [prune(n, core) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: prune(v, core) for k, v in node.items() if k != "discriminator"}
    for key in ("anyOf", "oneOf"):
        members = out.get(key)
        if not members:
            continue
        refs = [m.get("$ref", "").rsplit("/", 1)[-1] for m in members]
        if any(r in core for r in refs):
            out[key] = [
                m for m, r in zip(members, refs, strict=True) if r in core or "$ref" not in m
            ]
    return out


def load_schema(schema_id: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / f"{schema_id}.json").read_text())
    if schema_id not in CORE:
        return schema
    schema = prune(schema, CORE[schema_id])
    for name in PRUNED_ROOT[schema_id]:
        schema["properties"].pop(name, None)
        if name in schema.get("required", ()):
            schema["required"].remove(name)
    if schema_id == "anthropic.request":
        schema["$defs"]["BetaTextBlockParam"]["properties"].pop("citations", None)
    reachable: set[str] = set()
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.rsplit("/", 1)[-1] not in reachable:
                name = ref.rsplit("/", 1)[-1]
                reachable.add(name)
                pending.append(schema["$defs"][name])
            pending.extend(v for k, v in node.items() if k != "$defs")
        elif isinstance(node, list):
            pending.extend(node)
    schema["$defs"] = {k: v for k, v in schema["$defs"].items() if k in reachable}
    return schema


@cache
def bodies(schema_id: str) -> st.SearchStrategy[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return from_schema(load_schema(schema_id))


@pytest.mark.parametrize(
    ("source", "target", "kind"), CASES, ids=[f"{k}:{s}->{t}" for s, t, k in CASES]
)
def test_any_valid_body_converts_or_raises_conversion_error(
    source: str, target: str, kind: str
) -> None:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(bodies(SCHEMA_IDS[(source, kind)]))
    def check(body: dict[str, Any]) -> None:
        try:
            conversion = run(source, target, kind, body)
        except ConversionError as exc:
            assert exc.pointer == "" or exc.pointer.startswith("/")
            return
        validate(SCHEMA_IDS[(target, kind)], conversion.result)
        check_sdk(target, kind, conversion.result)

    check()
