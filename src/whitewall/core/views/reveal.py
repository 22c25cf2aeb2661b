"""Masked display of encrypted fields and the permission-gated reveal of one clear value.

A detail page lists ``masked_fields(obj, user)``; each row carries a Reveal button when the user
holds the model's ``reveal`` action on that object. The button POSTs (htmx) to a subclass of
``ObjectRevealView``, which swaps the clear value in and announces ``core.signals.revealed``
(the audit trail records it). The signal is sent inside the transaction, before the value is
rendered: if recording fails, nothing is revealed.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from whitewall.core.encryption import REVEAL, encrypted_fields
from whitewall.core.permissions import has_model_permission
from whitewall.core.signals import revealed
from whitewall.core.urls_helpers import object_url
from whitewall.core.views.generic import ObjectPermissionRequiredMixin

logger = logging.getLogger(__name__)


def can_reveal(user, obj: Model) -> bool:
    model = type(obj)
    if not has_model_permission(user, model, REVEAL):
        return False
    return model.objects.restrict(user, REVEAL).filter(pk=obj.pk).exists()


def masked_fields(obj: Model, user, names: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows for a detail page: label, field name, masked value and whether Reveal is offered."""
    fields = {field.name: field for field in encrypted_fields(type(obj))}
    allowed = can_reveal(user, obj) if fields else False
    rows = []
    for name in names or list(fields):
        field = fields[name]
        value = getattr(obj, field.attname) or ""
        rows.append(
            {
                "name": name,
                "label": field.verbose_name,
                "masked": field.mask_value(value),
                "can_reveal": allowed and bool(value),
            }
        )
    return rows


class ObjectRevealView(ObjectPermissionRequiredMixin, View):
    """POST ``field=<name>``: the clear value of one encrypted field (htmx partial)."""

    permission_action = REVEAL
    fields: tuple[str, ...] = ()  # which encrypted fields may be revealed; empty: all of them
    template_name = "core/partials/revealed_value.html"
    page_template_name = "core/revealed.html"

    def revealable_fields(self) -> dict[str, Any]:
        fields = {field.name: field for field in encrypted_fields(self.model)}
        if self.fields:
            fields = {name: field for name, field in fields.items() if name in self.fields}
        return fields

    def post(self, request, *args, **kwargs):
        name = request.POST.get("field", "")
        field = self.revealable_fields().get(name)
        if field is None:
            return HttpResponseBadRequest(_("Choose a field that can be revealed."))
        obj = get_object_or_404(self.restricted(REVEAL), pk=kwargs["pk"])
        value = getattr(obj, field.attname) or ""
        try:
            with transaction.atomic():
                revealed.send(sender=self.model, user=request.user, request=request, instance=obj, field=name)
        except Exception:
            # Unrecorded reveals must not happen: refuse rather than show the value.
            logger.exception(
                "reveal of %s.%s (pk=%s) could not be recorded", self.model._meta.label, name, obj.pk
            )
            return HttpResponse(
                _("The reveal could not be recorded, so the value is not shown. Try again later."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
        context = {
            **self.model_context(),
            "object": obj,
            "object_url": object_url(obj),
            "field": name,
            "label": field.verbose_name,
            "value": value,
        }
        template = self.template_name if request.htmx else self.page_template_name
        response = render(request, template, context)
        response["Cache-Control"] = "no-store"
        return response
