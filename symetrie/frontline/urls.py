from __future__ import annotations

from django.urls import path

from symetrie.frontline import views

app_name = "frontline"

urlpatterns = [
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/customers/<int:pk>/", views.customer_detail, name="customer"),
    path(
        "workspace/customers/<int:pk>/interactions/",
        views.interaction_create,
        name="interaction_create",
    ),
    path("workspace/customers/<int:pk>/notes/", views.handoff_note_create, name="note_create"),
    path("workspace/customers/<int:pk>/notes/form/", views.handoff_note_form, name="note_form"),
    path(
        "workspace/customers/<int:pk>/notes/<int:note_pk>/resolve/",
        views.handoff_note_resolve,
        name="note_resolve",
    ),
    path("campaigns/", views.campaigns, name="campaigns"),
]
