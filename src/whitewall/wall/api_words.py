"""REST API for sensitive words: lists, words and whitelist (same permissions and services as the
console), and ``POST /api/v1/wall/screen/`` to screen a text (anyone who may view word lists)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from whitewall.core.api.mixins import ThrottleFirstMixin
from whitewall.core.api.pagination import SmallPagePagination
from whitewall.core.api.serializers import ModelCleanSerializer
from whitewall.core.api.viewsets import RestrictedModelViewSet
from whitewall.core.permissions import VIEW
from whitewall.wall import services_words as services
from whitewall.wall.filtersets_words import WhitelistTermFilterSet, WordFilterSet, WordListFilterSet
from whitewall.wall.models import WhitelistTerm, Word, WordList
from whitewall.wall.screening import ACTIONS, screen


def _apply(instance, validated_data):
    for name, value in validated_data.items():
        setattr(instance, name, value)
    return instance


class WordListSerializer(ModelCleanSerializer):
    class Meta:
        model = WordList
        fields = (
            "id",
            "name",
            "description",
            "action",
            "replacement",
            "is_active",
            "version",
            "created",
            "updated",
        )
        read_only_fields = ("version",)


class WordListViewSet(RestrictedModelViewSet):
    """Sensitive-word lists (clause 1.3.1). Deleting a list deletes its words."""

    model = WordList
    serializer_class = WordListSerializer
    filterset_class = WordListFilterSet
    pagination_class = SmallPagePagination

    def base_queryset(self):
        return WordList.objects.order_by("name", "pk")

    def perform_write(self, serializer):
        instance = _apply(serializer.instance or WordList(), serializer.validated_data)
        return services.wordlist_save(actor=self.request.user, word_list=instance)

    def perform_delete(self, obj):
        services.wordlist_delete(actor=self.request.user, word_list=obj)


class WordSerializer(ModelCleanSerializer):
    class Meta:
        model = Word
        fields = ("id", "word_list", "term", "normalized", "action", "note", "created", "updated")
        read_only_fields = ("normalized",)


class WordViewSet(RestrictedModelViewSet):
    """Sensitive words; ``normalized`` is the form that is matched."""

    model = Word
    serializer_class = WordSerializer
    filterset_class = WordFilterSet

    def base_queryset(self):
        return Word.objects.order_by("pk")

    def perform_write(self, serializer):
        instance = _apply(serializer.instance or Word(), serializer.validated_data)
        return services.word_save(actor=self.request.user, word=instance)

    def perform_delete(self, obj):
        services.word_delete(actor=self.request.user, word=obj)


class WhitelistTermSerializer(ModelCleanSerializer):
    class Meta:
        model = WhitelistTerm
        fields = ("id", "term", "normalized", "note", "created", "updated")
        read_only_fields = ("normalized",)


class WhitelistTermViewSet(RestrictedModelViewSet):
    """Whitelisted terms: never reported, and hits inside them are dropped."""

    model = WhitelistTerm
    serializer_class = WhitelistTermSerializer
    filterset_class = WhitelistTermFilterSet
    pagination_class = SmallPagePagination

    def base_queryset(self):
        return WhitelistTerm.objects.order_by("term", "pk")

    def perform_write(self, serializer):
        instance = _apply(serializer.instance or WhitelistTerm(), serializer.validated_data)
        return services.whitelistterm_save(actor=self.request.user, term=instance)

    def perform_delete(self, obj):
        services.whitelistterm_delete(actor=self.request.user, term=obj)


class ScreenRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=100_000, allow_blank=True, trim_whitespace=False)


class HitSerializer(serializers.Serializer):
    word = serializers.CharField()
    word_id = serializers.IntegerField()
    list_name = serializers.CharField()
    list_id = serializers.IntegerField()
    action = serializers.ChoiceField(choices=ACTIONS[1:])
    start = serializers.IntegerField(help_text="Offset in the original text (characters).")
    end = serializers.IntegerField()
    matched = serializers.CharField()


class ScreenResultSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ACTIONS)
    text = serializers.CharField(help_text="The text with replace hits rewritten.")
    normalized = serializers.CharField()
    hits = HitSerializer(many=True)
    highlighted = serializers.CharField(help_text="HTML-escaped text with hits in <mark>.")
    version = serializers.CharField()


class ScreenViewSet(ThrottleFirstMixin, viewsets.ViewSet):
    """Screen a text against the active word lists: the same result the wall acts on."""

    model = WordList
    permission_action = VIEW
    serializer_class = ScreenRequestSerializer

    @extend_schema(request=ScreenRequestSerializer, responses=ScreenResultSerializer)
    def create(self, request):
        data = ScreenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = screen(data.validated_data["text"])
        return Response(
            ScreenResultSerializer(
                {
                    "action": result.action,
                    "text": result.text,
                    "normalized": result.normalized,
                    "hits": result.hits,
                    "highlighted": str(result.highlighted()),
                    "version": result.version,
                }
            ).data
        )
