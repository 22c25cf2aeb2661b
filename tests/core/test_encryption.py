"""Encrypted fields, blind indexes, masking and key rotation (clauses 4.1.2, 6.1.2)."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from whitewall.core import encryption, masking
from whitewall.testapps.crypto.models import Secret

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
INDEX_KEY_1 = "index-key-one-" + "1" * 32
INDEX_KEY_2 = "index-key-two-" + "2" * 32


def raw_row(pk: int) -> dict[str, object]:
    table = connection.ops.quote_name(Secret._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608 - table name is ours
        columns = [column[0] for column in cursor.description]
        return dict(zip(columns, cursor.fetchone(), strict=True))


pytestmark = pytest.mark.django_db


@override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_A])
def test_round_trip_stores_a_token_and_reads_the_clear_value():
    secret = Secret.objects.create(code="ABC-123", mobile="13812345678", notes="长文本 " * 50)
    fresh = Secret.objects.get(pk=secret.pk)
    assert (fresh.code, fresh.mobile, fresh.notes) == ("ABC-123", "13812345678", "长文本 " * 50)
    row = raw_row(secret.pk)
    for column, clear in (("code", "ABC-123"), ("mobile", "13812345678")):
        assert clear not in row[column]
        assert Fernet(KEY_A).decrypt(row[column].encode()).decode() == clear
    # values() and values_list() decrypt too: ciphertext never comes back as a value.
    assert Secret.objects.values_list("code", flat=True).get(pk=secret.pk) == "ABC-123"


@override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_A])
def test_empty_and_null_values_stay_empty():
    secret = Secret.objects.create(code="", mobile="", notes=None)
    row = raw_row(secret.pk)
    assert (row["code"], row["mobile"], row["notes"]) == ("", "", None)
    assert row["code_index"] == ""
    fresh = Secret.objects.get(pk=secret.pk)
    assert (fresh.code, fresh.notes) == ("", None)


def test_a_wrong_key_raises_and_never_returns_ciphertext():
    with override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_A]):
        secret = Secret.objects.create(code="top-secret-value")
    token = raw_row(secret.pk)["code"]
    with override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_B]):
        with pytest.raises(encryption.DecryptionError) as caught:
            Secret.objects.get(pk=secret.pk)
        with pytest.raises(encryption.DecryptionError):
            list(Secret.objects.values_list("code", flat=True))
    message = str(caught.value)
    assert "testapp_crypto.Secret.code" in message
    assert "top-secret-value" not in message and token not in message and KEY_A not in message


@override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_A])
def test_plaintext_in_the_column_raises_rather_than_being_shown():
    secret = Secret.objects.create(code="x")
    Secret.objects.filter(pk=secret.pk).update(code=encryption.encrypt("x"))  # normal path
    table = connection.ops.quote_name(Secret._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET code = %s WHERE id = %s", ["plain text", secret.pk])  # noqa: S608
    with pytest.raises(encryption.DecryptionError):
        Secret.objects.get(pk=secret.pk)


def test_encrypted_columns_cannot_be_filtered_directly():
    with pytest.raises(FieldError, match="blind index"):
        list(Secret.objects.filter(code="ABC"))
    with pytest.raises(FieldError):
        list(Secret.objects.filter(code__icontains="A"))
    assert list(Secret.objects.filter(notes__isnull=True)) == []


@override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_A], WHITEWALL_BLIND_INDEX_KEY=INDEX_KEY_1)
def test_blind_index_finds_exact_values_after_normalising():
    wanted = Secret.objects.create(label="wanted", code="  Alpha  Beta ", mobile="13812345678")
    Secret.objects.create(label="other", code="alpha", mobile="13900001111")
    assert list(Secret.objects.filter(encryption.blind_index_q(Secret, "code", "alpha beta"))) == [wanted]
    by_mobile = Secret.objects.filter(encryption.blind_index_q(Secret, "mobile", "+86 138 1234 5678"))
    assert list(by_mobile) == [wanted]
    assert not Secret.objects.filter(encryption.blind_index_q(Secret, "mobile", "13812345679")).exists()
    assert not Secret.objects.filter(encryption.blind_index_q(Secret, "mobile", "")).exists()
    # The index is a keyed HMAC, not a plain hash of the value.
    row = raw_row(wanted.pk)
    assert len(row["mobile_index"]) == 64 and "13812345678" not in row["mobile_index"]


def test_blind_index_differs_per_key_and_per_kind():
    with override_settings(WHITEWALL_BLIND_INDEX_KEY=INDEX_KEY_1):
        first = encryption.blind_index("13812345678", "mobile")
        as_digits = encryption.blind_index("13812345678", "digits")
    with override_settings(WHITEWALL_BLIND_INDEX_KEY=INDEX_KEY_2):
        second = encryption.blind_index("13812345678", "mobile")
    assert first != second
    assert first != as_digits
    assert len(first) == 64


def test_generate_prints_a_usable_key():
    out = io.StringIO()
    call_command("keys", "generate", stdout=out)
    Fernet(out.getvalue().strip())  # a valid Fernet key


def test_rotation_reencrypts_in_batches_and_old_key_can_go():
    with override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_A], WHITEWALL_BLIND_INDEX_KEY=INDEX_KEY_1):
        secrets = [
            Secret.objects.create(label=f"s{i}", code=f"code-{i}", mobile=f"1381234{i:04d}", notes=f"n{i}")
            for i in range(7)
        ]
        Secret.objects.create(label="blank")
    with override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_B, KEY_A], WHITEWALL_BLIND_INDEX_KEY=INDEX_KEY_1):
        out = io.StringIO()
        call_command("keys", "rotate", "--batch-size", "3", stdout=out)
        output = out.getvalue()
        assert "testapp_crypto.Secret: 3/8 rows" in output  # progress per batch
        assert "testapp_crypto.Secret: 8/8 rows, 21 values re-encrypted" in output
        assert KEY_A not in output and KEY_B not in output
        # Idempotent: a second run finds nothing to do.
        again = io.StringIO()
        call_command("keys", "rotate", stdout=again)
        assert "testapp_crypto.Secret: 8/8 rows, 0 values re-encrypted, 0 indexes updated" in again.getvalue()
    # The old key is removed: everything still decrypts with the new key alone.
    with override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_B], WHITEWALL_BLIND_INDEX_KEY=INDEX_KEY_1):
        for secret in secrets:
            fresh = Secret.objects.get(pk=secret.pk)
            assert (fresh.code, fresh.mobile, fresh.notes) == (secret.code, secret.mobile, secret.notes)
            row = raw_row(secret.pk)
            assert Fernet(KEY_B).decrypt(row["code"].encode()).decode() == secret.code
        assert Secret.objects.filter(encryption.blind_index_q(Secret, "mobile", secrets[3].mobile)).exists()


def test_rotation_recomputes_blind_indexes_after_the_index_key_changes():
    with override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_A], WHITEWALL_BLIND_INDEX_KEY=INDEX_KEY_1):
        secret = Secret.objects.create(code="findme", mobile="13812345678")
    with override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_A], WHITEWALL_BLIND_INDEX_KEY=INDEX_KEY_2):
        assert not Secret.objects.filter(encryption.blind_index_q(Secret, "code", "findme")).exists()
        out = io.StringIO()
        call_command("keys", "rotate", stdout=out)
        assert "0 values re-encrypted, 2 indexes updated" in out.getvalue()
        assert list(Secret.objects.filter(encryption.blind_index_q(Secret, "code", "findme"))) == [secret]


def test_rotation_stops_with_a_clear_error_when_a_key_is_missing():
    with override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_A]):
        secret = Secret.objects.create(code="lost")
    with override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_B]):
        err = io.StringIO()
        with pytest.raises(SystemExit) as caught:
            call_command("keys", "rotate", stdout=io.StringIO(), stderr=err)
        assert caught.value.code == 1
        assert f"testapp_crypto.Secret.code (pk={secret.pk})" in err.getvalue()
        assert "Cannot re-encrypt" in err.getvalue()
        assert "lost" not in err.getvalue() and KEY_A not in err.getvalue()


def test_rotation_dry_run_writes_nothing():
    with override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_A]):
        secret = Secret.objects.create(code="stay")
    before = raw_row(secret.pk)["code"]
    with override_settings(WHITEWALL_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        out = io.StringIO()
        call_command("keys", "rotate", "--dry-run", stdout=out)
        assert "would re-encrypt" in out.getvalue()
    assert raw_row(secret.pk)["code"] == before


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("national_id", "110105199001011234", "1101**********1234"),
        ("mobile", "13812345678", "138****5678"),
        ("email", "zhang.san@example.com", "z***@example.com"),
        ("bank_account", "6222021234561234", "**** **** **** 1234"),
        ("bank_account", "6222 0212 3456 1234 567", "**** **** **** 4567"),
        ("generic", "ABCDEFGHIJ", "AB****IJ"),
        ("generic", "abc", "a****c"),
        ("national_id", "", ""),
        ("mobile", None, ""),
    ],
)
def test_masks(kind, value, expected):
    assert masking.mask(value, kind) == expected


def test_fields_refuse_unknown_masks_and_indexes_on_ciphertext():
    with pytest.raises(ValueError):
        encryption.EncryptedCharField(max_length=5, mask="nope")
    with pytest.raises(ValueError):
        encryption.EncryptedCharField(max_length=5, unique=True)
    with pytest.raises(ValueError):
        encryption.BlindIndexField(source="x", normaliser="nope")


def test_every_model_with_encrypted_fields_is_found():
    from whitewall.accounts.models import StaffProfile

    found = encryption.encrypted_models()
    assert Secret in found and StaffProfile in found
