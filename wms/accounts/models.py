"""Users of one tenant (they live in the tenant's schema) and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MANAGER = "manager", "Manager"
    OPERATOR = "operator", "Floor operator"
    CLIENT = "client", "Client user"


class EmailUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # E-mail addresses are stored lower-case; sign-in accepts any case.
        return self.get(email__iexact=(username or "").strip())

    def _create_user_object(self, email: str, password: str | None, **extra: object) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: object
    ) -> User:
        extra.setdefault("role", Role.OPERATOR)
        user = self._create_user_object(email, password, **extra)
        user.save(using=self._db)
        return user

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: object
    ) -> User:
        extra.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        user = self._create_user_object(email, password, **extra)
        user.save(using=self._db)
        return user


class User(AbstractUser):
    """A person who signs in to one tenant. The role decides what they may do (wms.permissions);
    operators are scoped to their warehouses, client users to their one client: that scope lives
    in inventory (UserScope), beside what it names, and is read through wms.scope."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.OPERATOR)
    # A client user who keeps their own client's users and API tokens in the portal.
    is_client_admin = models.BooleanField(default=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR


TOKEN_PREFIX = "fv"


class ApiToken(models.Model):
    """A bearer token that acts as its user. Only a SHA-256 digest is stored; the secret is shown
    once when the token is made. Tokens are high-entropy, so a fast hash is the right one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    key_prefix = models.CharField(max_length=12, unique=True)
    key_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def digest(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @staticmethod
    def generate() -> tuple[str, str, str]:
        """Returns (full token, prefix, digest)."""
        prefix = secrets.token_hex(4)
        secret = secrets.token_urlsafe(32)
        token = f"{TOKEN_PREFIX}_{prefix}_{secret}"
        return token, prefix, ApiToken.digest(token)
