import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hangzhou_integrity.settings.local")

app = Celery("hangzhou_integrity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
