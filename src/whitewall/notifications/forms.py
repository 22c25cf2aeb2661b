from django import forms
from django.utils.translation import gettext_lazy as _

from whitewall.core.forms import StyledModelForm
from whitewall.notifications.models import WebhookEndpoint
from whitewall.notifications.registry import kinds


class WebhookEndpointForm(StyledModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    kinds = forms.MultipleChoiceField(
        label=_("notification kinds"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every kind whose default channels include webhooks."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "kind", "url", "secret", "kinds", "enabled", "description")
        widgets = {"secret": forms.PasswordInput(render_value=True)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [
            (kind.key, kind.label) for kind in kinds() if kind.key != "notifications.test"
        ]
