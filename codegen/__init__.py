"""crosswalk's compiler: mapping tables + JSON Schemas -> converters, golden tests, audit.

It reads `schemas/` and `mappings/`, consults the transform registry, and writes
`generated/`; it never imports generated code.
"""

CODEGEN_VERSION = "1"
