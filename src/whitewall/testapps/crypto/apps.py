from django.apps import AppConfig


class TestAppCryptoConfig(AppConfig):
    name = "whitewall.testapps.crypto"
    label = "testapp_crypto"
    default_auto_field = "django.db.models.BigAutoField"
