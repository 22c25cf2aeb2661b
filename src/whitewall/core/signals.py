"""Platform signals (plumbing only, never domain logic): core announces, other apps listen.

The audit trail listens to all of them; core itself never imports the audit app.
"""

from django.dispatch import Signal

# A user exported rows: sender=model, user, request, format, count, filters (query string).
exported = Signal()
# A user revealed a masked sensitive value: sender=model, user, request, instance, field.
revealed = Signal()
# A user was refused: sender=None, user, request, path, reason.
permission_denied = Signal()
# A background job failed for good: sender=None, job (core Job row or None), name, error.
job_failed = Signal()
