"""Serializer base: the model's own ``clean()`` rules apply to API writes too, naming the field."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from whitewall.core.api.exceptions import django_errors


class ModelCleanSerializer(serializers.ModelSerializer):
    """Runs ``Model.clean()`` on the would-be object (as a form does) before anything is saved."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = model() if self.instance is None else model.objects.get(pk=self.instance.pk)
        concrete = {f.name for f in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(instance, name, value)
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(django_errors(exc))
        return attrs
