import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sscard_kb.settings")

application = get_wsgi_application()

from serving import deadline  # noqa: E402 (after Django is set up)

deadline.install()

from textkit import chinese  # noqa: E402

chinese.load()  # the Chinese segmenter and its dictionaries, once per worker at start-up, not at its first search

from serving import pages  # noqa: E402

pages.release()  # the release named in cached pages' keys, computed once per worker at start-up
