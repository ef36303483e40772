from __future__ import annotations

from django.urls import path

from symetrie.org import views

app_name = "org"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("<str:code>/", views.unit, name="unit"),
    path("<str:code>/children/", views.children, name="children"),
]
