"""Keep each law article's search columns in step with its number and paragraphs, however it is saved."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from .models import Provision
from .search import refresh_provision_search_fields

SEARCH_FIELDS = {"search_text", "search_cjk"}


@receiver(pre_save, sender=Provision, dispatch_uid="provision_search_fields")
def fill_search_fields(sender, instance, **kwargs):
    refresh_provision_search_fields(instance)


@receiver(post_save, sender=Provision, dispatch_uid="provision_search_fields_saved")
def save_search_fields(sender, instance, update_fields=None, **kwargs):
    """A save limited by `update_fields` (e.g. new paragraphs only) still stores the search columns."""
    if update_fields is not None and not SEARCH_FIELDS <= set(update_fields):
        sender.objects.filter(pk=instance.pk).update(search_text=instance.search_text, search_cjk=instance.search_cjk)
