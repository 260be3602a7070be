"""HTML pages of the PAR Index: results."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
