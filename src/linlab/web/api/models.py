"""What the API stores: the learners' API tokens, hashed.

A token is shown once, when it is created; the database keeps only its SHA-256 and a short public
``prefix`` that names it in lists and in ``DELETE /api/v1/tokens/{prefix}``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

__all__ = ["ApiToken"]


class ApiToken(models.Model):
    """One API token of one user (``Authorization: Bearer <token>``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for, as its owner named it.")
    prefix = models.CharField(max_length=16, unique=True, help_text="The token's public part, shown to identify it.")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the whole token, hex.")
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.user} {self.prefix} {self.name}".rstrip()
