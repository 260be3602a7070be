"""HTML pages of the PAR Index: rounds."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from ..models import Round


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = Round.objects.visible_to(request.user)
    return render(request, "scoring/round_list.html", {"rounds": rounds})


urlpatterns: list[URLPattern] = [path("", round_list, name="round_list")]
