"""URL names follow ``<app>:<model>_<action>`` (one convention, resolved in one place)."""

from django.db.models import Model
from django.urls import NoReverseMatch, reverse


def url_name(model: type[Model] | Model, action: str) -> str:
    meta = model._meta
    return f"{meta.app_label}:{meta.model_name}_{action}"


def object_url(obj: Model, action: str = "detail") -> str | None:
    try:
        return reverse(url_name(obj, action), kwargs={"pk": obj.pk})
    except NoReverseMatch:
        return None


def model_url(model: type[Model], action: str = "list") -> str | None:
    try:
        return reverse(url_name(model, action))
    except NoReverseMatch:
        return None


def crud_paths(prefix: str, model_name: str, *, list=None, detail=None, add=None, edit=None, delete=None):  # noqa: A002
    """URL patterns ``<prefix>/``, ``<prefix>/add/``, ``<prefix>/<pk>/``, ``…/edit/``, ``…/delete/``
    named ``<model>_list``, ``_add``, ``_detail``, ``_edit``, ``_delete``."""
    from django.urls import path

    patterns = []
    if list is not None:
        patterns.append(path(f"{prefix}/", list.as_view(), name=f"{model_name}_list"))
    if add is not None:
        patterns.append(path(f"{prefix}/add/", add.as_view(), name=f"{model_name}_add"))
    if detail is not None:
        patterns.append(path(f"{prefix}/<int:pk>/", detail.as_view(), name=f"{model_name}_detail"))
    if edit is not None:
        patterns.append(path(f"{prefix}/<int:pk>/edit/", edit.as_view(), name=f"{model_name}_edit"))
    if delete is not None:
        patterns.append(path(f"{prefix}/<int:pk>/delete/", delete.as_view(), name=f"{model_name}_delete"))
    return patterns
