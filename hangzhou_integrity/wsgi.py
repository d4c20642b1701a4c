import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hangzhou_integrity.settings.local")
application = get_wsgi_application()
