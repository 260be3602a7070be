from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "cchc.accounts"
    label = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from cchc.core.audit import register_verbs

        from .services import VERBS

        register_verbs(VERBS)
