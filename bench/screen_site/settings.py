"""The app's own settings (read from the environment as in production), with the bench's URLs."""

from __future__ import annotations

from symetrie.settings import *  # noqa: F403 (the real settings, unchanged)

ROOT_URLCONF = "screen_site.urls"
