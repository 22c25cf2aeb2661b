from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from whitewall.core.forms import StyledModelForm
from whitewall.regulation.models import RegulationVersion

version_number = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z.\-]*$",
    _("Use letters, digits, dots and hyphens, starting with a letter or digit (e.g. 1.0 or 2026-1)."),
)


class RegulationVersionForm(StyledModelForm):
    class Meta:
        model = RegulationVersion
        fields = ("number", "name", "effective_date", "summary")
        widgets = {
            "effective_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].validators.append(version_number)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.is_published:
            raise forms.ValidationError(
                _("A published version cannot be changed or deleted; publish a new version instead.")
            )
        return cleaned
