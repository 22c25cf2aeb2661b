"""Generic console views: one class per action (NetBox's pattern), restricted by permissions.

Every view names its model; the permission it needs is ``<app>.<action>_<model>``, and every
queryset it touches is ``restrict()``-ed to the rows the user may act on. htmx requests for a
list get only the table partial.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Model, ProtectedError, QuerySet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from whitewall.core.encryption import REVEAL
from whitewall.core.export import EXPORT_FORMATS, export_response
from whitewall.core.permissions import (
    ADD,
    CHANGE,
    DELETE,
    VIEW,
    has_model_permission,
    permission_constraints,
    permission_name,
)
from whitewall.core.signals import exported
from whitewall.core.tables import Column
from whitewall.core.urls_helpers import model_url, object_url

MAX_PAGE_SIZE = 200
PAGE_SIZES = (25, 50, 100, 200)


class OutsideScope(Exception):
    """A write would leave the object outside the user's permitted scope."""


def safe_return_url(request, fallback: str | None) -> str | None:
    candidate = request.POST.get("return_url") or request.GET.get("return_url")
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return fallback


class ObjectPermissionRequiredMixin:
    """Deny by default: the user must hold ``<app>.<action>_<model>`` (or a constrained form of it)."""

    model: type[Model]
    permission_action: str = VIEW

    def get_required_permission(self) -> str:
        return permission_name(self.model, self.permission_action)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if permission_constraints(request.user, self.get_required_permission()) is None:
            raise PermissionDenied(_("You do not have permission to do this."))
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self) -> QuerySet:
        return self.model.objects.all()

    def restricted(self, action: str | None = None) -> QuerySet:
        return self.base_queryset().restrict(self.request.user, action or self.permission_action)

    def model_context(self) -> dict[str, Any]:
        meta = self.model._meta
        user = self.request.user
        return {
            "model": self.model,
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "list_url": model_url(self.model, "list"),
            "add_url": model_url(self.model, "add") if has_model_permission(user, self.model, ADD) else None,
        }


@dataclass(frozen=True)
class BulkAction:
    """An action on the selected rows of a list. ``handler(view, queryset) -> int`` (rows done)."""

    key: str
    label: Any
    permission_action: str
    handler: Callable[[Any, QuerySet], int]
    confirm: Any = None
    style: str = "outline-secondary"


def bulk_delete(view, queryset: QuerySet) -> int:
    count = 0
    for obj in queryset:
        view.delete_object(obj)
        count += 1
    return count


