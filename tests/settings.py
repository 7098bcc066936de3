"""Test settings: the project's settings with a fixed key and fast, build-free static files."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")

from ottawa_tracker.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests render templates without running collectstatic first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# The test client closes a streamed response only when a test reads it to the end, so a test that checks
# only the status of a CSV export would hold its export slot; tests/test_export_limits.py sets the real limit.
EXPORT_MAX_CONCURRENT_PER_ADDRESS = 0
# The response cache (ottawa_tracker/http_cache.py) would outlive each test's rolled-back data and serve one
# test's page to the next; tests/test_response_cache.py turns it on with an empty cache.
RESPONSE_CACHE = False
# The data version kept per process (on Redis) would let one test's version outlive its rolled-back data;
# tests/test_response_cache.py turns it on.
VERSION_MEMO_SECONDS = 0.0
