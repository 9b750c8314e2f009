from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from . import throttle


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset (an email with a one-time link), at most a few requests per client address, so the
    form cannot be used to flood staff mailboxes."""

    def form_valid(self, form):
        if not throttle.allow_password_reset(self.request):
            form.add_error("email", _("Too many password reset requests from this address. Try again later."))
            return self.form_invalid(form)
        return super().form_valid(form)
