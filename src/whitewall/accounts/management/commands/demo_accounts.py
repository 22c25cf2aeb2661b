from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from whitewall.accounts.models import Role, User
from whitewall.config.policy import get_policy
from whitewall.core.demo import DEFAULT_DEMO_PASSWORD, demo_password


class Command(BaseCommand):
    help = "Print the demo accounts, their roles and the demo password."

    def handle(self, *args, **options):
        from whitewall.accounts.demo import DEMO_ACCOUNTS

        required = set(get_policy().auth.mfa_required_roles)
        usernames = [row[0] for row in DEMO_ACCOUNTS] + ["visitor"]
        users = {
            u.username: u for u in User.objects.filter(username__in=usernames).prefetch_related("groups")
        }
        if not users:
            self.stdout.write(_("No demo accounts in this database."))
            return
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (log in at /accounts/login/):"))
        for username in usernames:
            user = users.get(username)
            if user is None:
                continue
            roles = [Role(pk=g.pk, name=g.name) for g in user.groups.all()]
            label = ", ".join(str(r.label) for r in roles) or str(_("wall user"))
            mfa = (
                "  " + _("(sets up two-factor authentication at first login)")
                if {r.name for r in roles} & required
                else ""
            )
            self.stdout.write(f"  {username:<12} {label}{mfa}")
        password = demo_password()
        if password == DEFAULT_DEMO_PASSWORD:
            line = _(
                "Password of every demo account (default; set WHITEWALL_DEMO_PASSWORD to change): %(pw)s"
            )
        else:
            line = _("Password of every demo account (from WHITEWALL_DEMO_PASSWORD): %(pw)s")
        self.stdout.write(line % {"pw": password})
        self.stdout.write("")
