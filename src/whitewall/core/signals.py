"""Platform signals (plumbing only, never domain logic): core announces, other apps listen.

The audit trail listens to all of them; core itself never imports the audit app.
"""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

# A user exported rows: sender=model, user, request, format, count, filters (query string).
exported = Signal()
# A user revealed a masked sensitive value: sender=model, user, request, instance, field.
revealed = Signal()
# A user was refused: sender=None, user, request, path, reason.
permission_denied = Signal()
# A background job failed for good: sender=None, job (core Job row or None), name, error.
job_failed = Signal()


def announce_permission_denied(request, reason: str = "") -> None:
    """Send ``permission_denied`` for a refused request (a page or an API call, whichever door);
    a failing listener is logged and never breaks the refusal."""
    for _receiver, error in permission_denied.send_robust(
        sender=None,
        user=getattr(request, "user", None),
        request=request,
        path=request.get_full_path(),
        reason=reason,
    ):
        if isinstance(error, Exception):
            logger.error("permission_denied listener failed: %r", error)
