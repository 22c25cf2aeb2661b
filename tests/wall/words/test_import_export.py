"""wordlist_import / wordlist_export: txt and xlsx, round trips, dedup, bad files."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from whitewall.wall.models import Word, WordList
from whitewall.wall.services_words import MAX_IMPORT_BYTES, wordlist_export, wordlist_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def word_list():
    return WordList.objects.create(name="诈骗", action="block")


def xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def terms(word_list):
    return sorted(word_list.words.values_list("term", flat=True))


def test_wordlist_import_txt_with_and_without_bom(reviewer, word_list):
    report = wordlist_import(
        actor=reviewer, word_list=word_list, name="a.txt", data="传销\r\n网赌\n".encode()
    )
    assert report.added == ["传销", "网赌"]
    report = wordlist_import(
        actor=reviewer, word_list=word_list, name="b.TXT", data="\ufeff裸聊\n传销\n".encode()
    )
    assert report.added == ["裸聊"]
    assert report.duplicates == [(2, "传销")]
    assert terms(word_list) == ["传销", "网赌", "裸聊"]


def test_wordlist_import_dedups_by_normalised_form(reviewer, word_list):
    data = "传销\n傳銷\n传 销\nCasino\nｃａｓｉｎｏ\n".encode()
    report = wordlist_import(actor=reviewer, word_list=word_list, name="a.txt", data=data)
    assert report.added == ["传销", "Casino"]
    assert [line for line, _ in report.duplicates] == [2, 3, 5]


def test_wordlist_import_reports_invalid_rows(reviewer, word_list):
    data = ("传销\n" + "长" * 101 + "\n!!!\n").encode()
    report = wordlist_import(actor=reviewer, word_list=word_list, name="a.txt", data=data)
    assert report.added == ["传销"]
    assert [(line, reason) for line, _text, reason in report.invalid] == [
        (2, "longer than 100 characters"),
        (3, "only spaces or symbols"),
    ]


def test_wordlist_import_xlsx_with_actions_and_notes(reviewer, word_list):
    data = xlsx(
        [
            ["词语", "动作", "备注"],
            ["传销", "屏蔽", "常见"],
            ["代理", "review", None],
            ["刷单", "乱写", None],
            [12345, None, None],
        ]
    )
    report = wordlist_import(actor=reviewer, word_list=word_list, name="list.xlsx", data=data)
    assert report.added == ["传销", "代理", "12345"]
    assert report.invalid == [(4, "刷单", "unknown action “乱写”")]
    words = {w.term: w for w in word_list.words.all()}
    assert words["传销"].action == "block" and words["传销"].note == "常见"
    assert words["代理"].action == "review"


@pytest.mark.parametrize("fmt", ["txt", "xlsx"])
def test_export_import_round_trip(reviewer, word_list, fmt):
    Word.objects.create(word_list=word_list, term="传销", action="review", note="注意")
    Word.objects.create(word_list=word_list, term="=1+1")  # never written as a formula
    Word.objects.create(word_list=word_list, term="casino")
    content, content_type, filename = wordlist_export(actor=reviewer, word_list=word_list, fmt=fmt)
    assert filename.endswith(f".{fmt}")
    other = WordList.objects.create(name="副本", action="flag")
    report = wordlist_import(actor=reviewer, word_list=other, name=filename, data=content)
    assert sorted(report.added) == terms(word_list)
    assert not report.duplicates and not report.invalid
    if fmt == "xlsx":  # actions and notes survive too
        copied = other.words.get(term="传销")
        assert (copied.action, copied.note) == ("review", "注意")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.pdf", b"%PDF-1.4", "Upload a .txt file"),
        ("a.txt", b"", "empty"),
        ("a.txt", b"\x00\x01\x02binary", "not a text file"),
        ("a.xlsx", "传销\n".encode(), "not an Excel workbook"),
        ("a.txt", xlsx([["传销"]]), "compressed"),
        ("a.xlsx", b"PK\x03\x04broken zip", "not an Excel workbook"),
        ("a.txt", "传销\n网赌\n".encode() + "坏".encode("gbk") + b"\n", "Line 3 is not valid UTF-8"),
        ("a.txt", b"x" * (MAX_IMPORT_BYTES + 1), "too big"),
    ],
)
def test_wordlist_import_refuses_bad_files_and_writes_nothing(reviewer, word_list, name, data, message):
    with pytest.raises(ValidationError) as error:
        wordlist_import(actor=reviewer, word_list=word_list, name=name, data=data)
    assert message in " ".join(error.value.message_dict["file"])
    assert not word_list.words.exists()


def test_wordlist_import_damaged_xlsx(reviewer, word_list):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(ValidationError) as error:
        wordlist_import(actor=reviewer, word_list=word_list, name="a.xlsx", data=buffer.getvalue())
    assert "cannot be read" in error.value.message_dict["file"][0]


def test_wordlist_import_needs_permission(operator, word_list):
    with pytest.raises(PermissionDenied):
        wordlist_import(actor=operator, word_list=word_list, name="a.txt", data="传销\n".encode())
    assert not word_list.words.exists()


def test_wordlist_import_is_audited(reviewer, word_list):
    from whitewall.audit.models import AuditEvent

    wordlist_import(actor=reviewer, word_list=word_list, name="a.txt", data="传销\n传销\n".encode())
    event = AuditEvent.objects.filter(action="import").latest("seq")
    details = event.extra_data
    assert (details["added"], details["duplicates"], details["file"]) == (1, 1, "a.txt")
    assert event.object_id == str(word_list.pk)
