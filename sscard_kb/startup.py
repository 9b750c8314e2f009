"""What each worker process does once at start-up, after Django is set up: `wsgi.py` and `asgi.py` both call
`prepare_worker`, so a worker of either kind is ready before its first request."""


def prepare_worker() -> None:
    from serving import deadline, pages
    from textkit import chinese

    deadline.install()  # the database client's deadline (PostgreSQL), before the first connection
    chinese.load()  # the Chinese segmenter and its dictionaries, once per worker, not at its first search
    pages.release()  # the release named in cached pages' keys, computed once per worker
