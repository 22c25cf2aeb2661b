"""The API viewset base: the same restrictions as the console's generic views.

- ``get_queryset`` is ``model.objects.restrict(user, <action of the HTTP method>)``: a list shows
  only permitted rows, and an object outside the user's scope is 404 for every method.
- creates and updates run in a transaction and re-check, after the write, that the object is
  still inside the user's scope (NetBox's rule, as ``ObjectEditView`` does); otherwise the write
  is rolled back and the answer is 403.
- a view whose writes go through a service overrides ``perform_write`` / ``perform_delete``.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from rest_framework import exceptions, viewsets

from whitewall.core.api.mixins import ThrottleFirstMixin
from whitewall.core.api.permissions import action_for
from whitewall.core.permissions import ADD, CHANGE


class OutsideScope(exceptions.PermissionDenied):
    default_detail = "The result would be outside the records you are permitted to manage."
    default_code = "outside_scope"


class RestrictedViewSetMixin(ThrottleFirstMixin):
    model: type[Model]
    # The object-permission action of every request to this view; None = from the HTTP method.
    # An ``@action(..., permission_action="change")`` sets it for that route only.
    permission_action: str | None = None
    # Allow only what the view declares (e.g. ("get", "patch") for read + change).
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def base_queryset(self) -> QuerySet:
        return self.model.objects.all()

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.model.objects.none()
        return self.base_queryset().restrict(self.request.user, action_for(self.request, self))

    def in_scope(self, obj: Model, action: str) -> bool:
        return self.model.objects.restrict(self.request.user, action).filter(pk=obj.pk).exists()

    def check_scope(self, obj: Model, action: str) -> None:
        if not self.in_scope(obj, action):
            raise OutsideScope(_("The result would be outside the records you are permitted to manage."))


class RestrictedModelViewSet(RestrictedViewSetMixin, viewsets.ModelViewSet):
    def perform_write(self, serializer) -> Model:
        """Write the object (override to call the app's service). Runs inside the transaction."""
        return serializer.save()

    def perform_create(self, serializer):
        with transaction.atomic():
            obj = self.perform_write(serializer)
            serializer.instance = obj
            self.check_scope(obj, ADD)

    def perform_update(self, serializer):
        with transaction.atomic():
            obj = self.perform_write(serializer)
            serializer.instance = obj
            self.check_scope(obj, CHANGE)

    def perform_delete(self, obj: Model) -> None:
        obj.delete()

    def perform_destroy(self, instance):
        with transaction.atomic():
            self.perform_delete(instance)


class RestrictedReadOnlyViewSet(RestrictedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
