"""An imported answer an editor deleted stays deleted: `make run` imports on every start."""

import pytest
from django.urls import reverse

from articles.importer.loader import import_paths
from articles.models import Answer, DeletedSource, Status
from tests.articles.importer.test_loader import run_command
from tests.conftest import ENGLISH_SOURCES
from tests.content import FIRST_CLASS_CARD, UPGRADE_HALFWAY
from tests.factories import make_answer


@pytest.fixture
def deleting_client(admin_client, admin_user):
    """Only an administrator deletes answers (no editorial role may)."""
    admin_client.user = admin_user
    return admin_client


def test_an_answer_deleted_in_the_admin_is_not_imported_again(deleting_client, imported):
    answer = Answer.objects.get(question=UPGRADE_HALFWAY)
    response = deleting_client.post(reverse("admin:articles_answer_delete", args=[answer.pk]), {"post": "yes"})
    assert response.status_code == 302
    deleted = DeletedSource.objects.get()
    assert deleted.identity == (answer.source_site, answer.source_section, answer.source_title)
    assert (deleted.question, deleted.deleted_by) == (UPGRADE_HALFWAY, deleting_client.user)

    output = run_command(*ENGLISH_SOURCES)
    assert list(Answer.objects.values_list("question", flat=True)) == [FIRST_CLASS_CARD]
    source = next(path for path in ENGLISH_SOURCES if UPGRADE_HALFWAY in path.read_text())
    assert f"Skipped, deleted by an editor: {source} (use --restore-deleted to import it again)" in output
    assert "Nothing changed." in output


def test_answers_deleted_with_the_list_action_are_remembered_and_restored_on_request(deleting_client, imported):
    written_here = make_answer("Written in the admin?", status=Status.PUBLISHED)
    changelist = reverse("admin:articles_answer_changelist")
    pks = list(Answer.objects.values_list("pk", flat=True))
    response = deleting_client.post(changelist, {"action": "delete_selected", "_selected_action": pks, "post": "yes"})
    assert response.status_code == 302
    assert not Answer.objects.exists()
    assert DeletedSource.objects.count() == 2  # the imported ones; nothing for the answer written here
    assert written_here.question not in set(DeletedSource.objects.values_list("question", flat=True))

    report = import_paths(ENGLISH_SOURCES)
    assert (len(report.deleted), len(report.created), Answer.objects.count()) == (2, 0, 0)

    report = import_paths(ENGLISH_SOURCES, restore_deleted=True)
    assert (len(report.restored), len(report.created)) == (2, 2)
    assert set(Answer.objects.values_list("status", flat=True)) == {Status.PUBLISHED}
    assert not DeletedSource.objects.exists()


def test_a_dry_run_restores_nothing(deleting_client, imported):
    answer = Answer.objects.get(question=FIRST_CLASS_CARD)
    deleting_client.post(reverse("admin:articles_answer_delete", args=[answer.pk]), {"post": "yes"})
    output = run_command(*ENGLISH_SOURCES, "--restore-deleted", "--dry-run")
    assert "Restored, deleted by an editor before: " in output
    assert DeletedSource.objects.count() == 1 and Answer.objects.count() == 1
