from django.urls import path, re_path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.unit_list, name="unit-list"),
    path("new/", views.unit_create, name="unit-create"),
    path("merge/", views.unit_merge, name="unit-merge"),
    path("split/", views.unit_split, name="unit-split"),
    path("import/", views.unit_import, name="unit-import"),
    re_path(r"^export\.(?P<fmt>xlsx|csv)/$", views.unit_export, name="unit-export"),
    path("<int:pk>/", views.unit_detail, name="unit-detail"),
    path("<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("<int:pk>/attachments/", views.unit_attachment_add, name="unit-attachment-add"),
]
