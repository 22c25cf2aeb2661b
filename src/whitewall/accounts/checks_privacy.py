"""Clause 6.1.2 (personal privacy): personal data encrypted, masked, revealed only with a permission,
and every reveal recorded.

Green needs all of:
1. every stored personal-data value (a sample of the newest rows of every model with encrypted
   fields) is a Fernet token that the key ring opens — no plaintext at rest;
2. revealing goes through a permission-gated view (the staff reveal URL resolves to an
   ``ObjectRevealView``, which refuses without the model's ``reveal`` action);
3. reveals are recorded: the audit trail is installed, has its ``AuditEvent`` model, and listens to
   ``core.signals.revealed`` (the reveal view sends the signal inside its transaction and reveals
   nothing if recording fails — so unlogged reveals = 0). Reveal events are counted by the audit
   action name ``"reveal"``.
Amber when 1 and 2 hold but 3 cannot be shown; red when plaintext is found or reveals are not
permission-gated.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext as _

from whitewall.core import encryption
from whitewall.core.signals import revealed
from whitewall.core.views.reveal import ObjectRevealView
from whitewall.regulation.checks import CheckResult, Status, clause_check

SAMPLE_ROWS = 500
AUDIT_REVEAL_ACTION = "reveal"


def scan_encrypted_values(sample_rows: int = SAMPLE_ROWS) -> dict[str, int]:
    """Read stored values raw (not through the field) and count those the key ring cannot open."""
    figures = {"models": 0, "fields": 0, "values": 0, "not_encrypted": 0}
    keyring = encryption.keyring()
    for model in encryption.encrypted_models():
        fields = [field.attname for field in encryption.encrypted_fields(model)]
        figures["models"] += 1
        figures["fields"] += len(fields)
        rows = encryption.raw_values(model._base_manager.order_by("-pk"), fields)[:sample_rows]
        for _pk, *tokens in rows:
            for token in tokens:
                if not token:
                    continue
                figures["values"] += 1
                try:
                    keyring.decrypt(token.encode("ascii"))
                except Exception:
                    figures["not_encrypted"] += 1
    return figures


def _reveal_is_gated() -> bool:
    try:
        match = resolve(reverse("accounts:staffprofile_reveal", kwargs={"pk": 1}))
    except NoReverseMatch:
        return False
    view_class = getattr(match.func, "view_class", None)
    return view_class is not None and issubclass(view_class, ObjectRevealView)


def _reveal_grants() -> int:
    from whitewall.accounts.models import ObjectPermission

    return sum(
        1
        for permission in ObjectPermission.objects.filter(enabled=True)
        if encryption.REVEAL in (permission.actions or [])
    )


def _audit_reveal_events() -> tuple[int | None, str | None]:
    """(number of recorded reveal events, or None with the reason it cannot be counted)."""
    if not apps.is_installed("whitewall.audit"):
        return None, _("the audit trail is not installed, so reveals are not recorded")
    try:
        event_model = apps.get_model("audit", "AuditEvent")
    except LookupError:
        return None, _("the audit trail has no event model yet")
    from whitewall.accounts.models import StaffProfile

    if not revealed.has_listeners(StaffProfile):
        return None, _("nothing records reveals (no receiver of the reveal signal)")
    try:
        event_model._meta.get_field("action")
    except Exception:
        return None, _("audit events have no action to count reveals by")
    return event_model._base_manager.filter(action=AUDIT_REVEAL_ACTION).count(), None


def _evidence_url() -> str | None:
    try:
        return reverse("audit:auditevent_list") + f"?action={AUDIT_REVEAL_ACTION}"
    except NoReverseMatch:
        pass
    try:
        return reverse("accounts:staffprofile_list")
    except NoReverseMatch:
        return None


@clause_check("6.1.2")
def personal_data_protected() -> CheckResult:
    figures = scan_encrypted_values()
    gated = _reveal_is_gated()
    figures["reveal_grants"] = _reveal_grants()
    events, missing = _audit_reveal_events()
    if events is not None:
        figures["reveal_events"] = events
    evidence = _evidence_url()
    if figures["not_encrypted"]:
        return CheckResult(
            Status.RED,
            _("%(count)d stored personal-data values are not encrypted with a configured key.")
            % {"count": figures["not_encrypted"]},
            evidence,
            figures,
        )
    if not figures["fields"]:
        return CheckResult(Status.RED, _("No personal-data field is encrypted."), evidence, figures)
    if not gated:
        return CheckResult(
            Status.RED, _("Revealing personal data does not require a permission."), evidence, figures
        )
    if missing is not None:
        return CheckResult(
            Status.AMBER,
            _(
                "Personal data is encrypted (%(values)d values checked) and reveals need a permission, "
                "but %(missing)s."
            )
            % {"values": figures["values"], "missing": missing},
            evidence,
            figures,
        )
    return CheckResult(
        Status.GREEN,
        _(
            "Personal data is encrypted (%(values)d values checked, none in plaintext); reveals need a "
            "permission and every reveal is recorded (%(events)d so far)."
        )
        % {"values": figures["values"], "events": events},
        evidence,
        figures,
    )
