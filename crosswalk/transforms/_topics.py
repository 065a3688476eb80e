"""Every topic module, imported so that their transforms are registered.

A topic is one subject (`messages`, `tools`, ...) with one function per direction.
"""

import importlib

TOPICS: tuple[str, ...] = (
    "messages",
    "output_format",
    "sampling",
    "thinking",
    "tools",
    # ---- section: requests, responses <-> anthropic ----
    "hosted_tools",
    "items",
    "reasoning",
    # ---- end section: requests, responses <-> anthropic ----
    #
    # ---- section: requests, chat <-> responses ----
    "conversation",
    "text_config",
    "tool_specs",
    # ---- end section: requests, chat <-> responses ----
    #
    # ---- section: response bodies, anthropic <-> chat and chat <-> responses ----
    "completion",
    "chat_output",
    # ---- end section: response bodies, anthropic <-> chat and chat <-> responses ----
    #
    # ---- section: response bodies, anthropic <-> responses ----
    "output_items",
    # ---- end section: response bodies, anthropic <-> responses ----
    #
    # ---- section: errors ----
    "errors",
    # ---- end section: errors ----
)

for _topic in TOPICS:
    importlib.import_module(f"crosswalk.transforms.{_topic}")
