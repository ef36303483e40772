from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrontlineConfig(AppConfig):
    name = "symetrie.frontline"
    verbose_name = _("Employee workspace")
