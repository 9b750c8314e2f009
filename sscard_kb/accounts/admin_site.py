import base64
import functools
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles.proposals import sent_back_count, waiting_count
from articles.roles import CHANGE_PERMISSION, PUBLISH_PERMISSION

from . import totp, two_factor
from .forms import EnrolForm, StaffAuthenticationForm
from .models import TOTPDevice

ENROLMENT_SESSION_KEY = "staff_two_factor_pending_secret"


def qr_code_data_url(text):
    """An SVG QR code of `text` as a data: URL (an image the strict CSP allows; no script, no inline style)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


class StaffAdminSite(admin.AdminSite):
    """The admin: sign-in throttled and with a second factor for those who have one (or must have one), a page to
    set up an authenticator app, and password reset by email (wired in sscard_kb/urls.py)."""

    site_header = gettext_lazy("sscard-kb administration")
    site_title = gettext_lazy("sscard-kb admin")
    login_form = StaffAuthenticationForm
    login_template = "admin/staff_login.html"

    def get_urls(self):
        return [
            path("two-factor/", self.admin_view(self.two_factor_view), name="two_factor"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        """The admin's home page, telling publishers how many proposed changes wait for them, and editors how many
        of theirs were sent back."""
        waiting = waiting_count() if request.user.has_perm(PUBLISH_PERMISSION) else None
        sent_back = sent_back_count(request.user) if request.user.has_perm(CHANGE_PERMISSION) else None
        context = {"proposals_waiting": waiting, "proposals_sent_back": sent_back}
        return super().index(request, {**context, **(extra_context or {})})

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        if request.method == "POST" and request.user.is_authenticated and response.status_code == 302:
            if two_factor.has_device(request.user):  # signing in took its code
                two_factor.mark_verified(request)
        return response

    def admin_view(self, view, cacheable=False):
        """Every admin page, for a staff member who has an authenticator app but did not sign in with it, or who
        must have one and has not: back to sign-in, or to setting one up."""
        wrapped = super().admin_view(view, cacheable)
        if view == self.logout:
            return wrapped
        enrolling = view == self.two_factor_view

        def guarded(request, *args, **kwargs):
            user = request.user
            if self.has_permission(request) and not two_factor.is_verified(request):
                if two_factor.has_device(user):
                    logout(request)
                    return redirect(f"{reverse('admin:login', current_app=self.name)}?next={request.path}")
                if not enrolling and two_factor.required_for(user):
                    return redirect("admin:two_factor")
            return wrapped(request, *args, **kwargs)

        return functools.wraps(wrapped)(guarded)  # keeps what the view says of itself (csrf_exempt, …)

    def two_factor_view(self, request):
        """Set up (or replace) the authenticator app: scan the QR code, enter a code to confirm."""
        user = request.user
        secret = request.session.get(ENROLMENT_SESSION_KEY)
        if request.method == "POST" and secret:
            form = EnrolForm(request.POST)
            counter = form.is_valid() and totp.matching_counter(secret, form.cleaned_data["otp_token"])
            if form.is_valid() and counter is not None:
                TOTPDevice.objects.update_or_create(user=user, defaults={"secret": secret, "last_counter": counter})
                del request.session[ENROLMENT_SESSION_KEY]
                two_factor.mark_verified(request)
                messages.success(request, _("Two-factor sign-in is on: sign in with a code from your app from now on."))
                return redirect("admin:index")
            if form.is_valid():
                form.add_error("otp_token", _("That is not the app's current code; try the next one."))
        else:
            form = EnrolForm()
            if not secret:
                secret = request.session[ENROLMENT_SESSION_KEY] = totp.new_secret()
        uri = totp.provisioning_uri(secret, user.get_username(), settings.TOTP_ISSUER)
        context = {
            **self.each_context(request),
            "title": _("Two-factor sign-in"),
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_code": qr_code_data_url(uri),
            "has_device": two_factor.has_device(user),
            "required": two_factor.required_for(user),
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/two_factor.html", context)
