"""Console pages for sensitive words: lists, words, whitelist, import/export, and a screening test."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View

from whitewall.core.permissions import VIEW, has_model_permission
from whitewall.core.tables import Column
from whitewall.core.views import ObjectDeleteView, ObjectDetailView, ObjectEditView, ObjectListView
from whitewall.wall import services_words as services
from whitewall.wall.filtersets_words import WhitelistTermFilterSet, WordFilterSet, WordListFilterSet
from whitewall.wall.forms_words import (
    ScreenTryForm,
    WhitelistTermForm,
    WordForm,
    WordImportForm,
    WordListForm,
)
from whitewall.wall.models import ScreenAction, WhitelistTerm, Word, WordList
from whitewall.wall.screening import screen

# --- word lists -----------------------------------------------------------------------------------


class WordListListView(ObjectListView):
    model = WordList
    filterset_class = WordListFilterSet
    default_ordering = ("name",)
    template_name = "wall/words/wordlist_list.html"
    columns = [
        Column("name", order_by="name", linkify=True),
        Column("action", accessor="get_action_display", order_by="action"),
        Column("word_total", label=gettext_lazy("words"), accessor="word_total"),
        Column("is_active", order_by="is_active"),
        Column("version", order_by="version"),
        Column("updated", order_by="updated"),
    ]

    def base_queryset(self):
        from django.db.models import Count

        return WordList.objects.annotate(word_total=Count("words"))

    def delete_object(self, obj):
        services.wordlist_delete(actor=self.request.user, word_list=obj)


class WordListDetailView(ObjectDetailView):
    model = WordList
    template_name = "wall/words/wordlist_detail.html"
    detail_fields = [
        "name",
        "description",
        "action",
        "replacement",
        "is_active",
        "version",
        "created_by",
        "created",
        "updated",
    ]

    def base_queryset(self):
        return WordList.objects.select_related("created_by")

    def extra_context(self, obj):
        user = self.request.user
        words = Word.objects.restrict(user, VIEW).filter(word_list=obj)
        return {
            "words": words.order_by("term")[:60],
            "word_total": words.count(),
            "can_import": has_model_permission(user, Word, "add")
            and WordList.objects.restrict(user, "change").filter(pk=obj.pk).exists(),
            "can_export": has_model_permission(user, Word, VIEW),
            "can_add_word": has_model_permission(user, Word, "add"),
        }


class WordListEditView(ObjectEditView):
    model = WordList
    form_class = WordListForm

    def save(self, form):
        return services.wordlist_save(actor=self.request.user, word_list=form.instance)


class WordListDeleteView(ObjectDeleteView):
    model = WordList

    def delete(self, obj):
        services.wordlist_delete(actor=self.request.user, word_list=obj)


# --- words ----------------------------------------------------------------------------------------
class WordListView(ObjectListView):
    model = Word
    filterset_class = WordFilterSet
    default_ordering = ("term",)
    columns = [
        Column("term", order_by="term", linkify=True),
        Column("word_list", order_by="word_list__name"),
        Column("action", label=pgettext_lazy("sensitive words", "action"), accessor="effective_action_label"),
        Column("normalized", order_by="normalized"),
        Column("note"),
        Column("updated", order_by="updated"),
    ]

    def base_queryset(self):
        return Word.objects.select_related("word_list")

    def delete_object(self, obj):
        services.word_delete(actor=self.request.user, word=obj)


class WordDetailView(ObjectDetailView):
    model = Word
    detail_fields = ["term", "normalized", "word_list", "action", "note", "created_by", "created", "updated"]

    def base_queryset(self):
        return Word.objects.select_related("word_list", "created_by")


class WordEditView(ObjectEditView):
    model = Word
    form_class = WordForm

    def get_form(self, obj, data=None, files=None):
        initial = {}
        if obj.pk is None and data is None and (list_id := self.request.GET.get("word_list", "")).isdigit():
            initial["word_list"] = int(list_id)
        form = WordForm(data=data, instance=obj, initial=initial)
        form.fields["word_list"].queryset = WordList.objects.restrict(self.request.user, VIEW)
        return form

    def save(self, form):
        return services.word_save(actor=self.request.user, word=form.instance)


class WordDeleteView(ObjectDeleteView):
    model = Word

    def delete(self, obj):
        services.word_delete(actor=self.request.user, word=obj)


# --- whitelist ------------------------------------------------------------------------------------
class WhitelistTermListView(ObjectListView):
    model = WhitelistTerm
    filterset_class = WhitelistTermFilterSet
    default_ordering = ("term",)
    columns = [
        Column("term", order_by="term", linkify=True),
        Column("normalized", order_by="normalized"),
        Column("note"),
        Column("updated", order_by="updated"),
    ]

    def delete_object(self, obj):
        services.whitelistterm_delete(actor=self.request.user, term=obj)


class WhitelistTermDetailView(ObjectDetailView):
    model = WhitelistTerm
    detail_fields = ["term", "normalized", "note", "created_by", "created", "updated"]

    def base_queryset(self):
        return WhitelistTerm.objects.select_related("created_by")


class WhitelistTermEditView(ObjectEditView):
    model = WhitelistTerm
    form_class = WhitelistTermForm

    def save(self, form):
        return services.whitelistterm_save(actor=self.request.user, term=form.instance)


class WhitelistTermDeleteView(ObjectDeleteView):
    model = WhitelistTerm

    def delete(self, obj):
        services.whitelistterm_delete(actor=self.request.user, term=obj)


# --- import / export ------------------------------------------------------------------------------
def _require_perm(request, model, action):
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not has_model_permission(request.user, model, action):
        raise PermissionDenied


class WordListImportView(View):
    template_name = "wall/words/wordlist_import.html"

    def _list(self, request, pk):
        _require_perm(request, Word, "add")
        return get_object_or_404(WordList.objects.restrict(request.user, "change"), pk=pk)

    def get(self, request, pk):
        word_list = self._list(request, pk)
        return render(request, self.template_name, {"object": word_list, "form": WordImportForm()})

    def post(self, request, pk):
        word_list = self._list(request, pk)
        form = WordImportForm(data=request.POST, files=request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"object": word_list, "form": form}, status=422)
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_IMPORT_BYTES:
            form.add_error(
                "file",
                _("The file is too big (%(size)s MB); the limit is %(max)s MB.")
                % {"size": f"{upload.size / 1048576:.1f}", "max": services.MAX_IMPORT_BYTES // 1048576},
            )
            return render(request, self.template_name, {"object": word_list, "form": form}, status=422)
        try:
            report = services.wordlist_import(
                actor=request.user, word_list=word_list, name=upload.name, data=upload.read()
            )
        except ValidationError as error:
            for message in error.message_dict.get("file", error.messages):
                form.add_error("file", message)
            return render(request, self.template_name, {"object": word_list, "form": form}, status=422)
        messages.success(
            request,
            _("Imported: %(added)d added, %(duplicates)d duplicates skipped, %(invalid)d invalid.")
            % {
                "added": len(report.added),
                "duplicates": len(report.duplicates),
                "invalid": len(report.invalid),
            },
        )
        return render(
            request, self.template_name, {"object": word_list, "form": WordImportForm(), "report": report}
        )


class WordListExportView(View):
    def get(self, request, pk, fmt):
        _require_perm(request, Word, VIEW)
        if fmt not in ("txt", "xlsx"):
            raise Http404
        word_list = get_object_or_404(WordList.objects.restrict(request.user, VIEW), pk=pk)
        content, content_type, filename = services.wordlist_export(
            actor=request.user, word_list=word_list, fmt=fmt
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


# --- the screening test page ----------------------------------------------------------------------
class ScreenTryView(View):
    template_name = "wall/words/try.html"

    def get(self, request):
        _require_perm(request, WordList, VIEW)
        return render(request, self.template_name, {"form": ScreenTryForm()})

    def post(self, request):
        _require_perm(request, WordList, VIEW)
        form = ScreenTryForm(data=request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=422)
        result = screen(form.cleaned_data["text"])
        labels = {**dict(ScreenAction.choices), "pass": _("Pass")}
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "result": result,
                "action_label": labels[result.action],
                "hit_rows": [(hit, labels[hit.action]) for hit in result.hits],
            },
        )
