"""The read every reader's answer page makes: the published answer of a slug with its topic and translation.

It is the statement `Answer.objects.published().for_page().select_related("translation")` runs (the translation
without the search columns either), written once per process and database from the models' fields. Building and
compiling that query took the ORM about ten times as long as the database took to run it, on every answer page
built; the search backend's ranking statement is written as SQL for the same reason. The values go through each
field's converters from the database, as the ORM's do, and the instances are made by `Model.from_db`, so they are
what the ORM would give (tests/articles/test_page_reads.py compares every field on both databases).
"""

import functools
from dataclasses import dataclass

from django.db import connections, router

from .models import PAGE_DEFERRED, Answer, Status, Topic


@dataclass(frozen=True)
class Columns:
    """The columns of one model the statement reads, in order: the fields' names, and each field's converters of
    the value from the database with the expression they take (as the ORM's compiler applies them). A converter is
    called with the connection of the thread reading; the one it was found on lends it only the settings that
    all connections to the database share."""

    model: type
    names: list
    converters: list

    @classmethod
    def of(cls, model, fields, connection):
        converters = []
        for field in fields:
            expression = field.get_col(model._meta.db_table)
            found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
            converters.append([(converter, expression) for converter in found])
        return cls(model, [field.attname for field in fields], converters)

    def instance(self, alias, values, connection):
        converted = []
        for value, converters in zip(values, self.converters, strict=True):
            for converter, expression in converters:
                value = converter(value, expression, connection)
            converted.append(value)
        return self.model.from_db(alias, self.names, converted)


@dataclass(frozen=True)
class Statement:
    sql: str
    answer: Columns
    topic: Columns


@functools.cache
def statement(alias: str) -> Statement:
    """The page's statement on the database `alias`, with the columns it reads, in order."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    answer_fields = [field for field in Answer._meta.concrete_fields if field.attname not in PAGE_DEFERRED]
    topic_fields = list(Topic._meta.concrete_fields)

    def columns(table, fields):
        return [f"{table}.{quote(field.column)}" for field in fields]

    answer_table, topic_table = quote(Answer._meta.db_table), quote(Topic._meta.db_table)
    column = {name: quote(Answer._meta.get_field(name).column) for name in ("id", "topic", "translation", "status")}
    select = ", ".join(columns("a", answer_fields) + columns("t", topic_fields) + columns("tr", answer_fields))
    slug, topic_pk = quote(Answer._meta.get_field("slug").column), quote(Topic._meta.pk.column)
    sql = (
        f"SELECT {select} FROM {answer_table} a "  # noqa: S608 (names from the models; the values are parameters)
        f"INNER JOIN {topic_table} t ON t.{topic_pk} = a.{column['topic']} "
        f"LEFT OUTER JOIN {answer_table} tr ON tr.{column['id']} = a.{column['translation']} "
        f"WHERE a.{column['status']} = %s AND a.{slug} = %s"
    )
    return Statement(sql, Columns.of(Answer, answer_fields, connection), Columns.of(Topic, topic_fields, connection))


def published_for_page(slug: str) -> Answer | None:
    """The published answer `slug` with its topic and its translation (None if it has none), or None: one
    statement; the search columns are deferred, as on `AnswerQuerySet.for_page`, and on the translation too (the
    page shows its question and address only)."""
    alias = router.db_for_read(Answer)
    connection = connections[alias]
    read = statement(alias)
    with connection.cursor() as cursor:
        cursor.execute(read.sql, [Status.PUBLISHED.value, slug])
        row = cursor.fetchone()
    if row is None:
        return None
    answers, topics = len(read.answer.names), len(read.topic.names)
    answer = read.answer.instance(alias, row[:answers], connection)
    answer.topic = read.topic.instance(alias, row[answers : answers + topics], connection)
    translated = row[answers + topics :]
    has_translation = translated[read.answer.names.index(Answer._meta.pk.attname)] is not None
    answer.translation = read.answer.instance(alias, translated, connection) if has_translation else None
    return answer
