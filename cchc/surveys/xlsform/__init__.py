"""XLSForm in and out of cchc (KoboToolbox, ODK), and the plain draft of a questionnaire.

- `spec`: `FormDraft` (sections, questions, choices) and `form_problems`, its rules;
- `reading` / `survey_rows` / `sheets`: a workbook read into a draft, problems by row;
- `writing`: a draft written as a workbook Kobo imports;
- `expressions`: the relevant / constraint expressions understood;
- `files`: checking uploads and placing a draft's problems on their cells.
"""

from .files import XLSFormInvalid, locate, read_upload
from .reading import XLSFormFile, read_xlsform
from .spec import (
    ChoiceDraft,
    FormDraft,
    FormProblem,
    QuestionDraft,
    SectionDraft,
    as_form,
    form_from_dict,
    form_problems,
)
from .writing import write_xlsform

__all__ = [
    "ChoiceDraft",
    "FormDraft",
    "FormProblem",
    "QuestionDraft",
    "SectionDraft",
    "XLSFormFile",
    "XLSFormInvalid",
    "as_form",
    "form_from_dict",
    "form_problems",
    "locate",
    "read_upload",
    "read_xlsform",
    "write_xlsform",
]
