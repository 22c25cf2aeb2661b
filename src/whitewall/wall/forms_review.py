"""Forms of the review pages: each field's rule is the service's; the form only shapes the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from whitewall.core.forms import StyledForm
from whitewall.wall.models import Feedback
from whitewall.wall.models.posts import RejectReason

NOTE_MAX = 2000


class RejectForm(StyledForm):
    reason = forms.ChoiceField(label=_("rejection reason"), choices=[("", "—"), *RejectReason.choices])
    note = forms.CharField(
        label=_("note to the author"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SendBackForm(StyledForm):
    note = forms.CharField(
        label=_("what to change"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class EscalateForm(StyledForm):
    note = forms.CharField(
        label=_("note to the second reviewer"),
        required=False,
        max_length=180,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TakeDownForm(StyledForm):
    reason = forms.CharField(
        label=_("take-down reason"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(StyledForm):
    note = forms.CharField(
        label=_("resolution note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, note_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required


class BulkReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("review decision"), choices=(("approve", _("Approve")), ("reject", _("Reject")))
    )
    reason = forms.ChoiceField(
        label=_("rejection reason"), required=False, choices=[("", "—"), *RejectReason.choices]
    )
    note = forms.CharField(label=_("note to the author"), required=False, max_length=NOTE_MAX)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason"):
            self.add_error("reason", _("Choose a rejection reason from the list."))
        return data


class ReplyForm(StyledForm):
    reply = forms.CharField(label=_("reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    resolution = forms.ChoiceField(
        label=_("resolution"), required=False, choices=[("", "—"), *Feedback.Resolution.choices]
    )


class CloseForm(StyledForm):
    resolution = forms.ChoiceField(label=_("resolution"), choices=[("", "—"), *Feedback.Resolution.choices])


class ResubmitForm(StyledForm):
    title = forms.CharField(label=_("title"), required=False, max_length=120)
    body = forms.CharField(label=_("body"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8}))
