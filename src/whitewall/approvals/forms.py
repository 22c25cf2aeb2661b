from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from whitewall.approvals.labels import process_label
from whitewall.approvals.models import Decision
from whitewall.approvals.services import COMMENT_MAX_LENGTH
from whitewall.config.policy import get_policy
from whitewall.core.forms import StyledForm

User = get_user_model()


def staff_choices():
    return User.objects.filter(is_active=True, is_staff=True).order_by("full_name", "username")


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(label=_("decision"), choices=Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=pgettext_lazy("approval decision", "comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you reject or send back."),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("decision") in (Decision.REJECT, Decision.SEND_BACK)
            and not (data.get("comment") or "").strip()
        ):
            self.add_error("comment", _("Give a reason when you reject or send back a request."))
        return data


class AddApproverForm(StyledForm):
    user = forms.ModelChoiceField(label=_("approver"), queryset=User.objects.none())
    comment = forms.CharField(
        label=pgettext_lazy("approval decision", "comment"), required=False, max_length=COMMENT_MAX_LENGTH
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_choices()


class CCForm(StyledForm):
    users = forms.ModelMultipleChoiceField(label=_("CC to"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["users"].queryset = staff_choices()


class WithdrawForm(StyledForm):
    comment = forms.CharField(
        label=pgettext_lazy("approval decision", "comment"), required=False, max_length=COMMENT_MAX_LENGTH
    )


def process_choices():
    return [("", _("Every process"))] + [
        (flow.process, process_label(flow.process)) for flow in get_policy().approvals.flows
    ]


class DelegationForm(StyledForm):
    delegate = forms.ModelChoiceField(label=_("delegate"), queryset=User.objects.none())
    start = forms.DateField(label=_("start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("end"), widget=forms.DateInput(attrs={"type": "date"}))
    process = forms.ChoiceField(label=_("process"), required=False, choices=())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = staff_choices()
        if user is not None:
            queryset = queryset.exclude(pk=user.pk)
        self.fields["delegate"].queryset = queryset
        self.fields["process"].choices = process_choices()
