"""Helpers every HTML view uses: run a service onto a form, file responses, htmx partials."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse

from cchc.core.uploads import UploadRejected
from cchc.core.views import _content_disposition

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def run(form: Form, service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a service and return its result (True for None).

    A ValidationError goes on the form's fields (or the whole form) and None is returned.
    """
    try:
        result = service(*args, **kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return None
    except UploadRejected as error:
        form.add_error(None, str(error))
        return None
    return True if result is None else result


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _content_disposition(filename)
    return response


def pick(request: HttpRequest, page: str, partial: str) -> str:
    """The partial for an htmx request, the full page otherwise."""
    return partial if request.htmx else page
