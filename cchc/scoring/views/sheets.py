"""HTML pages of the PAR Index: sheets."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
