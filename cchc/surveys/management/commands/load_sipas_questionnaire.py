"""Load the SIPAS questionnaires (QĐ 2640 and the ward form Mẫu số 02) from the reference file.

Safe to run again: a questionnaire already loaded is left as it is.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cchc.surveys.seed import load_sipas


class Command(BaseCommand):
    help = "Create the SIPAS questionnaires from the reference file; safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        for version in load_sipas():
            questions = version.questions.count()
            self.stdout.write(
                f"{version.questionnaire.code} v{version.number}: {version.title} "
                f"({version.sections.count()} sections, {questions} questions)"
            )
