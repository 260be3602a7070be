from django.contrib import admin
from django.urls import include, path

from .api import api

admin.site.site_header = "cchc"
admin.site.site_title = "cchc"

urlpatterns = [
    path("", include("cchc.core.urls")),
    path("accounts/", include("cchc.accounts.urls")),
    path("units/", include("cchc.units.urls")),
    path("plans/", include("cchc.plans.urls")),
    path("par-index/", include("cchc.scoring.urls")),
    path("surveys/", include("cchc.surveys.urls")),
    path("s/", include("cchc.surveys.public_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
