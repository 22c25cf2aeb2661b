"""Services for sensitive words (clause 1.3.1): lists, words, whitelist, import and export.

Views, API, commands and jobs all call these. Every change to a list, a word or the whitelist
(through a service or not: the receivers in ``registrations_words`` watch the models) bumps the
shared version key when its transaction commits, and sends ``word_lists_changed`` once; every
process then rebuilds its matcher on its next check.

Screening itself is ``whitewall.wall.screening.screen`` / ``screen_many`` (re-exported here).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from whitewall.accounts.models import User
from whitewall.core.permissions import has_model_permission
from whitewall.wall.models import MAX_TERM_LENGTH, ScreenAction, WhitelistTerm, Word, WordList
from whitewall.wall.screening import ScreenResult, highlight_html, screen, screen_many
from whitewall.wall.screening.cache import mark_changed
from whitewall.wall.screening.normalize import normalize

__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_ROWS",
    "ImportReport",
    "ScreenResult",
    "highlight_html",
    "screen",
    "screen_many",
    "whitelistterm_delete",
    "whitelistterm_save",
    "word_delete",
    "word_save",
    "wordlist_delete",
    "wordlist_export",
    "wordlist_import",
    "wordlist_save",
]

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 50_000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Header cells an xlsx file may start with (ours in both languages, and common ones).
_HEADER_TERMS = {"term", "word", "词语", "敏感词", "词"}


def _deny() -> PermissionDenied:
    return PermissionDenied(_("You do not have permission to do this."))


def _require(actor: User | None, model, action: str, obj=None) -> None:
    if actor is None:
        return
    if not has_model_permission(actor, model, action):
        raise _deny()
    if obj is not None and obj.pk and not model.objects.restrict(actor, action).filter(pk=obj.pk).exists():
        raise _deny()


def _touch(word_list_id: int) -> None:
    WordList.objects.filter(pk=word_list_id).update(version=F("version") + 1, updated=timezone.now())
    mark_changed()


# --- word lists -----------------------------------------------------------------------------------
@transaction.atomic
def wordlist_save(*, actor: User | None, word_list: WordList) -> WordList:
    """Create or change a word list (``word_list`` carries the new values)."""
    creating = word_list.pk is None
    _require(actor, WordList, "add" if creating else "change", None if creating else word_list)
    word_list.full_clean()
    if creating:
        word_list.created_by = actor
    else:
        word_list.version = F("version") + 1
    word_list.save()
    word_list.refresh_from_db(fields=["version"])
    mark_changed()
    return word_list


@transaction.atomic
def wordlist_delete(*, actor: User | None, word_list: WordList) -> None:
    _require(actor, WordList, "delete", word_list)
    word_list.delete()
    mark_changed()


# --- words ----------------------------------------------------------------------------------------
@transaction.atomic
def word_save(*, actor: User | None, word: Word) -> Word:
    """Add a word to its list or change it (the list's version goes up)."""
    creating = word.pk is None
    _require(actor, Word, "add" if creating else "change", None if creating else word)
    if (
        actor is not None
        and not WordList.objects.restrict(actor, "view").filter(pk=word.word_list_id).exists()
    ):
        raise ValidationError({"word_list": _("Choose a word list you may see.")})
    previous_list = (
        None if creating else Word.objects.filter(pk=word.pk).values_list("word_list_id", flat=True).first()
    )
    word.full_clean()
    if creating:
        word.created_by = actor
    word.save()
    _touch(word.word_list_id)
    if previous_list and previous_list != word.word_list_id:
        _touch(previous_list)
    return word


@transaction.atomic
def word_delete(*, actor: User | None, word: Word) -> None:
    _require(actor, Word, "delete", word)
    list_id = word.word_list_id
    word.delete()
    _touch(list_id)


# --- whitelist ------------------------------------------------------------------------------------
@transaction.atomic
def whitelistterm_save(*, actor: User | None, term: WhitelistTerm) -> WhitelistTerm:
    creating = term.pk is None
    _require(actor, WhitelistTerm, "add" if creating else "change", None if creating else term)
    term.full_clean()
    if creating:
        term.created_by = actor
    term.save()
    mark_changed()
    return term


@transaction.atomic
def whitelistterm_delete(*, actor: User | None, term: WhitelistTerm) -> None:
    _require(actor, WhitelistTerm, "delete", term)
    term.delete()
    mark_changed()


# --- import ---------------------------------------------------------------------------------------
@dataclass
class ImportReport:
    """What an import did: words added, duplicates skipped (in the file or already in the list),
    and invalid rows with their line number and reason."""

    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    invalid: list[tuple[int, str, str]] = field(default_factory=list)  # (line, text, reason)

    @property
    def total(self) -> int:
        return len(self.added) + len(self.duplicates) + len(self.invalid)


_ACTION_ALIASES = {
    **{choice.value: choice.value for choice in ScreenAction},
    **{str(choice.label).lower(): choice.value for choice in ScreenAction},
    "屏蔽": "block",
    "拦截": "block",
    "禁止": "block",
    "审核": "review",
    "人工审核": "review",
    "需审核": "review",
    "替换": "replace",
    "标记": "flag",
}


def _read_txt(data: bytes) -> list[tuple[int, str, str, str]]:
    if b"\x00" in data:
        raise ValidationError(
            {"file": _("This is not a text file (it contains binary data). Upload a .txt or .xlsx file.")}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ValidationError(
            {
                "file": _(
                    "Line %(line)d is not valid UTF-8. Save the file as UTF-8 (with or without BOM) and try again."
                )
                % {"line": line}
            }
        ) from error
    return [(number, line, "", "") for number, line in enumerate(text.splitlines(), start=1)]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[tuple[int, str, str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(
            {"file": _("This Excel file cannot be read (damaged, encrypted or not .xlsx).")}
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for number, row in enumerate(sheet.iter_rows(max_col=3, values_only=True), start=1):
            if number > MAX_IMPORT_ROWS + 1:
                raise ValidationError(
                    {"file": _("The file has more than %(max)d rows.") % {"max": MAX_IMPORT_ROWS}}
                )
            cells = [_cell(v) for v in (*row, None, None, None)[:3]]
            if number == 1 and cells[0].lower() in _HEADER_TERMS:
                continue
            rows.append((number, *cells))
        return rows
    finally:
        workbook.close()


def read_word_file(name: str, data: bytes) -> list[tuple[int, str, str, str]]:
    """Rows (line number, term, action, note) of an uploaded .txt or .xlsx word file."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too big (%(size)s MB); the limit is %(max)s MB.")
                % {"size": f"{len(data) / 1048576:.1f}", "max": MAX_IMPORT_BYTES // 1048576}
            }
        )
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    lower = (name or "").lower()
    is_zip = data[:4] == b"PK\x03\x04" and zipfile.is_zipfile(io.BytesIO(data))
    if lower.endswith(".xlsx"):
        if not is_zip:
            raise ValidationError({"file": _("This file is named .xlsx but is not an Excel workbook.")})
        return _read_xlsx(data)
    if lower.endswith(".txt"):
        if is_zip:
            raise ValidationError({"file": _("This file is named .txt but is a compressed (zip/xlsx) file.")})
        rows = _read_txt(data)
        if len(rows) > MAX_IMPORT_ROWS:
            raise ValidationError(
                {"file": _("The file has more than %(max)d lines.") % {"max": MAX_IMPORT_ROWS}}
            )
        return rows
    raise ValidationError({"file": _("Upload a .txt file (one word per line, UTF-8) or an .xlsx workbook.")})


@transaction.atomic
def wordlist_import(*, actor: User | None, word_list: WordList, name: str, data: bytes) -> ImportReport:
    """Add the words of an uploaded file to ``word_list``; nothing is written if the file is bad.

    Blank lines and lines starting with ``#`` are skipped. In xlsx, column A is the term, column B
    an optional action override (block / review / replace / flag or 屏蔽 / 审核 / 替换 / 标记) and
    column C an optional note; a first row headed "term"/"词语"/"敏感词" is a header.
    """
    _require(actor, Word, "add")
    _require(actor, WordList, "change", word_list)
    rows = read_word_file(name, data)
    report = ImportReport()
    seen = set(Word.objects.filter(word_list=word_list).values_list("normalized", flat=True))
    new_words = []
    for number, raw_term, raw_action, note in rows:
        term = raw_term.strip()
        if not term or term.startswith("#"):
            continue
        if len(term) > MAX_TERM_LENGTH:
            report.invalid.append(
                (number, term[:40], _("longer than %(max)d characters") % {"max": MAX_TERM_LENGTH})
            )
            continue
        normalized = normalize(term)
        if not normalized:
            report.invalid.append((number, term, _("only spaces or symbols")))
            continue
        action = ""
        if raw_action:
            action = _ACTION_ALIASES.get(raw_action.strip().lower())
            if action is None:
                report.invalid.append(
                    (number, term, _("unknown action “%(action)s”") % {"action": raw_action})
                )
                continue
        if normalized in seen:
            report.duplicates.append((number, term))
            continue
        seen.add(normalized)
        new_words.append(
            Word(
                word_list=word_list,
                term=term,
                normalized=normalized,
                action=action,
                note=note[:200],
                created_by=actor,
            )
        )
        report.added.append(term)
    if new_words:
        Word.objects.bulk_create(new_words, batch_size=1000)
        _touch(word_list.pk)
    from whitewall.audit.services import record

    record(
        action="import",
        actor=actor,
        obj=word_list,
        extra={
            "file": name[:200],
            "added": len(report.added),
            "duplicates": len(report.duplicates),
            "invalid": len(report.invalid),
        },
    )
    return report


# --- export ---------------------------------------------------------------------------------------
def wordlist_export(*, actor: User | None, word_list: WordList, fmt: str) -> tuple[bytes, str, str]:
    """The list's words as (content, content type, file name); ``fmt`` is "txt" or "xlsx".

    txt: UTF-8, one term per line. xlsx: term, action override, note, with a header row. Both read
    back through ``wordlist_import`` unchanged.
    """
    _require(actor, Word, "view")
    _require(actor, WordList, "view", word_list)
    words = Word.objects.filter(word_list=word_list).order_by("term")
    if actor is not None:
        words = words.restrict(actor, "view")
    rows = list(words.values_list("term", "action", "note"))
    stem = f"words-{word_list.pk}"
    if fmt == "txt":
        content = "".join(f"{term}\n" for term, _action, _note in rows).encode("utf-8")
        return content, "text/plain; charset=utf-8", f"{stem}.txt"
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(word_list.name[:31].translate(str.maketrans("[]:*?/\\", "_______")))
        sheet.column_dimensions["A"].width = 30
        sheet.column_dimensions["C"].width = 40

        def text_cell(value: str):
            # Always a string cell: a term such as "=1+1" is never written as a formula.
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            return cell

        sheet.append(["term", "action", "note"])
        for term, action, note in rows:
            sheet.append([text_cell(term), action, text_cell(note)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), XLSX_CONTENT_TYPE, f"{stem}.xlsx"
    raise ValidationError({"format": _("Choose txt or xlsx.")})
