"""Every topic module, imported so that their transforms are registered.

A topic is one subject (`messages`, `tools`, ...) with one function per direction.
"""

import importlib

TOPICS: tuple[str, ...] = ("messages", "output_format", "sampling", "thinking", "tools")

for _topic in TOPICS:
    importlib.import_module(f"crosswalk.transforms.{_topic}")
