from django.conf import settings
from django.db import models

from . import totp


class TOTPDevice(models.Model):
    """A staff member's authenticator app: the shared secret and the last time step used (never accepted twice)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device")
    secret = models.CharField(max_length=64)
    last_counter = models.BigIntegerField(default=-1)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__username"]
        verbose_name = "two-factor device"

    def __str__(self):
        return f"Authenticator app of {self.user}"

    def verify(self, code, now=None):
        """Whether `code` is current and not used before; a code that passes is used up (atomically)."""
        counter = totp.matching_counter(self.secret, code, now=now, after=self.last_counter)
        if counter is None:
            return False
        used = TOTPDevice.objects.filter(pk=self.pk, last_counter__lt=counter).update(last_counter=counter)
        self.last_counter = counter
        return used == 1
