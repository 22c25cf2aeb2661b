"""A test-only model that proves the encrypted field types apart from any business module."""

from django.db import models

from whitewall.core.encryption import BlindIndexField, EncryptedCharField, EncryptedTextField
from whitewall.core.querysets import RestrictedQuerySet


class Secret(models.Model):
    label = models.CharField(max_length=50, blank=True)
    code = EncryptedCharField(max_length=40, blank=True, mask="generic")
    code_index = BlindIndexField(source="code", normaliser="text")
    mobile = EncryptedCharField(max_length=11, blank=True, mask="mobile")
    mobile_index = BlindIndexField(source="mobile", normaliser="mobile")
    notes = EncryptedTextField(blank=True, null=True)

    objects = RestrictedQuerySet.as_manager()

    def __str__(self) -> str:
        return self.label or f"secret {self.pk}"
