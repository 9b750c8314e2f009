from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "sscard_kb.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"
    default_auto_field = "django.db.models.BigAutoField"
    default = True


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the site's own admin site (throttled sign-in with two factors)."""

    default = False
    default_site = "sscard_kb.accounts.admin_site.StaffAdminSite"
