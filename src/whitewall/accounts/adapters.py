from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request, **credentials):
        """Password failures are counted by axes (releasable in the console), not by allauth."""
        self._login_failed_rl_usage = None

    def get_login_redirect_url(self, request):
        user = request.user
        if user.is_authenticated and user.is_staff:
            return reverse("console:home")
        return super().get_login_redirect_url(request)
