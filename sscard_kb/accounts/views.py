from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.utils.translation import gettext as _

from sscard_kb.client import client_address

RESETS_PER_CLIENT = 5  # reset emails one client address may ask for per LOGIN_LOCK_SECONDS


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset (an email with a one-time link), at most a few requests per client address, so the
    form cannot be used to flood staff mailboxes."""

    def form_valid(self, form):
        key = f"password-resets:client:{client_address(self.request)}"
        cache.add(key, 0, settings.LOGIN_LOCK_SECONDS)
        if cache.incr(key) > RESETS_PER_CLIENT:
            form.add_error("email", _("Too many password reset requests from this address. Try again later."))
            return self.form_invalid(form)
        return super().form_valid(form)
