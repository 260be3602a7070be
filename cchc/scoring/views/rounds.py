"""HTML pages of the PAR Index: rounds."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
