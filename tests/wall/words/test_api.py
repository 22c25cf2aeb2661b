"""REST API: the battery for lists, words and whitelist; the screen endpoint."""

import pytest
from django.urls import reverse

from whitewall.core.testing import APITestCases, grant
from whitewall.core.testing.base import login
from whitewall.wall.models import WhitelistTerm, Word, WordList


class WordListAPITests(APITestCases.APIViewTestCase):
    model = WordList
    create_data = {"name": "隐私", "action": "flag", "description": "曝光他人隐私的说法"}
    update_data = {"name": "诈骗话术", "action": "block"}
    invalid_data = {"name": "辱骂二", "action": "flag", "replacement": "***"}
    invalid_field = "replacement"

    def make_objects(self):
        return [
            WordList.objects.create(name="广告与引流", action="review"),
            WordList.objects.create(name="诈骗", action="block"),
        ]


class WordAPITests(APITestCases.APIViewTestCase):
    model = Word
    invalid_field = "term"

    def make_objects(self):
        grant(self.user, WordList, ("view",))
        self.word_list = WordList.objects.create(name="诈骗", action="block")
        return [Word.objects.create(word_list=self.word_list, term=t) for t in ("传销", "网赌")]

    @property
    def create_data(self):
        return {"word_list": self.word_list.pk, "term": "资金盘", "note": "常见骗局"}

    @property
    def update_data(self):
        return {"word_list": self.word_list.pk, "term": "裸聊", "action": "review"}

    @property
    def invalid_data(self):
        return {"word_list": self.word_list.pk, "term": "傳銷"}  # reads the same as 传销


class WhitelistTermAPITests(APITestCases.APIViewTestCase):
    model = WhitelistTerm
    create_data = {"term": "打击传销", "note": "新闻与宣传"}
    update_data = {"term": "反诈骗中心"}
    invalid_data = {"term": "…… "}
    invalid_field = "term"

    def make_objects(self):
        return [WhitelistTerm.objects.create(term=t) for t in ("传销举报热线", "防范网赌")]


# --- POST /api/v1/wall/screen/ --------------------------------------------------------------------
SCREEN = "api:wall-screen-list"


@pytest.mark.django_db
def test_screen_endpoint_for_reviewers(client, reviewer, make_list):
    make_list("诈骗", "block", ["传销"])
    make_list("辱骂", "replace", ["笨蛋"])
    login(client, reviewer)
    response = client.post(reverse(SCREEN), {"text": "你个笨蛋，别搞傳 銷"}, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["action"] == "block"
    assert body["text"] == "你个**，别搞傳 銷"
    assert [(h["word"], h["start"], h["end"], h["matched"]) for h in body["hits"]] == [
        ("笨蛋", 2, 4, "笨蛋"),
        ("传销", 7, 10, "傳 銷"),
    ]
    assert "<mark" in body["highlighted"]


@pytest.mark.django_db
def test_screen_endpoint_refuses_without_permission(client, django_user_model):
    user = django_user_model.objects.create_user(username="nobody", password="x", is_staff=True)
    response = client.post(reverse(SCREEN), {"text": "传销"}, content_type="application/json")
    assert response.status_code in (401, 403)
    login(client, user)
    response = client.post(reverse(SCREEN), {"text": "传销"}, content_type="application/json")
    assert response.status_code == 403


@pytest.mark.django_db
def test_screen_endpoint_validates_input(client, reviewer):
    login(client, reviewer)
    response = client.post(reverse(SCREEN), {"text": "x" * 100_001}, content_type="application/json")
    assert response.status_code == 400
    assert "text" in response.json()["errors"]
    response = client.post(reverse(SCREEN), {}, content_type="application/json")
    assert response.status_code == 400
