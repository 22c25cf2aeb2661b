"""Encrypted model fields: values at rest are Fernet tokens; exact lookup goes through a blind index.

    class StaffProfile(BaseModel):
        national_id = EncryptedCharField(_("national ID number"), max_length=18, blank=True,
                                         mask="national_id", validators=[validate_national_id])
        national_id_index = BlindIndexField(source="national_id", normaliser="national_id")

- Keys: ``settings.WHITEWALL_ENCRYPTION_KEYS`` (Fernet keys, newest first) — never SECRET_KEY.
  Values are written with the newest key and read with any of them (``MultiFernet``);
  ``whitewall keys rotate`` re-encrypts every stored value with the newest key.
- A value that no key decrypts raises ``DecryptionError``: ciphertext is never handed back as if
  it were the value.
- The empty string is stored as the empty string (an optional field left blank holds no secret).
- Encrypted columns cannot be filtered on (the ciphertext differs every time). For exact-match
  lookup a ``BlindIndexField`` keeps HMAC-SHA256(``WHITEWALL_BLIND_INDEX_KEY``, normalised value),
  filled on save; query it with ``blind_index_q(Model, "national_id", value)``.
- Masked display: ``field.mask_value(value)`` (see ``whitewall.core.masking``); tables, detail
  pages and exports mask encrypted columns unless the user holds the model's ``reveal`` action.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models
from django.db.models import Q

from whitewall.core import masking

REVEAL = "reveal"


class DecryptionError(Exception):
    """A stored value could not be decrypted with any key in WHITEWALL_ENCRYPTION_KEYS."""


# --- keys -------------------------------------------------------------------------------------------
@lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured("WHITEWALL_ENCRYPTION_KEYS is empty: set one or more Fernet keys.")
    fernets = [Fernet(key) for key in keys]
    return MultiFernet(fernets), fernets[0]


def keyring() -> MultiFernet:
    """Every configured key (newest first): encrypts with the newest, decrypts with any."""
    return _keyring(tuple(settings.WHITEWALL_ENCRYPTION_KEYS))[0]


def primary_key() -> Fernet:
    return _keyring(tuple(settings.WHITEWALL_ENCRYPTION_KEYS))[1]


def encrypt(value: str) -> str:
    if value == "":
        return ""
    return keyring().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str, *, where: str = "a value") -> str:
    if token == "":
        return ""
    try:
        return keyring().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError, TypeError):
        # Name where the value lives, never the value or a key.
        raise DecryptionError(
            f"Cannot decrypt {where}: no key in WHITEWALL_ENCRYPTION_KEYS opens it "
            "(a key was removed before `whitewall keys rotate` ran, or the value is not encrypted)."
        ) from None


def is_current(token: str) -> bool:
    """True when ``token`` is encrypted with the newest key (rotation has nothing to do)."""
    try:
        primary_key().decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError, TypeError):
        return False
    return True


def rotate_token(token: str, *, where: str = "a value") -> str:
    try:
        return keyring().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError, TypeError):
        raise DecryptionError(
            f"Cannot re-encrypt {where}: no key in WHITEWALL_ENCRYPTION_KEYS opens it."
        ) from None


# --- blind index --------------------------------------------------------------------------------------
def _strip(value: str) -> str:
    return " ".join(value.split()).casefold()


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def _national_id(value: str) -> str:
    return "".join(value.split()).upper()


def _mobile(value: str) -> str:
    digits = _digits(value)
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def _email(value: str) -> str:
    return value.strip().lower()


NORMALISERS = {
    "text": _strip,
    "digits": _digits,
    "national_id": _national_id,
    "mobile": _mobile,
    "email": _email,
}


def normalise(value: str, normaliser: str) -> str:
    return NORMALISERS[normaliser](value or "")


def blind_index_key() -> bytes:
    key = getattr(settings, "WHITEWALL_BLIND_INDEX_KEY", "")
    if not key:
        raise ImproperlyConfigured("WHITEWALL_BLIND_INDEX_KEY is not set.")
    return key.encode("utf-8")


def blind_index(value: str, normaliser: str = "text") -> str:
    """HMAC-SHA256 of the normalised value, keyed with its own key; "" for an empty value.

    The normaliser's name separates domains: the same digits as a mobile number and as a bank
    account give different digests.
    """
    normalised = normalise(value, normaliser)
    if not normalised:
        return ""
    message = normaliser.encode("ascii") + b"\x00" + normalised.encode("utf-8")
    return hmac.new(blind_index_key(), message, hashlib.sha256).hexdigest()


# --- fields ---------------------------------------------------------------------------------------------
class EncryptedFieldMixin:
    """Stores a Fernet token in a text column; Python code only ever sees the clear value."""

    encrypted = True
    _supported_lookups = ("isnull",)

    def __init__(self, *args, mask: str = "generic", **kwargs):
        if mask not in masking.MASKS:
            raise ValueError(f"unknown mask {mask!r}; choose one of {', '.join(masking.MASKS)}")
        self.mask = mask
        if kwargs.get("unique") or kwargs.get("db_index") or kwargs.get("primary_key"):
            raise ValueError("Encrypted fields cannot be unique or indexed; add a BlindIndexField.")
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.mask != "generic":
            kwargs["mask"] = self.mask
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "TextField"  # tokens are longer than the values they hold

    def where(self, pk=None) -> str:
        label = f"{self.model._meta.label}.{self.name}" if hasattr(self, "model") else self.name
        return f"{label} (pk={pk})" if pk is not None else label

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return decrypt(value, where=self.where())

    def to_python(self, value):
        if value is None:
            return value
        return str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name not in self._supported_lookups:
            raise FieldError(
                f"{self.where()} is encrypted and cannot be filtered with '{lookup_name}'; "
                "look it up through its blind index (blind_index_q)."
            )
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        return None

    def mask_value(self, value) -> str:
        return masking.mask(value, self.mask)


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    """A short encrypted value; ``max_length`` limits the clear value (the column is text)."""


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    """A long encrypted value."""


class BlindIndexField(models.CharField):
    """HMAC of another field's normalised value, recomputed on every save of the row.

    With ``save(update_fields=[...])`` list the index next to its source field.
    """

    def __init__(self, *args, source: str, normaliser: str = "text", **kwargs):
        if normaliser not in NORMALISERS:
            raise ValueError(f"unknown normaliser {normaliser!r}; choose one of {', '.join(NORMALISERS)}")
        self.source = source
        self.normaliser = normaliser
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["normaliser"] = self.normaliser
        for key, value in (("max_length", 64), ("editable", False), ("blank", True), ("default", "")):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def digest(self, value: str) -> str:
        return blind_index(value or "", self.normaliser)

    def pre_save(self, model_instance, add):
        value = self.digest(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        try:
            source = self.model._meta.get_field(self.source)
        except Exception:
            source = None
        if not isinstance(source, EncryptedFieldMixin):
            errors.append(
                checks.Error(
                    f"BlindIndexField {self.name} names source {self.source!r}, "
                    "which is not an encrypted field of this model.",
                    obj=self,
                    id="whitewall.E101",
                )
            )
        return errors


# --- helpers ------------------------------------------------------------------------------------------
def is_encrypted(field) -> bool:
    return isinstance(field, EncryptedFieldMixin)


def encrypted_fields(model) -> list[EncryptedFieldMixin]:
    return [f for f in model._meta.concrete_fields if is_encrypted(f)]


def index_fields(model) -> list[BlindIndexField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]


def encrypted_models() -> list[type[models.Model]]:
    """Every installed concrete model with at least one encrypted field."""
    return [
        model
        for model in apps.get_models()
        if not model._meta.proxy and not model._meta.abstract and encrypted_fields(model)
    ]


def blind_index_field(model, source: str) -> BlindIndexField:
    for field in index_fields(model):
        if field.source == source:
            return field
    raise FieldError(f"{model._meta.label}.{source} has no blind index.")


def blind_index_q(model, source: str, value: str) -> Q:
    """An exact-match filter on an encrypted field through its blind index."""
    field = blind_index_field(model, source)
    digest = field.digest(value)
    if not digest:
        return Q(pk__in=[])
    return Q(**{field.attname: digest})


def raw_values(queryset, field_names: list[str], extra: tuple[str, ...] | list[str] = ()):
    """``(pk, token, token, …, extra…)`` rows with the stored ciphertext, not decrypted (for
    rotation and for checks that must see what is at rest)."""
    from django.db.models.functions import Cast

    aliases = {f"_raw_{name}": Cast(name, models.TextField()) for name in field_names}
    return queryset.annotate(**aliases).values_list("pk", *aliases, *extra)
