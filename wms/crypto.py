"""Secrets at rest (ERP passwords, webhook signing secrets): Fernet (AES-128-CBC with an
HMAC-SHA256, from `cryptography`), keyed by ERP_CREDENTIALS_KEY when set, else by a key derived
from SECRET_KEY with HKDF. The derived key means a deployment needs nothing new; a dedicated key
lets SECRET_KEY rotate without re-entering every secret (ERP_CREDENTIALS_OLD_KEYS still decrypts
during a rotation). The HKDF label keeps its first name ("erp") so that secrets stored before
the move to wms still open."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derived(secret: str) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"fluxvantage-erp-credentials"
    )
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


def _fernet() -> MultiFernet:
    primary = settings.ERP_CREDENTIALS_KEY or _derived(settings.SECRET_KEY)
    older = [key for key in settings.ERP_CREDENTIALS_OLD_KEYS if key]
    return MultiFernet([Fernet(primary), *(Fernet(key) for key in older)])


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    """The secret, or "" when there is none or it was encrypted under a key we no longer
    have (an ERP connection then fails to log in and says so)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
