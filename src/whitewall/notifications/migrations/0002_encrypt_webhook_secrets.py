"""Webhook signing secrets move to the core encrypted field: the column becomes text and every
secret stored as entered is encrypted in place (values already encrypted are left alone).

Rows are read and written with plain SQL, never through the model, whose field would try to
decrypt the plaintext. Reversing decrypts the secrets back into the old column.
"""

from django.db import migrations

import whitewall.core.encryption

TABLE = "notifications_webhookendpoint"


def _rows(schema_editor):
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('id')}, {quote('secret')} FROM {quote(TABLE)}")  # noqa: S608
        return cursor.fetchall()


def _write(schema_editor, pk, value):
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(TABLE)} SET {quote('secret')} = %s WHERE {quote('id')} = %s",  # noqa: S608
            [value, pk],
        )


def _is_token(value: str) -> bool:
    try:
        whitewall.core.encryption.decrypt(value)
    except whitewall.core.encryption.DecryptionError:
        return False
    return True


def encrypt_plaintext_secrets(apps, schema_editor):
    for pk, value in _rows(schema_editor):
        if value and not _is_token(value):
            _write(schema_editor, pk, whitewall.core.encryption.encrypt(value))


def decrypt_secrets(apps, schema_editor):
    for pk, value in _rows(schema_editor):
        if value and _is_token(value):
            _write(schema_editor, pk, whitewall.core.encryption.decrypt(value))


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        # Reversed: the secrets are decrypted (RunPython's reverse) before the column shrinks back.
        migrations.AlterField(
            model_name="webhookendpoint",
            name="secret",
            field=whitewall.core.encryption.EncryptedCharField(
                blank=True,
                default="",
                help_text="DingTalk: the SEC… secret; Feishu: the signature key; generic: the HMAC key. "
                "WeCom signs nothing.",
                max_length=200,
                verbose_name="signing secret",
            ),
        ),
        migrations.RunPython(encrypt_plaintext_secrets, decrypt_secrets, elidable=False),
    ]
