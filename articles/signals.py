"""Keep each answer's search document in step with its question, sections and citations."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Answer, Citation, Section
from .search import request_refresh


@receiver(post_save, sender=Answer, dispatch_uid="answer_search_document")
def answer_saved(sender, instance, **kwargs):
    request_refresh(instance.pk)


@receiver(post_save, sender=Section, dispatch_uid="section_saved_search_document")
@receiver(post_delete, sender=Section, dispatch_uid="section_deleted_search_document")
@receiver(post_save, sender=Citation, dispatch_uid="citation_saved_search_document")
@receiver(post_delete, sender=Citation, dispatch_uid="citation_deleted_search_document")
def part_changed(sender, instance, **kwargs):
    request_refresh(instance.answer_id)
