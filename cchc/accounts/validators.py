"""Password rules beyond Django's: letters, digits and another character."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if not all(classes):
            raise ValidationError(
                _("The password must contain letters, digits and at least one other character."),
                code="password_character_classes",
            )

    def get_help_text(self) -> str:
        return _("Your password must contain letters, digits and at least one other character.")
