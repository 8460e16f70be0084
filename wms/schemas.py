"""What every API schema shares, whichever app it belongs to: the strict input bases and the error
envelope every error answers with.

Bodies are strict where a lax parse would hide a mistake: integers must be JSON integers (not
`true`, `"5"` or `2.5`, wms.validation's types) and unknown fields are refused, so a typo never
passes silently. PATCH bodies (`Patch`) change only the fields sent, and refuse `null` where the
field cannot be empty."""

from __future__ import annotations

from typing import Any, ClassVar

from ninja import Field, Schema
from pydantic import ConfigDict, ValidationInfo, field_validator


class Input(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Patch(Input):
    """A partial update: a field left out keeps its value; `null` is allowed only for the fields
    in NULLABLE (it clears them) and is a field error for any other."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*")
    @classmethod
    def null_only_where_nullable(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("This field cannot be null; leave it out to keep its value.")
        return value

    def changes(self) -> dict[str, Any]:
        """The fields the client sent."""
        return self.model_dump(include=self.model_fields_set)


class ErrorBody(Schema):
    code: str = Field(description="Stable for clients: invalid, not_found, insufficient_stock…")
    message: str = Field(description="What was expected and what was found.")
    field_errors: dict[str, list[str]] = Field(
        description="Messages per field (dotted paths for nested fields; __all__ for the whole)."
    )


class ErrorOut(Schema):
    """Every error of the API, whatever its status."""

    error: ErrorBody
