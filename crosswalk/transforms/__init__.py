"""Named transforms that mapping tables call, and the context they run in.

Topic modules import from the private modules (`_context`, `_registry`, ...) so that this
package can import them all at the end, registering every transform in one place.
"""

from crosswalk.transforms._context import Context
from crosswalk.transforms._options import Options
from crosswalk.transforms._policy import ModelPolicy, ModelRule
from crosswalk.transforms._registry import REGISTRY, TransformSpec, transform
from crosswalk.transforms._rules import FieldRule
from crosswalk.transforms._topics import TOPICS

__all__ = [
    "REGISTRY",
    "TOPICS",
    "Context",
    "FieldRule",
    "ModelPolicy",
    "ModelRule",
    "Options",
    "TransformSpec",
    "transform",
]
