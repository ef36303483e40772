from __future__ import annotations

from django.urls import path

from symetrie.cases import views

app_name = "cases"

urlpatterns = [
    path("cases/", views.my_cases, name="mine"),
    path("cases/overdue/", views.overdue_queue, name="overdue"),
    path("cases/irritants/", views.my_irritants, name="irritants"),
    path("cases/escalations/", views.escalations, name="escalations"),
    path("cases/escalations/<int:pk>/", views.escalation_decide, name="escalation_decide"),
    path("cases/report/", views.report, name="report"),
    path("cases/processes/", views.process_options, name="processes"),
    path("cases/<int:pk>/", views.case_detail, name="detail"),
    path("cases/<int:pk>/status/", views.case_transition, name="transition"),
    path("cases/<int:pk>/next-step/", views.case_next_step, name="next_step"),
    path("cases/<int:pk>/commitments/", views.commitment_add, name="commitment_add"),
    path(
        "cases/<int:pk>/commitments/<int:commitment_pk>/done/",
        views.commitment_done,
        name="commitment_done",
    ),
    path("cases/<int:pk>/handoff/", views.case_handoff, name="handoff"),
    path("cases/<int:pk>/escalate/", views.case_escalate, name="escalate"),
    path("cases/<int:pk>/decisions/", views.decision_record, name="decision"),
    path("cases/<int:pk>/friction/", views.case_friction, name="friction"),
    path("cases/<int:pk>/status-link/", views.case_status_link, name="status_link"),
    path(
        "workspace/customers/<int:customer_pk>/cases/",
        views.customer_case_open,
        name="customer_open",
    ),
    path(
        "workspace/customers/<int:customer_pk>/cases/form/",
        views.customer_case_form,
        name="customer_open_form",
    ),
    path(
        "workspace/customers/<int:customer_pk>/friction/",
        views.customer_friction,
        name="customer_friction",
    ),
    path(
        "workspace/customers/<int:customer_pk>/friction/form/",
        views.customer_friction_form,
        name="customer_friction_form",
    ),
    path("status/<str:token>/", views.status_page, name="status"),
    path("playbooks/", views.playbook_list, name="playbooks"),
    path("playbooks/<slug:slug>/", views.playbook_detail, name="playbook"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/<slug:slug>/", views.onboarding_step, name="onboarding_step"),
]
