"""The Celery app, wired as in cookiecutter-django's config/celery_app.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ottawa_tracker.settings")

app = Celery("ottawa_tracker")
# Every CELERY_* setting in settings.py configures the app.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
