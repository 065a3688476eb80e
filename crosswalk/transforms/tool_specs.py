"""Tool definitions and tool choice between Chat Completions and Responses.

Both APIs declare function tools and custom (free-form text) tools; Chat wraps each in a
`function` / `custom` object where Responses flattens it, and Chat's web search is a
request option (`web_search_options`) where Responses has a `web_search` tool. The
hosted tools only Responses has (file search, computer use, MCP, code interpreter, ...)
run on OpenAI's side or follow built-in schemas Chat cannot declare: their table rows
drop them whole, with the reason. A Responses `namespace` groups tools; Chat has no
namespaces, so its tools are declared by their own names.

Tool JSON schemas travel by reference. Tool names are never altered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from crosswalk.transforms._context import Context, apply_drops
from crosswalk.transforms._registry import transform
from crosswalk.transforms.unions import RESPONSES_HOSTED_TOOLS

# Chat function tools are non-strict unless asked; Responses normalises a function's
# schema into strict mode unless `strict: false` is sent. Each direction keeps the
# source's meaning explicit.
_CHAT_DEFAULT_STRICT = False
_LOCATION_KEYS = ("city", "country", "region", "timezone")

_WEB_SEARCH = frozenset({"web_search", "web_search_2025_08_26"})
_WEB_SEARCH_PREVIEW = frozenset({"web_search_preview", "web_search_preview_2025_03_11"})
# Fields of Responses function/custom tools with no Chat counterpart, per definition.
_FUNCTION_EXTRAS = ("allowed_callers", "async", "defer_loading", "output_schema")
_CUSTOM_EXTRAS = ("allowed_callers", "async", "defer_loading")
# Responses tool_choice `type` -> the definition whose whole-definition row drops it.
_HOSTED_CHOICES: Mapping[str, str] = {
    "mcp": "ToolChoiceMcpParam",
    "programmatic_tool_calling": "ToolChoiceSpecificProgrammaticToolCallingParam",
    "apply_patch": "ToolChoiceApplyPatchParam",
    "shell": "ToolChoiceShellParam",
}
_NOT_A_TOOL_REFERENCE = "not a function or custom tool reference; the other API cannot name it"
_NO_TOOLS = (
    "no tool reaches Chat (each declared tool was dropped), and Chat rejects {what} without tools"
)


# ---------------------------------------------------------------------------------
# chat -> responses
# ---------------------------------------------------------------------------------


def _responses_function(fn: Mapping[str, Any]) -> dict[str, Any]:
    """A Chat function definition (or legacy function) -> a Responses function tool.

    `parameters` and `strict` are required (nullable) in Responses: absent parameters
    become null (a function without arguments), absent strict becomes false (Chat's
    default; Responses would otherwise apply strict mode).
    Example: {"name": "f"} -> {"type": "function", "name": "f", "parameters": None,
    "strict": False}.
    """
    tool: dict[str, Any] = {"type": "function", "name": fn["name"]}
    if (description := fn.get("description")) is not None:
        tool["description"] = description
    tool["parameters"] = fn.get("parameters")
    strict = fn.get("strict")
    tool["strict"] = _CHAT_DEFAULT_STRICT if strict is None else strict
    return tool


def _responses_format(fmt: Mapping[str, Any]) -> dict[str, Any]:
    """A Chat custom tool format -> the Responses one (the grammar's fields move up).

    Example: {"type": "grammar", "grammar": {"syntax": "lark", "definition": D}} ->
    {"type": "grammar", "syntax": "lark", "definition": D}.
    """
    if fmt["type"] == "grammar":
        grammar = fmt["grammar"]
        return {"type": "grammar", "syntax": grammar["syntax"], "definition": grammar["definition"]}
    return {"type": "text"}


def _responses_custom(custom: Mapping[str, Any]) -> dict[str, Any]:
    """A Chat custom tool -> a Responses custom tool (same name, description, format)."""
    tool: dict[str, Any] = {"type": "custom", "name": custom["name"]}
    if (description := custom.get("description")) is not None:
        tool["description"] = description
    if (fmt := custom.get("format")) is not None:
        tool["format"] = _responses_format(fmt)
    return tool


def _responses_web_search(options: Mapping[str, Any]) -> dict[str, Any]:
    """Chat `web_search_options` -> a Responses `web_search` tool.

    The approximate location's fields move up one level.
    Example: {"user_location": {"type": "approximate", "approximate": {"city": "Paris"}}}
    -> {"type": "web_search", "user_location": {"type": "approximate", "city": "Paris"}}.
    """
    tool: dict[str, Any] = {"type": "web_search"}
    if (size := options.get("search_context_size")) is not None:
        tool["search_context_size"] = size
    location = options.get("user_location")
    if location is not None:
        tool["user_location"] = {"type": "approximate", **location["approximate"]}
    return tool


@transform(
    "tool_specs.chat_to_responses",
    source="chat.request",
    target="responses.request",
    reads=("/tools", "/functions", "/web_search_options"),
    writes=("/tools",),
)
def chat_to_responses(
    tools: Sequence[Mapping[str, Any]] | None,
    functions: Sequence[Mapping[str, Any]] | None,
    web_search_options: Mapping[str, Any] | None,
    ctx: Context,
) -> list[dict[str, Any]] | None:
    """`tools` + legacy `functions` + `web_search_options` -> Responses `tools`.

    Function and custom tools flatten (same name, description, schema by reference,
    format); legacy functions follow the tools; web search options become a
    `web_search` tool. Reports nothing: everything has a Responses counterpart.
    Example: [{"type": "function", "function": {"name": "f", "parameters": S,
    "strict": True}}] -> [{"type": "function", "name": "f", "parameters": S,
    "strict": True}].
    """
    out: list[dict[str, Any]] = []
    for item in tools or ():
        if item["type"] == "custom":
            out.append(_responses_custom(item["custom"]))
        else:
            out.append(_responses_function(item["function"]))
    out.extend(_responses_function(fn) for fn in functions or ())
    if web_search_options is not None:
        out.append(_responses_web_search(web_search_options))
    return out or None


def _responses_allowed_tool(ref: Any) -> dict[str, Any] | None:
    """One Chat allowed-tools entry -> the Responses shape, or None if unrecognised.

    Example: {"type": "function", "function": {"name": "f"}} -> {"type": "function",
    "name": "f"}.
    """
    if not isinstance(ref, Mapping):
        return None
    kind = ref.get("type")
    inner = ref.get(kind) if isinstance(kind, str) else None
    if kind in ("function", "custom") and isinstance(inner, Mapping):
        name = inner.get("name")
        if isinstance(name, str):
            return {"type": kind, "name": name}
    return None


def _responses_choice(
    choice: str | Mapping[str, Any], pointer: str, ctx: Context
) -> str | dict[str, Any]:
    """One Chat tool_choice (or legacy function_call) -> a Responses tool_choice.

    The strings are the same in both APIs; named choices flatten; allowed_tools keeps
    its mode and converts each tool reference (an unrecognised one is dropped).
    Example: {"type": "function", "function": {"name": "f"}} -> {"type": "function",
    "name": "f"}.
    """
    if isinstance(choice, str):
        return choice
    kind = choice.get("type")
    if kind == "allowed_tools":
        allowed = choice["allowed_tools"]
        refs = []
        for index, ref in enumerate(allowed["tools"]):
            converted = _responses_allowed_tool(ref)
            if converted is None:
                ctx.dropped(f"{pointer}/allowed_tools/tools/{index}", _NOT_A_TOOL_REFERENCE)
            else:
                refs.append(converted)
        return {"type": "allowed_tools", "mode": allowed["mode"], "tools": refs}
    if kind == "custom":
        return {"type": "custom", "name": choice["custom"]["name"]}
    if kind == "function":
        return {"type": "function", "name": choice["function"]["name"]}
    # legacy function_call {"name": ...}
    return {"type": "function", "name": choice["name"]}


@transform(
    "tool_specs.choice_chat_to_responses",
    source="chat.request",
    target="responses.request",
    reads=("/tool_choice", "/function_call"),
    writes=("/tool_choice",),
)
def choice_chat_to_responses(
    tool_choice: str | Mapping[str, Any] | None,
    function_call: str | Mapping[str, Any] | None,
    ctx: Context,
) -> str | dict[str, Any] | None:
    """`tool_choice` (else legacy `function_call`) -> Responses `tool_choice`.

    `tool_choice` supersedes `function_call` (reported dropped).
    Example: (None, {"name": "f"}) -> {"type": "function", "name": "f"}.
    """
    if tool_choice is not None:
        if function_call is not None:
            ctx.dropped("/function_call", "superseded by /tool_choice")
        return _responses_choice(tool_choice, "/tool_choice", ctx)
    if function_call is not None:
        return _responses_choice(function_call, "/function_call", ctx)
    return None


# ---------------------------------------------------------------------------------
# responses -> chat
# ---------------------------------------------------------------------------------


def _chat_function(
    tool: Mapping[str, Any], definition: str, pointer: str, ctx: Context
) -> dict[str, Any]:
    """A Responses function tool -> a Chat function tool.

    null parameters mean no arguments (Chat: parameters omitted); a non-object value
    (a namespaced function's parameters are untyped) is reported dropped. strict null or
    absent means Responses' strict mode, which Chat does not apply unasked and which
    needs a strict-ready schema: the tool is sent non-strict (`coerced`).
    Example: {"type": "function", "name": "f", "parameters": None, "strict": False} ->
    {"type": "function", "function": {"name": "f", "strict": False}}.
    """
    fn: dict[str, Any] = {"name": tool["name"]}
    if (description := tool.get("description")) is not None:
        fn["description"] = description
    parameters = tool.get("parameters")
    if isinstance(parameters, Mapping):
        fn["parameters"] = parameters
    elif parameters is not None:
        ctx.dropped(f"{pointer}/parameters", "not a JSON Schema object; Chat needs an object")
    strict = tool.get("strict")
    if strict is None:
        ctx.coerced(
            f"{pointer}/strict",
            "unset strict means strict mode in Responses; Chat does not normalise schemas "
            "into strict mode, so the tool is sent non-strict",
        )
    else:
        fn["strict"] = strict
    apply_drops(ctx, definition, tool, _FUNCTION_EXTRAS, pointer)
    return {"type": "function", "function": fn}


def _chat_format(fmt: Mapping[str, Any]) -> dict[str, Any]:
    """A Responses custom tool format -> Chat's (the grammar's fields move down).

    Example: {"type": "grammar", "syntax": "regex", "definition": "\\\\d+"} ->
    {"type": "grammar", "grammar": {"syntax": "regex", "definition": "\\\\d+"}}.
    """
    if fmt["type"] == "grammar":
        return {
            "type": "grammar",
            "grammar": {"syntax": fmt["syntax"], "definition": fmt["definition"]},
        }
    return {"type": "text"}


def _chat_custom(tool: Mapping[str, Any], pointer: str, ctx: Context) -> dict[str, Any]:
    """A Responses custom tool -> a Chat custom tool (same name, description, format)."""
    custom: dict[str, Any] = {"name": tool["name"]}
    if (description := tool.get("description")) is not None:
        custom["description"] = description
    if (fmt := tool.get("format")) is not None:
        custom["format"] = _chat_format(fmt)
    apply_drops(ctx, "CustomToolParam", tool, _CUSTOM_EXTRAS, pointer)
    return {"type": "custom", "custom": custom}


def _chat_web_search(tool: Mapping[str, Any], pointer: str, ctx: Context) -> dict[str, Any]:
    """A Responses web search tool (GA or preview) -> Chat `web_search_options`.

    Example: {"type": "web_search", "search_context_size": "low", "user_location":
    {"city": "Paris"}} -> {"search_context_size": "low", "user_location": {"type":
    "approximate", "approximate": {"city": "Paris"}}}.
    """
    if tool["type"] in _WEB_SEARCH:
        apply_drops(ctx, "WebSearchToolParam", tool, ("external_web_access", "filters"), pointer)
    else:
        apply_drops(ctx, "WebSearchPreviewToolParam", tool, ("search_content_types",), pointer)
    options: dict[str, Any] = {}
    if (size := tool.get("search_context_size")) is not None:
        options["search_context_size"] = size
    location = tool.get("user_location")
    if location is not None:
        approximate = {k: location[k] for k in _LOCATION_KEYS if location.get(k) is not None}
        options["user_location"] = {"type": "approximate", "approximate": approximate}
    return options


class _ChatTools:
    """Chat tools under construction: one declaration per name, one web search."""

    __slots__ = ("ctx", "names", "tools", "web_search")

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.tools: list[dict[str, Any]] = []
        self.names: set[str] = set()
        self.web_search: dict[str, Any] | None = None

    def add(self, tool: Mapping[str, Any], pointer: str) -> None:
        kind = tool["type"]
        if kind in ("function", "custom"):
            self._declare(tool, pointer, "FunctionToolParam")
        elif kind == "namespace":
            apply_drops(self.ctx, "NamespaceToolParam", tool, ("name", "description"), pointer)
            for index, inner in enumerate(tool["tools"]):
                self._declare(inner, f"{pointer}/tools/{index}", "ToolFunction")
        elif kind in _WEB_SEARCH or kind in _WEB_SEARCH_PREVIEW:
            if self.web_search is not None:
                self.ctx.dropped(pointer, "Chat takes one web_search_options; the first was kept")
            else:
                self.web_search = _chat_web_search(tool, pointer, self.ctx)
        elif (definition := RESPONSES_HOSTED_TOOLS.get(str(kind))) is not None:
            self.ctx.apply_drop(definition, pointer, tool)
        else:
            self.ctx.dropped(pointer, f"unknown Responses tool type {kind!r}: no row maps it")

    def _declare(self, tool: Mapping[str, Any], pointer: str, function_def: str) -> None:
        """Declare a function or custom tool (`function_def` names the function's
        definition: top-level or inside a namespace); a repeated name keeps the first."""
        name = tool["name"]
        if name in self.names:
            self.ctx.dropped(
                pointer,
                "a tool of this name is already declared (namespaces are flattened in Chat)",
            )
            return
        self.names.add(name)
        if tool["type"] == "custom":
            self.tools.append(_chat_custom(tool, pointer, self.ctx))
        else:
            self.tools.append(_chat_function(tool, function_def, pointer, self.ctx))


@transform(
    "tool_specs.responses_to_chat",
    source="responses.request",
    target="chat.request",
    reads=("/tools",),
    writes=("/tools", "/web_search_options"),
    handles=(
        *(f"FunctionToolParam/{key}" for key in _FUNCTION_EXTRAS),
        *(f"ToolFunction/{key}" for key in _FUNCTION_EXTRAS),
        *(f"CustomToolParam/{key}" for key in _CUSTOM_EXTRAS),
        "NamespaceToolParam/name",
        "NamespaceToolParam/description",
        "WebSearchToolParam/external_web_access",
        "WebSearchToolParam/filters",
        "WebSearchPreviewToolParam/search_content_types",
        *sorted(RESPONSES_HOSTED_TOOLS.values()),
    ),
)
def responses_to_chat(
    tools: Sequence[Mapping[str, Any]], ctx: Context
) -> tuple[list[dict[str, Any]] | None, dict[str, Any] | None]:
    """Responses `tools` -> Chat (`tools`, `web_search_options`).

    Function and custom tools keep name, description, schema (by reference), strict and
    format; a namespace's tools are declared by their own names (a name declared twice
    keeps the first); the first web search tool becomes `web_search_options`; hosted
    tools are dropped by their definitions' rows.
    Example: [{"type": "custom", "name": "apply_patch"}, {"type": "web_search"}] ->
    ([{"type": "custom", "custom": {"name": "apply_patch"}}], {}).
    """
    built = _ChatTools(ctx)
    for index, tool in enumerate(tools):
        built.add(tool, f"/tools/{index}")
    return built.tools or None, built.web_search


def _chat_allowed_tool(ref: Any) -> dict[str, Any] | None:
    """One Responses allowed-tools entry -> the Chat shape, or None if Chat cannot name it.

    Example: {"type": "custom", "name": "g"} -> {"type": "custom", "custom": {"name": "g"}}.
    """
    if not isinstance(ref, Mapping):
        return None
    kind = ref.get("type")
    name = ref.get("name")
    if kind in ("function", "custom") and isinstance(name, str):
        return {"type": kind, kind: {"name": name}}
    return None


def _chat_choice(choice: str | Mapping[str, Any], ctx: Context) -> str | dict[str, Any] | None:
    """One Responses tool_choice -> Chat's, or None when its row drops it.

    Example: {"type": "function", "name": "f"} -> {"type": "function", "function":
    {"name": "f"}}.
    """
    if isinstance(choice, str):
        return choice
    kind = choice["type"]
    if kind in ("function", "custom"):
        return {"type": kind, kind: {"name": choice["name"]}}
    if kind == "allowed_tools":
        refs = []
        for index, ref in enumerate(choice["tools"]):
            converted = _chat_allowed_tool(ref)
            if converted is None:
                ctx.dropped(f"/tool_choice/tools/{index}", _NOT_A_TOOL_REFERENCE)
            else:
                refs.append(converted)
        return {"type": "allowed_tools", "allowed_tools": {"mode": choice["mode"], "tools": refs}}
    ctx.apply_drop(_HOSTED_CHOICES.get(kind, "ToolChoiceTypesParam"), "/tool_choice", choice)
    return None


@transform(
    "tool_specs.choice_responses_to_chat",
    source="responses.request",
    target="chat.request",
    reads=("/tool_choice", "/parallel_tool_calls"),
    writes=("/tool_choice", "/parallel_tool_calls"),
    handles=("ToolChoiceTypesParam", *sorted(_HOSTED_CHOICES.values())),
)
def choice_responses_to_chat(
    tool_choice: str | Mapping[str, Any] | None,
    parallel_tool_calls: bool | None,
    ctx: Context,
) -> tuple[str | dict[str, Any] | None, bool | None]:
    """Responses (`tool_choice`, `parallel_tool_calls`) -> Chat's.

    Named choices nest under `function` / `custom`; a choice forcing a hosted tool is
    dropped by its row (Chat then chooses freely). Chat rejects both fields when no
    tool is declared: with no Chat tools, "auto" and "none" and either
    parallel_tool_calls value change nothing and are left out; "required" (or a named
    tool) is reported dropped.
    Example: ("required", False) -> ("required", False) when Chat tools exist.
    """
    has_tools = bool(ctx.out.get("tools"))
    choice = None if tool_choice is None else _chat_choice(tool_choice, ctx)
    if has_tools:
        return choice, parallel_tool_calls
    if choice is not None and choice not in ("auto", "none"):
        ctx.dropped("/tool_choice", _NO_TOOLS.format(what="tool_choice"))
    return None, None
