"""The API's shared input bases and integer type, which live in wms (every app, billing and the
portal included, uses the same ones); kept importable here for the inventory schemas."""

from __future__ import annotations

from wms.schemas import Input, Patch
from wms.validation import Int32 as StrictInt

__all__ = ["Input", "Patch", "StrictInt"]
