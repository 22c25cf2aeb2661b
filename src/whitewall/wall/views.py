"""The public wall. Its content arrives with the wall module; until then an honest empty state."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import render
from django.views import View


class WallHomeView(View):
    def get(self, request):
        return render(request, "wall/home.html")


class MyPageView(LoginRequiredMixin, View):
    """A wall user's own page: their account, and links to password and two-factor settings."""

    def get(self, request):
        from allauth.mfa.models import Authenticator

        return render(
            request,
            "wall/me.html",
            {
                "has_totp": Authenticator.objects.filter(
                    user=request.user, type=Authenticator.Type.TOTP
                ).exists()
            },
        )
