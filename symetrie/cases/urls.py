from __future__ import annotations

from django.urls import path

from symetrie.cases import views

app_name = "cases"

urlpatterns = [
    path("playbooks/", views.playbook_list, name="playbooks"),
    path("playbooks/<slug:slug>/", views.playbook_detail, name="playbook"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("onboarding/<slug:slug>/", views.onboarding_step, name="onboarding_step"),
]
