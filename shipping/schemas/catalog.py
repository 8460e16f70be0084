"""Request and response bodies of the shipping API. Strict like inventory's (unknown fields are
refused, integers must be JSON integers); money is a decimal string or number in, a string out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from wms.schemas import Input, Patch
from wms.validation import Code, Int32, Text

CODE_PATTERN = r"^[-A-Za-z0-9_.]+$"


class BoxTypeOut(Schema):
    id: int
    code: str
    name: str
    inner_length_mm: int
    inner_width_mm: int
    inner_height_mm: int
    max_weight_g: int
    tare_weight_g: int
    cost: Decimal
    currency: str
    is_active: bool
    clients: list[str] = Field(description="Codes of the clients that may use it; empty: all.")

    @staticmethod
    def resolve_clients(obj: Any) -> list[str]:
        return sorted(client.code for client in obj.clients.all())


class BoxTypeIn(Input):
    code: Code = Field(min_length=1, max_length=32, pattern=CODE_PATTERN)
    name: Text = Field(min_length=1, max_length=120)
    inner_length_mm: Int32 = Field(ge=1)
    inner_width_mm: Int32 = Field(ge=1)
    inner_height_mm: Int32 = Field(ge=1)
    max_weight_g: Int32 = Field(ge=1, description="Gross: contents plus the box.")
    tare_weight_g: Int32 = Field(ge=0, description="The empty box; below max_weight_g.")
    cost: Decimal = Field(ge=0, max_digits=10, decimal_places=2)
    currency: Code = Field("USD", pattern=r"^[A-Z]{3}$")
    clients: list[Code] = Field(
        default_factory=list,
        max_length=500,
        description="Client codes that may use it; empty: every client.",
    )


class BoxTypePatch(Patch):
    code: Code | None = Field(None, min_length=1, max_length=32, pattern=CODE_PATTERN)
    name: Text | None = Field(None, min_length=1, max_length=120)
    inner_length_mm: Int32 | None = Field(None, ge=1)
    inner_width_mm: Int32 | None = Field(None, ge=1)
    inner_height_mm: Int32 | None = Field(None, ge=1)
    max_weight_g: Int32 | None = Field(None, ge=1)
    tare_weight_g: Int32 | None = Field(None, ge=0)
    cost: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    currency: Code | None = Field(None, pattern=r"^[A-Z]{3}$")
    is_active: bool | None = None
    clients: list[Code] | None = Field(None, max_length=500)


class BoxTypeQuery(Schema):
    search: Text = Field("", max_length=100, description="Part of the code or name.")
    active: bool | None = None
    client: Text | None = Field(
        None, max_length=100, description="Only box types this client (code) may use."
    )
