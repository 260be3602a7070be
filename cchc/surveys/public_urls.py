"""The respondents' side: the public form at its short link `/s/<code>/` (no account)."""

from .views import public

app_name = "survey_form"

urlpatterns = public.urlpatterns
