"""The ERP adapters: one per kind of ERP, all behind erp.adapters.base.ErpAdapter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from erp.adapters.base import ErpAdapter
from erp.models import ErpKind
from wms.crypto import decrypt

if TYPE_CHECKING:
    from erp.models import ErpConnection


def adapter_for(connection: ErpConnection) -> ErpAdapter:
    """A session-less adapter for the connection's kind (use it as a context manager)."""
    if connection.kind == ErpKind.TRYTON:
        from erp.adapters.tryton import TrytonAdapter

        return TrytonAdapter(
            url=connection.url,
            database=connection.database,
            username=connection.username,
            password=decrypt(connection.password_encrypted),
            timeout=settings.ERP_TIMEOUT,
        )
    raise ValueError(f"no adapter for ERP kind {connection.kind!r}")
