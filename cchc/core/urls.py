from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("files/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("audit/", views.audit_search, name="audit-search"),
    path("notifications/", views.notification_list, name="notification-list"),
    path("notifications/bell/", views.notification_bell, name="notification-bell"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path(
        "audit/<str:app_label>/<str:model>/<str:object_id>/",
        views.record_history,
        name="record-history",
    ),
]
