from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import throttle
from .models import TOTPDevice


class StaffAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in: throttled per account and client, and with the authenticator code of those who have one."""

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=12,
        help_text=_("The six digits your authenticator app shows, if you have set one up."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "otp_invalid": _("Enter the current six-digit code from your authenticator app."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        wait = throttle.locked_for(self.request, username)
        if wait:  # refused without checking the password; the attempt still counts against the client
            throttle.record_failure(self.request, username)
            minutes = max(1, round(wait / 60))
            raise ValidationError(
                ngettext(
                    "Too many failed sign-in attempts for this account or from this address. "
                    "Try again in %(minutes)d minute.",
                    "Too many failed sign-in attempts for this account or from this address. "
                    "Try again in %(minutes)d minutes.",
                    minutes,
                ),
                code="throttled",
                params={"minutes": minutes},
            )
        try:
            super().clean()
            self.verify_second_factor()
        except ValidationError:
            throttle.record_failure(self.request, username)
            raise
        if self.user_cache is not None:
            throttle.record_success(self.request, username)
        return self.cleaned_data

    def verify_second_factor(self):
        """A staff member with an authenticator app signs in with its current code as well."""
        user = self.user_cache
        self.verified_device = None
        if user is None:
            return
        device = TOTPDevice.objects.filter(user=user).first()
        if device is None:
            return
        if not device.verify(self.cleaned_data.get("otp_token")):
            raise ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
        self.verified_device = device


class EnrolForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
