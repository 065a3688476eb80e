"""Structured output: Chat `response_format` <-> Anthropic `output_config.format`.

Both constrain the reply to a JSON Schema; Anthropic's format has no name, description
or strict flag (it is always enforced), and Chat's JSON mode (`json_object`) has no
Anthropic counterpart. Schemas travel by reference, never copied.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform

# Chat requires a name for a json_schema response format; Anthropic's format has none.
ANTHROPIC_FORMAT_NAME = "output"


@transform(
    "output_format.chat_to_anthropic",
    source="chat.request",
    target="anthropic.request",
    reads=("/response_format",),
    writes=("/output_config/format",),
    handles=(
        "ResponseFormatText",
        "ResponseFormatJSONObject",
        "JSONSchema/name",
        "JSONSchema/description",
        "JSONSchema/strict",
    ),
)
def chat_to_anthropic(response_format: Mapping[str, Any], ctx: Context) -> dict[str, Any] | None:
    """`response_format` -> `output_config.format`.

    json_schema -> {"type": "json_schema", "schema": <same object>}; its name,
    description and strict follow their rows (strict is neutral: Anthropic always
    enforces). text is neutral; json_object, or a json_schema without a schema, is
    dropped under the json_object row's reason (nothing to enforce).
    Example: {"type": "json_schema", "json_schema": {"name": "x", "schema": S}} ->
    {"type": "json_schema", "schema": S}, dropped /response_format/json_schema/name.
    """
    kind = response_format.get("type")
    if kind == "text":
        ctx.apply_drop("ResponseFormatText", "/response_format", response_format)
        return None
    spec = response_format.get("json_schema") if kind == "json_schema" else None
    if spec is None or spec.get("schema") is None:
        ctx.apply_drop("ResponseFormatJSONObject", "/response_format", response_format)
        return None
    apply_drops(
        ctx, "JSONSchema", spec, ("name", "description", "strict"), "/response_format/json_schema"
    )
    return {"type": "json_schema", "schema": spec["schema"]}


@transform(
    "output_format.anthropic_to_chat",
    source="anthropic.request",
    target="chat.request",
    reads=("/output_config/format",),
    writes=("/response_format",),
)
def anthropic_to_chat(output_format: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    """`output_config.format` -> `response_format` json_schema, named "output", strict.

    Why strict: Anthropic always enforces the schema; OpenAI does only when strict.
    Reports nothing. Example: {"type": "json_schema", "schema": S} -> {"type":
    "json_schema", "json_schema": {"name": "output", "schema": S, "strict": True}}.
    """
    return {
        "type": "json_schema",
        "json_schema": {
            "name": ANTHROPIC_FORMAT_NAME,
            "schema": output_format["schema"],
            "strict": True,
        },
    }
