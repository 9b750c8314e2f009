"""Whether the site sends e-mail, and the address its messages link to."""

from django.conf import settings

DUMMY = "django.core.mail.backends.dummy.EmailBackend"


def mail_configured() -> bool:
    """Whether notifications are sent: always, except with the dummy backend (`EMAIL_BACKEND`). Under
    DEBUG the console backend prints them; in production SMTP sends them (see docs/deployment.md)."""
    return settings.MAILERS["default"]["BACKEND"] != DUMMY


def absolute(path: str) -> str:
    """`path` on the site's address (`SITE_URL`), for links in messages sent outside a request."""
    return settings.SITE_URL.rstrip("/") + path
