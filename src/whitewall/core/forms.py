"""Form helpers: Bootstrap classes on every widget, so templates render forms uniformly."""

from django import forms


def style_widgets(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        css = widget.attrs.get("class", "")
        if isinstance(widget, (forms.CheckboxInput,)):
            extra = "form-check-input"
        elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            extra = "form-check-input"  # applied to every option's input
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            extra = "form-select"
        else:
            extra = "form-control"
        if extra and extra not in css:
            widget.attrs["class"] = f"{css} {extra}".strip()


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_widgets(self)


class StyledForm(StyledFormMixin, forms.Form):
    pass


class StyledModelForm(StyledFormMixin, forms.ModelForm):
    pass
