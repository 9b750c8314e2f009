"""Whether the site sends e-mail, and the address its messages link to."""

from django.conf import settings
from django.core.mail import mailers
from django.core.mail.handler import DEFAULT_MAILER_BACKEND

# Backends that send nothing anywhere: notifications are not mailed (commands print what they would say).
NOT_SENDING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def mail_configured() -> bool:
    """Whether the default mailer really sends mail: not the console or dummy backend (as under DEBUG). In
    production SMTP sends it (`EMAIL_BACKEND` unset; see docs/deployment.md)."""
    return mailers.settings.get("default", {}).get("BACKEND", DEFAULT_MAILER_BACKEND) not in NOT_SENDING


def absolute(path: str) -> str:
    """`path` on the site's address (`SITE_URL`), for links in messages sent outside a request (the path alone
    when it is not set)."""
    return settings.SITE_URL + path
