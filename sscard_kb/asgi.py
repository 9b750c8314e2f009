import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscard_kb.settings")

application = get_asgi_application()

from serving import deadline  # noqa: E402 (after Django is set up)

deadline.install()
