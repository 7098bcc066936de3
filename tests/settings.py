"""Test settings: the project's settings with a fixed key and fast, build-free static files."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

from ottawa_tracker.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests render templates without running collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
