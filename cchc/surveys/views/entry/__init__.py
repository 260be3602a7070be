"""Staff pages of the surveys module: paper entry (single or double, blind), the forms to
settle, importing a file of responses, the response list with invalidation, duplicates."""

from __future__ import annotations

from django.urls import URLPattern, path

from .paper import paper_compare, paper_entry, paper_pending
from .responses import response_detail, responses_duplicates, responses_import, responses_list

urlpatterns: list[URLPattern] = [
    path("campaigns/<int:pk>/paper/", paper_entry, name="paper_entry"),
    path("campaigns/<int:pk>/paper/pending/", paper_pending, name="paper_pending"),
    path("campaigns/<int:pk>/paper/<int:entry_pk>/compare/", paper_compare, name="paper_compare"),
    path("campaigns/<int:pk>/responses/", responses_list, name="responses_list"),
    path(
        "campaigns/<int:pk>/responses/<int:response_pk>/",
        response_detail,
        name="response_detail",
    ),
    path(
        "campaigns/<int:pk>/responses/duplicates/",
        responses_duplicates,
        name="responses_duplicates",
    ),
    path("campaigns/<int:pk>/responses/import/", responses_import, name="responses_import"),
]
