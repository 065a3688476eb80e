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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from crosswalk.convert import SCHEMA_IDS, run
from crosswalk.errors import ConversionError
from crosswalk.validate import validate

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
PAIRS = [("chat", "anthropic"), ("anthropic", "chat")]

# hypothesis-jsonschema cannot canonicalise the full Anthropic beta schema (353 definitions)
# in reasonable time, so unions there are cut to the kinds real clients send; every other
# union member is covered by the golden examples of its table row instead.
CORE = frozenset(
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
)
PRUNED_ROOT = (
    "container",
    "mcp_servers",
    "context_management",
    "fallbacks",
    "compaction",
    "thread",
)


def prune(node: Any) -> Any:
    """Keep only CORE members of unions that have any; drop citation/other exotic members."""
    if isinstance(node, list):
        return [prune(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: prune(v) for k, v in node.items() if k != "discriminator"}
    for key in ("anyOf", "oneOf"):
        members = out.get(key)
        if not members:
            continue
        refs = [m.get("$ref", "").rsplit("/", 1)[-1] for m in members]
        if any(r in CORE for r in refs):
            out[key] = [
                m for m, r in zip(members, refs, strict=True) if r in CORE or "$ref" not in m
            ]
    return out


def load_schema(schema_id: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / f"{schema_id}.json").read_text())
    if schema_id != "anthropic.request":
        return schema
    schema = prune(schema)
    for name in PRUNED_ROOT:
        schema["properties"].pop(name, None)
    for prop in ("citations",):
        schema["$defs"]["BetaTextBlockParam"]["properties"].pop(prop, None)
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


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{s}->{t}" for s, t in PAIRS])
def test_any_valid_request_converts_or_raises_conversion_error(source: str, target: str) -> None:
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    @given(bodies(SCHEMA_IDS[(source, "request")]))
    def check(body: dict[str, Any]) -> None:
        try:
            conversion = run(source, target, "request", body)
        except ConversionError as exc:
            assert exc.pointer == "" or exc.pointer.startswith("/")
            return
        validate(SCHEMA_IDS[(target, "request")], conversion.result)

    check()
