"""Streams: incremental translation, synthesis and accumulation between the formats.

See DESIGN.md (Streams). `Translator`, `synthesize` and `accumulate` are the entry
points; `events` is the neutral vocabulary between the per-format readers and writers.
"""

from crosswalk.stream.translate import Accumulated, Translator, accumulate, synthesize

__all__ = ["Accumulated", "Translator", "accumulate", "synthesize"]
