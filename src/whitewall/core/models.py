"""Base models and feature mixins that every app's models build on."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from whitewall.core.querysets import RestrictedQuerySet


class TimestampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True, editable=False)
    updated = models.DateTimeField(_("updated"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class BaseModel(TimestampedModel):
    """The base of every business model: timestamps and permission-aware querysets."""

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_absolute_url(self):
        from whitewall.core.urls_helpers import object_url

        return object_url(self, "detail")
