"""Pagination: a cursor for large lists (stable under inserts, no COUNT), pages for small ones."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination, PageNumberPagination


class StableCursorPagination(CursorPagination):
    """``?cursor=…`` and ``?page_size=`` (at most 200); the order is the primary key, newest last."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class SmallPagePagination(PageNumberPagination):
    """``?page=N`` and ``?page_size=`` (at most 200), with a total ``count``, for short lists."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
