"""Forms of the publishing plan: plan items, staff posts, moving a post or an item."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from whitewall.core.forms import StyledForm, StyledModelForm
from whitewall.wall.models import PlanItem, StaffPost, Topic
from whitewall.wall.sanitize import clean_html, html_to_text

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def _staff_users():
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("full_name", "username")


class PlanItemForm(StyledModelForm):
    class Meta:
        model = PlanItem
        fields = ("title", "topic", "owner", "slot", "status", "notes")
        widgets = {"slot": LocalDateTimeInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(is_active=True)
        self.fields["owner"].queryset = _staff_users()
        self.fields["slot"].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        # Scheduled and published follow the post; a person sets only these by hand.
        manual = (PlanItem.Status.PLANNED, PlanItem.Status.DRAFTED, PlanItem.Status.CANCELLED)
        current = self.instance.status if self.instance.pk else None
        self.fields["status"].choices = [
            (value, label) for value, label in PlanItem.Status.choices if value in manual or value == current
        ]


class StaffPostForm(StyledModelForm):
    plan_item = forms.ModelChoiceField(
        label=_("plan item"),
        queryset=PlanItem.objects.none(),
        required=False,
        help_text=_("The plan item this post fills, if any."),
    )

    class Meta:
        model = StaffPost
        fields = ("title", "topic", "body_html", "expires_at")
        widgets = {
            "body_html": forms.Textarea(
                attrs={"rows": 12, "class": "ww-rich-source", "data-testid": "body-source"}
            ),
            "expires_at": LocalDateTimeInput(),
        }
        labels = {"body_html": _("text")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = Topic.objects.filter(is_active=True)
        self.fields["title"].required = True
        self.fields["expires_at"].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        items = PlanItem.objects.restrict(user, "change").exclude(
            status__in=(PlanItem.Status.PUBLISHED, PlanItem.Status.CANCELLED)
        )
        if self.instance.pk:
            items = items.filter(post__isnull=True) | items.filter(post=self.instance.pk)
            self.fields["plan_item"].initial = PlanItem.objects.filter(post=self.instance.pk).first()
        else:
            items = items.filter(post__isnull=True)
        self.fields["plan_item"].queryset = items.select_related("topic").order_by("slot")

    def clean(self):
        data = super().clean()
        html = clean_html(data.get("body_html", ""))
        # The plain text comes from the sanitised HTML; the model's own checks read it.
        self.instance.body = html_to_text(html)
        if "body_html" in data:
            data["body_html"] = html
            if not self.instance.body:
                self.add_error("body_html", _("Write something before you save."))
                self.instance.body = "-"  # the form is invalid already; keep the model's check quiet
        return data


class MoveForm(StyledForm):
    """A new moment (the form) or a new day keeping the time of day (a drag)."""

    when = forms.DateTimeField(
        label=_("new slot"),
        required=False,
        widget=LocalDateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
    )
    day = forms.DateField(label=_("new day"), required=False, input_formats=["%Y-%m-%d"])

    def clean(self):
        data = super().clean()
        if not data.get("when") and not data.get("day") and not self.errors:
            raise forms.ValidationError({"when": _("Give the new date and time.")})
        return data
