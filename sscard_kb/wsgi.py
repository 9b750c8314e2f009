import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscard_kb.settings")

application = get_wsgi_application()

from sscard_kb.startup import prepare_worker  # noqa: E402 (after Django is set up)

prepare_worker()
