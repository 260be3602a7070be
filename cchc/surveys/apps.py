from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "cchc.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys (SIPAS)")

    def ready(self) -> None:
        from . import metrics  # noqa: F401  registers surveys.satisfaction with the PAR Index
