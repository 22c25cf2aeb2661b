from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender, **kwargs):
    """Once every app has its content types (the last app's post_migrate), seed roles and grants."""
    from django.apps import apps

    if sender is not [c for c in apps.get_app_configs() if c.models_module is not None][-1]:
        return
    from django.contrib.contenttypes.management import create_contenttypes

    from whitewall.accounts.services import sync_default_departments, sync_roles

    # Handlers run in connection order: make sure every app's content types exist first.
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0, using=kwargs.get("using", "default"))

    sync_roles()
    sync_default_departments()


class AccountsConfig(AppConfig):
    name = "whitewall.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisation")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # Clause checks register themselves: 1.2 and 4.1.1 (checks), 6.1.2 (checks_privacy).
        from whitewall.accounts import checks, checks_privacy, registrations  # noqa: F401

        registrations.register()

        post_migrate.connect(_after_migrate, dispatch_uid="whitewall.accounts.sync")
        user_logged_in.connect(_forget_permissions, dispatch_uid="whitewall.accounts.forget_perms")


def _forget_permissions(sender, user, **kwargs):
    for attribute in ("_object_perm_cache", "_role_codes"):
        if hasattr(user, attribute):
            delattr(user, attribute)
