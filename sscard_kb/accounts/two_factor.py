"""Who must sign in with two factors, and what a session has proven: the rules the admin site applies."""

from django.conf import settings

from articles.roles import ROLES

from .models import TOTPDevice

SESSION_KEY = "staff_two_factor"  # "verified": this session signed in (or enrolled) with an authenticator code


def required_for(user):
    """Whether `user` must sign in with two factors: publishers (and superusers, who may do all they do) when the
    operator sets REQUIRE_2FA_FOR_PUBLISHERS."""
    if not settings.REQUIRE_2FA_FOR_PUBLISHERS:
        return False
    return user.is_superuser or user.groups.filter(name=ROLES["publisher"]).exists()


def has_device(user):
    return TOTPDevice.objects.filter(user=user).exists()


def mark_verified(request):
    request.session[SESSION_KEY] = "verified"


def is_verified(request):
    return request.session.get(SESSION_KEY) == "verified"
