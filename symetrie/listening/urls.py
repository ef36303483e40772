"""Routes of the listening engine: each part of it keeps its own list in its views module."""

from __future__ import annotations

from symetrie.listening import views_answer, views_designer, views_results

app_name = "listening"

urlpatterns = [
    *views_designer.urlpatterns,
    *views_answer.urlpatterns,
    *views_results.urlpatterns,
]