class ObjectListView(ObjectPermissionRequiredMixin, View):
    template_name = "core/object_list.html"
    partial_template_name = "core/partials/object_table.html"
    filterset_class = None
    columns: list[Column] = []
    default_ordering: tuple[str, ...] | None = None
    bulk_actions: list[BulkAction] = []
    allow_bulk_delete = True
    page_size = 25

    def get_bulk_actions(self) -> list[BulkAction]:
        actions = list(self.bulk_actions)
        if self.allow_bulk_delete:
            actions.append(
                BulkAction(
                    "delete",
                    gettext_lazy("Delete"),
                    DELETE,
                    bulk_delete,
                    confirm=gettext_lazy("Delete the selected rows?"),
                    style="outline-danger",
                )
            )
        user = self.request.user
        return [
            action for action in actions if has_model_permission(user, self.model, action.permission_action)
        ]

    def delete_object(self, obj: Model) -> None:
        obj.delete()

    def filtered(self):
        queryset = self.restricted(VIEW)
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(
                self.request.GET or None, queryset=queryset, request=self.request
            )
            if filterset.is_bound and filterset.is_valid():
                queryset = filterset.qs
            elif filterset.is_bound:
                queryset = queryset.none()
        return filterset, self.order(queryset)

    def sortable(self) -> dict[str, str]:
        return {column.name: column.order_by for column in self.columns if column.order_by}

    def order(self, queryset: QuerySet) -> QuerySet:
        sort = self.request.GET.get("sort", "")
        key = sort.lstrip("-")
        fields = self.sortable()
        if key in fields:
            path = fields[key]
            return queryset.order_by(("-" if sort.startswith("-") else "") + path, "pk")
        if self.default_ordering:
            return queryset.order_by(*self.default_ordering)
        return queryset if queryset.ordered else queryset.order_by("pk")

    def revealable(self) -> Callable[[Model], bool]:
        """Which exported rows may carry clear values of encrypted fields: those the user may
        ``reveal`` (design: exports mask encrypted fields unless the user may reveal them)."""
        constraints = permission_constraints(self.request.user, permission_name(self.model, REVEAL))
        if constraints is None:
            return lambda obj: False
        if not constraints:
            return lambda obj: True
        allowed = set(self.model.objects.restrict(self.request.user, REVEAL).values_list("pk", flat=True))
        return lambda obj: obj.pk in allowed

    def export(self, fmt: str, queryset: QuerySet):
        headers = [str(column.bind_label(self.model)) for column in self.columns]
        reveal = self.revealable()

        def rows():
            for obj in queryset.iterator(chunk_size=500):
                clear = reveal(obj)
                yield [column.export_value(obj, reveal=clear) for column in self.columns]

        return export_response(fmt, self.model._meta.model_name, headers, rows())

    def get(self, request, *args, **kwargs):
        filterset, queryset = self.filtered()
        fmt = request.GET.get("export")
        if fmt in EXPORT_FORMATS:
            exported.send(
                sender=self.model,
                user=request.user,
                request=request,
                format=fmt,
                count=queryset.count(),
                filters=request.GET.urlencode(),
            )
            return self.export(fmt, queryset)
        try:
            per_page = min(int(request.GET.get("per_page", self.page_size)), MAX_PAGE_SIZE)
        except ValueError:
            per_page = self.page_size
        paginator = Paginator(queryset, max(per_page, 1))
        page = paginator.get_page(request.GET.get("page"))
        context = {
            **self.model_context(),
            "filterset": filterset,
            "page": page,
            "rows": [(obj, [column.html(obj) for column in self.columns]) for obj in page.object_list],
            "columns": [
                {"name": c.name, "label": c.bind_label(self.model), "sortable": bool(c.order_by)}
                for c in self.columns
            ],
            "sort": request.GET.get("sort", ""),
            "bulk_actions": self.get_bulk_actions(),
            "page_sizes": PAGE_SIZES,
            "per_page": per_page,
            "querystring": request.GET.urlencode(),
        }
        context.update(self.extra_context())
        template = (
            self.partial_template_name if request.htmx and not request.htmx.boosted else self.template_name
        )
        return render(request, template, context)

    def extra_context(self) -> dict[str, Any]:
        return {}

    def post(self, request, *args, **kwargs):
        """Run a bulk action on the selected rows that the user may act on."""
        key = request.POST.get("bulk_action", "")
        action = next((a for a in self.get_bulk_actions() if a.key == key), None)
        if action is None:
            messages.error(request, _("Choose a bulk action you are allowed to run."))
            return HttpResponseRedirect(request.get_full_path())
        ids = [value for value in request.POST.getlist("pk") if value.isdigit()]
        if not ids:
            messages.warning(request, _("Select at least one row."))
            return HttpResponseRedirect(request.get_full_path())
        queryset = self.restricted(action.permission_action).filter(pk__in=ids)
        try:
            with transaction.atomic():
                done = action.handler(self, queryset)
        except ProtectedError:
            messages.error(request, _("Some of the selected rows are still in use and cannot be deleted."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        else:
            skipped = len(ids) - done
            messages.success(
                request, _("%(action)s: %(count)d row(s) done.") % {"action": action.label, "count": done}
            )
            if skipped > 0:
                messages.warning(
                    request,
                    _("%(count)d row(s) were skipped: outside your permissions.") % {"count": skipped},
                )
        return HttpResponseRedirect(request.get_full_path())


@dataclass(frozen=True)
class Tab:
    key: str
    label: Any
    template: str
    permission: str | None = None


# Tabs that apps add to every object's detail page (e.g. the audit trail's History):
# ``factory(model) -> Tab | None``, registered from an AppConfig.ready().
_detail_tab_factories: list[Callable[[type[Model]], Tab | None]] = []


def register_detail_tab(factory: Callable[[type[Model]], Tab | None]) -> None:
    if factory not in _detail_tab_factories:
        _detail_tab_factories.append(factory)


class ObjectDetailView(ObjectPermissionRequiredMixin, View):
    template_name = "core/object_detail.html"
    detail_fields: list[str] = []
    tabs: list[Tab] = []

    def get_object(self):
        return get_object_or_404(self.restricted(VIEW), pk=self.kwargs["pk"])

    def field_rows(self, obj: Model) -> list[tuple[Any, Any]]:
        rows = []
        for name in self.detail_fields:
            column = name if isinstance(name, Column) else Column(name)
            rows.append((column.bind_label(self.model), column.html(obj)))
        return rows

    def get_tabs(self, obj) -> list[Tab]:
        user = self.request.user
        registered = [factory(self.model) for factory in _detail_tab_factories]
        return [
            tab
            for tab in [*self.tabs, *(tab for tab in registered if tab is not None)]
            if tab.permission is None or permission_constraints(user, tab.permission) is not None
        ]

    def extra_context(self, obj) -> dict[str, Any]:
        return {}

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        tabs = self.get_tabs(obj)
        active = request.GET.get("tab") or (tabs[0].key if tabs else "")
        user = request.user
        can_change = self.model.objects.restrict(user, CHANGE).filter(pk=obj.pk).exists()
        can_delete = self.model.objects.restrict(user, DELETE).filter(pk=obj.pk).exists()
        context = {
            **self.model_context(),
            "object": obj,
            "field_rows": self.field_rows(obj),
            "tabs": tabs,
            "active_tab": active,
            "edit_url": object_url(obj, "edit") if can_change else None,
            "delete_url": object_url(obj, "delete") if can_delete else None,
        }
        context.update(self.extra_context(obj))
        template = self.template_name
        if request.htmx and request.GET.get("tab"):
            tab = next((t for t in tabs if t.key == active), None)
            if tab is None:
                raise Http404
            template = tab.template
        return render(request, template, context)


class ObjectEditView(ObjectPermissionRequiredMixin, View):
    """Create (no pk) or edit (pk) one object; the write must stay inside the user's scope."""

    template_name = "core/object_edit.html"
    form_class = None

    def get_required_permission(self) -> str:
        return permission_name(self.model, CHANGE if "pk" in self.kwargs else ADD)

    def get_object(self):
        if "pk" in self.kwargs:
            return get_object_or_404(self.restricted(CHANGE), pk=self.kwargs["pk"])
        return self.model()

    def get_form(self, obj, data=None, files=None):
        return self.form_class(data=data, files=files, instance=obj, **self.form_kwargs())

    def form_kwargs(self) -> dict[str, Any]:
        return {}

    def save(self, form) -> Model:
        """Write the object. Views with a service override this to call it."""
        return form.save()

    def render_form(self, obj, form, status=200):
        context = {
            **self.model_context(),
            "object": obj,
            "form": form,
            "is_new": obj.pk is None,
            # A new object lands on its own page after saving (no return_url); Cancel goes back.
            "return_url": safe_return_url(self.request, object_url(obj) if obj.pk else None),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        initial_form = self.get_form(obj)
        return self.render_form(obj, initial_form)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.get_form(obj, data=request.POST, files=request.FILES)
        if not form.is_valid():
            return self.render_form(obj, form, status=422)
        action = CHANGE if obj.pk else ADD
        is_new = obj.pk is None
        try:
            with transaction.atomic():
                saved = self.save(form)
                # NetBox's rule: after the write, the object must still be inside the user's scope.
                if not self.model.objects.restrict(request.user, action).filter(pk=saved.pk).exists():
                    raise OutsideScope
        except OutsideScope:
            form.add_error(None, _("The result would be outside the records you are permitted to manage."))
            if is_new:
                obj.pk = None
            return self.render_form(obj, form, status=403)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            if is_new:
                obj.pk = None
            return self.render_form(obj, form, status=422)
        if is_new:
            messages.success(request, _("Created %(name)s.") % {"name": saved})
        else:
            messages.success(request, _("Saved %(name)s.") % {"name": saved})
        return HttpResponseRedirect(safe_return_url(request, object_url(saved) or model_url(self.model)))


class ObjectDeleteView(ObjectPermissionRequiredMixin, View):
    template_name = "core/object_delete.html"
    permission_action = DELETE

    def get_object(self):
        return get_object_or_404(self.restricted(DELETE), pk=self.kwargs["pk"])

    def delete(self, obj) -> None:
        obj.delete()

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return render(request, self.template_name, {**self.model_context(), "object": obj})

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        name = str(obj)
        try:
            with transaction.atomic():
                self.delete(obj)
        except ProtectedError:
            messages.error(request, _("%(name)s is still in use and cannot be deleted.") % {"name": name})
            return HttpResponseRedirect(object_url(obj) or model_url(self.model))
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
            return HttpResponseRedirect(object_url(obj) or model_url(self.model))
        messages.success(request, _("Deleted %(name)s.") % {"name": name})
        return HttpResponseRedirect(safe_return_url(request, model_url(self.model)))
