from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("new/", views.plan_create, name="plan-create"),
    path("mine/", views.my_assignments_page, name="my-assignments"),
    path("board/", views.board, name="board"),
    path("board/export.xlsx", views.board_export, name="board-export"),
    path("board/annex.docx", views.board_annex, name="board-annex"),
    path("overdue/", views.overdue_board, name="overdue-board"),
    path("progress/", views.progress_page, name="progress"),
    path("calendar/", views.deadline_calendar_page, name="calendar"),
    path("urging/", views.urging_list, name="urging-list"),
    path("urging/new/", views.urging_create, name="urging-create"),
    path("urging/<int:pk>/", views.urging_detail, name="urging-detail"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/document/", views.plan_document, name="plan-document"),
    path("<int:pk>/areas/new/", views.area_create, name="area-create"),
    path("<int:pk>/tasks/new/", views.task_create, name="task-create"),
    path("<int:pk>/annex/", views.annex_import, name="annex-import"),
    path("<int:pk>/annex/preview/", views.annex_preview, name="annex-preview"),
    path("<int:pk>/annex/confirm/", views.annex_confirm, name="annex-confirm"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/cancel/", views.task_cancel, name="task-cancel"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/cancel/", views.assignment_cancel, name="assignment-cancel"),
    path("assignments/<int:pk>/reports/new/", views.report_create, name="report-create"),
    path("assignments/<int:pk>/extension/", views.extension_request, name="extension-request"),
    path("assignments/<int:pk>/obstacles/new/", views.obstacle_create, name="obstacle-create"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report-accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report-return"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension-decide"),
    path("obstacles/<int:pk>/answer/", views.obstacle_answer, name="obstacle-answer"),
]
