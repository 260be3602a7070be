from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .forms import AuditSearchForm
from .home import todo_for
from .models import Attachment, AuditEvent, Notification

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9 ._()+-]")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"todo": todo_for(request.user)})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database answers; for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _content_disposition(filename: str) -> str:
    """`attachment` with an ASCII name for every client, plus the exact UTF-8 name (RFC 6266)."""
    folded = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    ascii_name = _UNSAFE_FILENAME.sub("_", folded.encode("ascii", "ignore").decode()).strip()
    header = f'attachment; filename="{ascii_name or "file"}"'
    if ascii_name != filename:
        header += f"; filename*=utf-8''{quote(filename)}"
    return header


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment, pk=pk)
    if not attachment.can_view(request.user):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Content-Disposition"] = _content_disposition(attachment.original_name)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def audit_search(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.visible_to(request.user)
    if not request.user.access.can_read_audit_trail:
        raise Http404
    form = AuditSearchForm(request.GET or None)
    if form.is_bound:
        # An invalid filter finds nothing rather than silently showing everything.
        events = form.filter(events) if form.is_valid() else events.none()
    page = Paginator(events.select_related("content_type", "actor"), 50).get_page(
        request.GET.get("page")
    )
    template = "core/partials/audit_rows.html" if request.htmx else "core/audit_search.html"
    return render(request, template, {"form": form, "page": page})


@login_required
def record_history(
    request: HttpRequest, app_label: str, model: str, object_id: str
) -> HttpResponse:
    content_type = get_object_or_404(ContentType, app_label=app_label, model=model)
    model_class = content_type.model_class()
    if model_class is None:
        raise Http404
    manager = model_class._default_manager
    try:
        if hasattr(manager, "visible_to"):
            obj = manager.visible_to(request.user).filter(pk=object_id).first()
            allowed = obj is not None or request.user.access.can_read_audit_trail
        else:
            obj = manager.filter(pk=object_id).first()
            allowed = request.user.access.can_read_audit_trail
    except (ValueError, ValidationError) as exc:
        raise Http404 from exc
    if not allowed:
        raise Http404
    events = AuditEvent.objects.filter(content_type=content_type, object_id=str(object_id))
    if obj is None and not events.exists():
        raise Http404
    title = str(obj) if obj is not None else events.first().object_repr or f"#{object_id}"
    page = Paginator(events.select_related("actor", "content_type"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/record_history.html",
        {
            "object": obj,
            "title": title,
            "record_type": model_class._meta.verbose_name,
            "content_type": content_type,
            "object_id": object_id,
            "page": page,
        },
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The person's notifications, newest first; showing them marks them as read."""
    notifications = Notification.objects.visible_to(request.user)
    page = Paginator(notifications, 50).get_page(request.GET.get("page"))
    unread = [n for n in page.object_list if n.read_at is None]
    response = render(request, "core/notifications.html", {"page": page, "unread": unread})
    for notification in unread:
        notification.mark_read()
    return response


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification as read and follow its link (if it stays on this site)."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    notification.mark_read()
    url = notification.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("core:notification-list")


@never_cache
@login_required
def notification_bell(request: HttpRequest) -> HttpResponse:
    """The bell with the unread count; htmx polls it."""
    return render(request, "core/partials/bell.html", {"bell_unread": _unread_count(request)})


def _unread_count(request: HttpRequest) -> int:
    return Notification.objects.visible_to(request.user).unread().count()
