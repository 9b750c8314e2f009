"""The Editors and Publishers groups (created by a migration) and the command that gives a person a role."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import make_user


def permissions(group_name):
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group_name).permissions.select_related("content_type")
    }


def test_editors_write_answers_and_view_laws_but_do_not_publish(db):
    granted = permissions("Editors")
    assert {"articles.add_answer", "articles.change_answer", "articles.view_answer"} <= granted
    assert {
        "articles.add_section",
        "articles.change_section",
        "articles.add_citation",
        "articles.add_topic",
    } <= granted
    assert "articles.change_topic" not in granted  # topics are public pages with stable URLs
    assert {"legal_refs.view_law", "legal_refs.view_provision", "legal_refs.view_chapter"} <= granted
    assert "articles.publish_answer" not in granted
    # The law is read, not written: an editor only adds a translation of an article (recorded as theirs).
    assert {p for p in granted if p.startswith("legal_refs.") and not p.startswith("legal_refs.view_")} == {
        "legal_refs.add_translation"
    }
    assert {"legal_refs.view_provisionversion", "legal_refs.view_correction"} <= granted
    assert "articles.delete_answer" not in granted


def test_publishers_have_the_editors_rights_and_publish(db):
    assert permissions("Publishers") == permissions("Editors") | {
        "articles.publish_answer",
        "articles.change_topic",
        # Only publishers change the law: amend (add a version), correct (change one), choose translations.
        "legal_refs.add_provisionversion",
        "legal_refs.change_provisionversion",
        "legal_refs.change_translation",
        "legal_refs.delete_translation",
        # Only publishers edit the search's synonyms (editors see them).
        "search.add_synonymset",
        "search.change_synonymset",
        "search.delete_synonymset",
    }


@pytest.mark.parametrize("group", ["Editors", "Publishers"])
def test_neither_role_touches_users_groups_or_permissions(db, group):
    assert not {p for p in permissions(group) if p.startswith(("auth.", "contenttypes.", "admin.", "sessions."))}


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_editorial_users_cannot_open_the_user_admin(client, db, role):
    client.force_login(make_user("someone", role))
    assert client.get(reverse("admin:articles_answer_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_command_gives_and_removes_a_role(db):
    user = make_user("li")
    call_command("set_editorial_role", "li", "editor", stdout=None)
    user.refresh_from_db()
    assert user.is_staff and [g.name for g in user.groups.all()] == ["Editors"]
    call_command("set_editorial_role", "li", "publisher")
    assert [g.name for g in user.groups.all()] == ["Publishers"]
    assert user.has_perm("articles.publish_answer")
    call_command("set_editorial_role", "li", "none")
    user.refresh_from_db()
    assert not user.is_staff and not user.groups.exists()


def test_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="There is no user “nobody”"):
        call_command("set_editorial_role", "nobody", "editor")
