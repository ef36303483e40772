"""Page routes; the API is mounted from symetrie.api."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from symetrie.api import api

urlpatterns = [
    path("", include("symetrie.core.urls")),
    path("accounts/", include("symetrie.accounts.urls")),
    path("org/", include("symetrie.org.urls")),
    path("", include("symetrie.frontline.urls")),
    path("", include("symetrie.cases.urls")),
    path("", include("symetrie.listening.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
