"""Request helpers: the client address, believing X-Forwarded-For only from trusted proxies."""

from ipaddress import ip_address

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    trusted = getattr(settings, "WHITEWALL_TRUSTED_PROXIES", [])
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded and remote in trusted:
        # The right-most address that is not one of our proxies is the client.
        for candidate in reversed([part.strip() for part in forwarded.split(",")]):
            if candidate in trusted:
                continue
            try:
                return str(ip_address(candidate))
            except ValueError:
                break
    return remote
