"""scripts/api_fuzz.py: the project served to schemathesis. The test settings (no broker, cache or mail shared
with anything; generous throttles), with files on disk under MEDIA_ROOT: the demo evidence that `seed_demo`
writes must be there for the server, which is another process."""

from .test import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
}
