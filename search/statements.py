"""Statements of the results page written once per process: the ORM builds and compiles each one the first time,
with a `Slot` in place of every piece that depends on the query, and each search fills the slots in the SQL kept.

Building and compiling a results page's statements (the ``ORDER BY``, the joins of ``for_site``, the law articles
with their law and their ordering by instrument, the page's answers with their topic) took Django 1 to 3 ms each,
about as long as PostgreSQL took to run them (articles/page_reads.py does the same for the answer page). What is
kept is the ORM's own SQL, so a filled statement is the one the ORM would send for the same query, text for text
(tests/search/test_written_statements.py compares them, and the rows read, on both databases); the rows become
instances as the ORM's iterable makes them (`Statement.instances`): the same fields, converters, related objects
and annotations.
"""

import re
from dataclasses import dataclass

from django.db import connections
from django.db.models import Expression, QuerySet

SLOT = re.compile(r"\{slot:(\w+)\}")


class Slot(Expression):
    """A place of a statement written once that each use fills with SQL of its own (`Statement.fill`)."""

    def __init__(self, name: str, output_field=None):
        super().__init__(output_field=output_field)
        self.name = name

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return self

    def as_sql(self, compiler, connection):
        return f"{{slot:{self.name}}}", []


@dataclass(frozen=True)
class Model:
    """How the instances of one model are made from a row: its columns' positions and fields' names, and the
    related instance it caches (`field`, the foreign key it is read through; None for the statement's model)."""

    model: type
    start: int
    end: int
    names: list
    field: object
    related: list


@dataclass(frozen=True)
class Statement:
    """A compiled statement: its SQL cut at its slots, the parameters of each piece between them, and what the ORM's
    compiler knew of its columns (the converters of their values, the models and annotations they make)."""

    pieces: tuple  # SQL between the slots: one more than `slots`
    params: tuple  # the parameters of each piece
    slots: tuple  # the slots' names, in order (a name may come back: each place is filled alike)
    converters: dict  # column position: (converters, expression), as the compiler applies them
    model: Model | None
    annotations: dict  # annotation name: column position

    @classmethod
    def of(cls, queryset: QuerySet) -> "Statement":
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        parts = SLOT.split(sql)
        pieces, slots = tuple(parts[0::2]), tuple(parts[1::2])
        params, cut = list(params), []
        for piece in pieces:
            count = piece.count("%s")
            cut.append(tuple(params[:count]))
            params = params[count:]
        assert not params, "every parameter belongs to a piece"
        model = None
        if compiler.klass_info:  # a statement of instances (not of values)
            model = cls.model_of(compiler.klass_info, compiler.select, None)
        converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
        return cls(pieces, tuple(cut), slots, converters, model, dict(compiler.annotation_col_map or {}))

    @classmethod
    def model_of(cls, klass_info, select, field) -> Model:
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        related = [cls.model_of(info, select, info["field"]) for info in klass_info.get("related_klass_infos", [])]
        return Model(klass_info["model"], start, end, names, field, related)

    def fill(self, **values: tuple[str, list]) -> tuple[str, list]:
        """The statement's SQL and parameters with each slot's (SQL, parameters) in its places."""
        sql, params = [self.pieces[0]], list(self.params[0])
        for name, piece, piece_params in zip(self.slots, self.pieces[1:], self.params[1:], strict=True):
            slot_sql, slot_params = values[name]
            sql += [slot_sql, piece]
            params += [*slot_params, *piece_params]
        return "".join(sql), params

    def rows(self, alias: str, sql: str, params: list) -> list[list]:
        """The rows of the filled statement, each value converted as the ORM's compiler converts it."""
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not self.converters:
            return rows
        converted = []
        for row in map(list, rows):
            for position, (converters, expression) in self.converters.items():
                value = row[position]
                for converter in converters:
                    value = converter(value, expression, connection)
                row[position] = value
            converted.append(row)
        return converted

    def instances(self, alias: str, sql: str, params: list) -> list:
        """The model instances of the filled statement's rows, with their related instances (`select_related`) and
        annotations, as the ORM's iterable makes them."""
        instances = []
        for row in self.rows(alias, sql, params):
            instance = make(self.model, alias, row)
            for name, position in self.annotations.items():
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


def make(model: Model, alias: str, row: list):
    instance = model.model.from_db(alias, model.names, row[model.start : model.end])
    for related in model.related:
        pk = related.start + related.names.index(related.model._meta.pk.attname)
        value = make(related, alias, row) if row[pk] is not None else None
        related.field.set_cached_value(instance, value)
    return instance
