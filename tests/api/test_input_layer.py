"""Every input of every API operation (body, query, path and header, nested models included)
goes through wms.validation: each string is checked by one of its validators (text, multi-line
text, scan or code), each integer carries both bounds of its column. A route added later with a
plain `str` or unbounded `int` fails here, before a fuzzer or a user finds the 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wms import validation
from wms.api import api

# Schemas that hold other values: a check on the container is none on what it holds.
CONTAINERS = {
    "list", "set", "tuple", "dict", "union", "tagged-union", "model", "model-fields",
    "model-field", "typed-dict", "dataclass", "arguments", "definitions",
}  # fmt: skip
LAYER = {validation._text, validation._multiline, validation._scan, validation._code}


def operations() -> Iterator[tuple[str, Any]]:
    for router in api._get_bound_routers():
        for path, view in router.path_operations.items():
            for operation in view.operations:
                yield f"{'/'.join(operation.methods)} {path}", operation


def checks(schema: dict[str, Any]) -> bool:
    """Whether a step of a chain is, or wraps, one of the layer's validators."""
    while schema.get("type") not in CONTAINERS and "schema" in schema:
        if schema.get("type") == "function-after" and schema["function"]["function"] in LAYER:
            return True
        schema = schema["schema"]
    return False


def unchecked(schema: Any, where: str, layered: bool = False) -> Iterator[str]:
    """Paths in a pydantic core schema to strings no layer validator checks and to integers
    without both bounds."""
    if isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from unchecked(item, f"{where}[{index}]", layered)
        return
    if not isinstance(schema, dict):
        return
    kind = schema.get("type")
    if kind == "function-after":
        ours = schema["function"]["function"] in LAYER
        yield from unchecked(schema["schema"], where, layered or ours)
        return
    if kind == "chain":
        # A constraint pydantic cannot push into the checked type (a pattern on `Code | None`)
        # runs as a second step on the value the layer already checked.
        ours = any(checks(step) for step in schema["steps"])
        yield from unchecked(schema["steps"], f"{where}.steps", layered or ours)
        return
    if kind == "str" and not layered:
        yield f"{where}: str without a wms.validation check"
    if kind == "int" and not ("ge" in schema and "le" in schema):
        yield f"{where}: int without both bounds"
    for key, value in schema.items():
        if key not in ("serialization", "metadata"):
            # A wrapper (nullable, a default, Patch's null check) keeps what it wraps checked.
            yield from unchecked(value, f"{where}.{key}", layered and kind not in CONTAINERS)


def test_every_api_input_is_checked_by_the_validation_layer() -> None:
    problems = []
    count = 0
    for label, operation in operations():
        for model in operation.models:
            count += 1
            problems += [
                f"{label} {model.__name__}{p}"
                for p in unchecked(model.__pydantic_core_schema__, "")
            ]
    assert count >= 70
    assert not problems, "\n".join(problems)
