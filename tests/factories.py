"""The factories that build content and users for tests, and the `make_*` shorthands the tests call.

An answer is saved through `articles.services.save_answer`, as the admin and the importer save it: that
renders its Markdown, adds the citations its text makes and fills its search document.
"""

import datetime
from importlib import import_module

import factory
from django.apps import apps
from django.conf import settings
from factory.django import DjangoModelFactory

from articles.models import Answer, Citation, Language, Section, SectionKind, Status, Topic, unique_slug
from articles.roles import set_role
from articles.services import save_answer
from legal_refs.models import Law, Provision
from legal_refs.services import add_version
from tests.content import LAW_SLUG

PASSWORD = "a-long-test-password"


# --------------------------------------------------------------------- laws


class LawFactory(DjangoModelFactory):
    """A law; one that already has the slug is returned as it is."""

    class Meta:
        model = Law
        django_get_or_create = ("slug",)

    slug = LAW_SLUG
    title = factory.LazyAttribute(lambda law: f"Law {law.slug}")
    short_title = factory.SelfAttribute("title")


class ProvisionFactory(DjangoModelFactory):
    """An article of a law (the social insurance law unless told), two paragraphs long."""

    class Meta:
        model = Provision
        skip_postgeneration_save = True

    law = factory.SubFactory(LawFactory)
    number = factory.Sequence(lambda n: 1000 + n)  # clear of the small numbers tests choose
    paragraphs = factory.LazyAttribute(
        lambda p: [f"Text of article {p.number}, paragraph 1.", f"Paragraph 2 of article {p.number}."]
    )

    @factory.post_generation
    def version(provision, create, effective_from, **kwargs):
        """The article's text is its one version (in force since 2011-07-01 unless told)."""
        if create and effective_from is not False:  # version=False: an article without its official text
            add_version(provision, provision.paragraphs, effective_from or datetime.date(2011, 7, 1))


# --------------------------------------------------------------------- Q&A content


class TopicFactory(DjangoModelFactory):
    class Meta:
        model = Topic

    title = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda topic: unique_slug(Topic.objects, topic.title))


def _first_topic():
    return Topic.objects.first() or TopicFactory()


class AnswerFactory(DjangoModelFactory):
    """A published answer with one general section, saved with its `sections` and `citations` (unsaved
    `Section` and `Citation` objects) by `save_answer`. Positions follow the order given."""

    class Meta:
        model = Answer

    question = factory.Sequence(lambda n: f"Question {n}?")
    slug = factory.LazyAttribute(lambda answer: unique_slug(Answer.objects, answer.question))
    topic = factory.LazyFunction(_first_topic)  # answers share a topic unless told
    language = Language.EN
    status = Status.PUBLISHED
    sections = factory.LazyFunction(lambda: [Section(kind=SectionKind.GENERAL, heading="", body="Body text.")])
    citations = factory.LazyFunction(list)

    @classmethod
    def _build(cls, model_class, *args, sections=(), citations=(), **kwargs):
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, sections=(), citations=(), **kwargs):
        answer = model_class(*args, **kwargs)
        sections, citations = list(sections), list(citations)
        for parts in (sections, citations):
            for position, part in enumerate(parts):
                part.position = position
        save_answer(answer, sections=sections, citations=citations)
        return answer


# --------------------------------------------------------------------- users


def restore_editorial_groups():
    """The groups the migration creates; tests in transactions (browser tests) flush them away."""
    import_module("articles.migrations.0003_editor_groups").add_groups(apps)
    import_module("articles.migrations.0008_law_permissions").add_permissions(apps)
    import_module("search.migrations.0001_initial").add_permissions(apps, None)


class UserFactory(DjangoModelFactory):
    """A user who signs in with PASSWORD; `role` ("editor", "publisher") gives an editorial role and
    `permissions` ("app_label.codename") adds permissions of its own."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = PASSWORD

    class Params:
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls._get_manager(model_class).create_user(*args, **kwargs)

    @factory.post_generation
    def role(user, create, role, **kwargs):
        if create and role:
            restore_editorial_groups()
            set_role(user, role)

    @factory.post_generation
    def permissions(user, create, permissions, **kwargs):
        if create and permissions:
            from django.contrib.auth.models import Permission

            for name in permissions:
                app_label, codename = name.split(".")
                user.user_permissions.add(Permission.objects.get(codename=codename, content_type__app_label=app_label))


def make_user(username, role=None):
    """A user with an editorial role ("editor", "publisher") or none (`is_staff` false)."""
    return UserFactory(username=username, role=role)


def make_staff(username="editor"):
    """A staff member who may change answers, and so preview those not published."""
    return UserFactory(username=username, is_staff=True, permissions=["articles.change_answer"])


# --------------------------------------------------------------------- shorthands


def make_law(slug=LAW_SLUG, **fields):
    return LawFactory(slug=slug, **fields)


def make_provision(number=None, law=None, paragraphs=None, **fields):
    if number is not None:
        fields["number"] = number
    if law is not None:
        fields["law"] = law
    if paragraphs:
        fields["paragraphs"] = paragraphs
    return ProvisionFactory(**fields)


def make_topic(title=None):
    return TopicFactory(title=title) if title else TopicFactory()


def make_answer(question=None, *, topic=None, sections=(), cites=(), **fields):
    """An answer; `sections` are (kind, heading, body) tuples, `cites` provisions or (provision, paragraph)."""
    if question:
        fields["question"] = question
    if topic is not None:
        fields["topic"] = topic
    if sections:
        fields["sections"] = [Section(kind=kind, heading=heading, body=body) for kind, heading, body in sections]
    citations = []
    for cited in cites:
        provision, paragraph = cited if isinstance(cited, tuple) else (cited, None)
        citations.append(Citation(provision=provision, paragraph=paragraph))
    return AnswerFactory(citations=citations, **fields)
