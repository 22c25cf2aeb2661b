from django import forms
from django.utils.translation import gettext_lazy as _

from whitewall.core.forms import StyledModelForm
from whitewall.notifications.models import WebhookEndpoint
from whitewall.notifications.registry import kinds


class WebhookEndpointForm(StyledModelForm):
    """The signing secret is write-only: never rendered back; left blank, the stored one stays."""

    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    secret = forms.CharField(
        label=_("signing secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=WebhookEndpoint._meta.get_field("secret").help_text,
    )
    clear_secret = forms.BooleanField(label=_("Remove the stored secret"), required=False)
    kinds = forms.MultipleChoiceField(
        label=_("notification kinds"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every kind whose default channels include webhooks."),
    )

    field_order = ("name", "kind", "url", "secret", "clear_secret", "kinds", "enabled", "description")

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "kind", "url", "kinds", "enabled", "description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [
            (kind.key, kind.label) for kind in kinds() if kind.key != "notifications.test"
        ]
        self.has_stored_secret = bool(self.instance.pk and self.instance.secret)
        if self.has_stored_secret:
            self.fields["secret"].help_text = _(
                "A secret is stored (it is never shown). Leave blank to keep it, or enter a new one."
            )
        else:
            del self.fields["clear_secret"]

    def clean(self):
        cleaned = super().clean()
        new = cleaned.get("secret") or ""
        if new:
            secret = new
        elif cleaned.get("clear_secret") or cleaned.get("kind") == WebhookEndpoint.WECOM:
            secret = ""  # WeCom robots sign nothing: a secret kept from another platform goes
        else:
            secret = self.instance.secret if self.instance.pk else ""
        # Set before the model's clean() runs (in _post_clean), so its rules see the real value.
        self.instance.secret = secret
        return cleaned
