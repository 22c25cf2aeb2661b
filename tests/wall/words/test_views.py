"""Console pages: the view battery for lists, words and whitelist; import, export, screening test."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from whitewall.core.testing import ViewTestCases, grant
from whitewall.core.testing.base import login
from whitewall.wall.models import WhitelistTerm, Word, WordList
from whitewall.wall.screening import cache as screening_cache


class WordListViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = WordList
    invalid_field = "replacement"

    def make_objects(self):
        return [
            WordList.objects.create(name="广告与引流", action="review"),
            WordList.objects.create(name="诈骗", action="block"),
            WordList.objects.create(name="辱骂", action="replace", replacement="***"),
        ]

    @property
    def form_data(self):
        return {"name": "隐私", "description": "曝光他人隐私的说法", "action": "flag", "is_active": "on"}

    @property
    def invalid_form_data(self):
        # A replacement only makes sense for the replace action: the field is named.
        return {**self.form_data, "replacement": "***"}

    def get_edit_data(self, obj):
        return {"name": obj.name, "action": obj.action, "replacement": obj.replacement, "is_active": "on"}


class WordViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = Word
    invalid_field = "term"

    def make_objects(self):
        grant(self.user, WordList, ("view",))
        self.word_list = WordList.objects.create(name="诈骗", action="block")
        return [Word.objects.create(word_list=self.word_list, term=term) for term in ("传销", "网赌", "裸聊")]

    @property
    def form_data(self):
        return {"word_list": self.word_list.pk, "term": "资金盘", "action": "", "note": "常见骗局"}

    @property
    def invalid_form_data(self):
        return {**self.form_data, "term": "*** ！！"}  # nothing left after normalisation

    def get_edit_data(self, obj):
        return {"word_list": obj.word_list_id, "term": obj.term, "action": "review", "note": "改为审核"}


class WhitelistTermViewTests(ViewTestCases.PrimaryObjectViewTestCase):
    model = WhitelistTerm
    invalid_field = "term"

    def make_objects(self):
        return [WhitelistTerm.objects.create(term=term) for term in ("传销举报热线", "反诈骗", "防范网赌")]

    form_data = {"term": "打击传销", "note": "新闻与宣传"}
    invalid_form_data = {"term": "传销举报热线 "}  # reads the same as an existing term

    def get_edit_data(self, obj):
        return {"term": obj.term, "note": "已核实"}


# --- import, export, screening test ---------------------------------------------------------------
@pytest.fixture
def staff_client(client, reviewer):
    login(client, reviewer)
    return client


@pytest.fixture
def word_list(db):
    return WordList.objects.create(name="诈骗", action="block")


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def test_import_txt_through_the_page_shows_the_report(staff_client, word_list):
    Word.objects.create(word_list=word_list, term="传销")
    data = "\ufeff传销\n网赌\n\n# 注释\n網賭\n裸聊\n" + "长" * 101 + "\n***\n"
    url = reverse("wall:wordlist_import", args=[word_list.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"file": _upload("words.txt", data.encode())})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.added == ["网赌", "裸聊"]
    assert [term for _line, term in report.duplicates] == ["传销", "網賭"]
    assert [line for line, _text, _reason in report.invalid] == [7, 8]
    assert 'data-testid="import-report"' in response.content.decode()
    assert set(word_list.words.values_list("term", flat=True)) == {"传销", "网赌", "裸聊"}


def test_import_bad_encoding_names_the_line(staff_client, word_list):
    data = "传销\n网赌\n".encode() + "裸聊\n".encode("gbk")
    response = staff_client.post(
        reverse("wall:wordlist_import", args=[word_list.pk]), {"file": _upload("words.txt", data)}
    )
    assert response.status_code == 422
    content = response.content.decode()
    assert 'data-field="file"' in content
    assert "3" in response.context["form"].errors["file"][0]
    assert not word_list.words.exists()


def test_import_needs_permission(client, operator, word_list):
    login(client, operator)  # operators only read
    url = reverse("wall:wordlist_import", args=[word_list.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": _upload("w.txt", "传销\n".encode())}).status_code == 403
    assert not word_list.words.exists()


def test_export_txt_and_xlsx(staff_client, word_list):
    for term in ("网赌", "传销"):
        Word.objects.create(word_list=word_list, term=term)
    response = staff_client.get(reverse("wall:wordlist_export", args=[word_list.pk, "txt"]))
    assert response.status_code == 200
    assert response.content.decode() == "传销\n网赌\n"
    response = staff_client.get(reverse("wall:wordlist_export", args=[word_list.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["term", "传销", "网赌"]
    response = staff_client.get(reverse("wall:wordlist_export", args=[word_list.pk, "pdf"]))
    assert response.status_code == 404


def test_export_outside_scope_is_not_found(client, word_list, django_user_model):
    user = django_user_model.objects.create_user(username="li", password="x", is_staff=True)
    grant(user, Word, ("view",))
    other = WordList.objects.create(name="辱骂", action="replace")
    grant(user, WordList, ("view",), {"pk": other.pk})
    login(client, user)
    assert client.get(reverse("wall:wordlist_export", args=[word_list.pk, "txt"])).status_code == 404
    assert client.get(reverse("wall:wordlist_export", args=[other.pk, "txt"])).status_code == 200


def test_screening_test_page(staff_client, make_list):
    make_list("诈骗", "block", ["传销"])
    url = reverse("wall:words_try")
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"text": "<b>有人搞傳*銷</b>"})
    assert response.status_code == 200
    content = response.content.decode()
    assert '<mark class="ww-hit ww-hit-block" title="诈骗: 传销">傳*銷</mark>' in content
    assert "&lt;b&gt;" in content
    assert response.context["result"].normalized == "b有人搞传销b"
    assert staff_client.post(url, {"text": ""}).status_code == 422


def test_screening_test_page_needs_permission(client, db, django_user_model):
    user = django_user_model.objects.create_user(username="nobody", password="x", is_staff=True)
    login(client, user)
    assert client.get(reverse("wall:words_try")).status_code == 403


def test_detail_page_lists_words_and_buttons(staff_client, word_list):
    Word.objects.create(word_list=word_list, term="传销")
    content = staff_client.get(word_list.get_absolute_url()).content.decode()
    assert 'data-testid="word-cloud"' in content
    assert "传销" in content
    assert reverse("wall:wordlist_import", args=[word_list.pk]) in content


def test_deleting_a_list_through_the_page_rebuilds_the_matcher(
    staff_client, make_list, django_capture_on_commit_callbacks
):
    word_list = make_list("诈骗", "block", ["传销"])
    from whitewall.wall.screening import screen

    assert screen("传销").action == "block"
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("wall:wordlist_delete", args=[word_list.pk]))
    assert screen("传销").action == "pass"
    assert screening_cache.get_matcher().word_count == 0


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
