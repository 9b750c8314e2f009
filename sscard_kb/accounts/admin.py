from django.contrib import admin

from .models import TOTPDevice


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    """Who has set up two-factor sign-in; a superuser deletes the device of someone who lost their phone (they then
    set up a new one). The secret is never shown."""

    list_display = ["user", "created"]
    fields = ["user", "created"]
    readonly_fields = fields
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
