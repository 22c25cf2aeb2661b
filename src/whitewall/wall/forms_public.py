"""Forms of the public wall. They only collect input: the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from whitewall.core.forms import StyledForm
from whitewall.wall.models import Feedback, Report, Topic


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleImageInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class SubmitForm(StyledForm):
    topic = forms.ModelChoiceField(
        label=_("topic"), queryset=Topic.objects.filter(is_active=True), empty_label=None
    )
    title = forms.CharField(label=_("title"), max_length=120, required=False)
    body = forms.CharField(label=_("body"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    images = MultipleImageField(
        label=_("images"),
        help_text=_("JPEG, PNG, GIF or WebP. Location and camera data are removed."),
    )
    is_anonymous = forms.BooleanField(label=_("Post anonymously"), required=False)
    display_name = forms.CharField(
        label=_("shown as"),
        max_length=60,
        required=False,
        help_text=_("Leave empty to use your account name."),
    )
    # A honeypot: hidden from people by the stylesheet; bots that fill it are refused.
    website = forms.CharField(label=_("website"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["images"].widget.attrs["accept"] = "image/jpeg,image/png,image/gif,image/webp"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})


class CommentForm(StyledForm):
    body = forms.CharField(label=_("comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    is_anonymous = forms.BooleanField(label=_("Comment anonymously"), required=False)


class ReportForm(StyledForm):
    reason = forms.ChoiceField(label=_("reason"), choices=Report.Reason.choices, widget=forms.RadioSelect)
    detail = forms.CharField(
        label=_("details"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
    # The same honeypot as the submission form: hidden by the stylesheet, bots that fill it are refused.
    website = forms.CharField(label=_("website"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["website"].is_honeypot = True  # form_fields.html renders it hidden


class TakedownForm(StyledForm):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class FeedbackForm(StyledForm):
    kind = forms.ChoiceField(label=_("kind"), choices=Feedback.Kind.choices)
    subject = forms.CharField(label=_("subject"), max_length=120)
    body = forms.CharField(label=_("message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
