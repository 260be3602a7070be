"""HTML pages of the PAR Index: sets."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
