"""ERP connection passwords at rest: wms.crypto (shared with webhook signing secrets)."""

from wms.crypto import decrypt, encrypt

__all__ = ["decrypt", "encrypt"]
