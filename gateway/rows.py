"""Rows written for every message the relay stores, records and delivers, in statements made
once per shape from the models' own fields and sent through Django's connection.

The ORM builds each statement afresh (a QuerySet, its compiler, each value through several
layers): about 0.3 ms of CPU a statement on a small server, more than SQLite takes to run
it, for seven or eight statements a message. Here the SQL text is made once and kept, and
each value still goes through its field's ``get_db_prep_save`` (``get_db_prep_value`` in a
WHERE clause), as the ORM sends it: a row written here reads back as one written by
``Model.objects.create`` would, on SQLite and PostgreSQL alike. Like ``bulk_create``, this
sends no signals and runs no ``save()``; it is for models that need neither (the relay's
rows, the audit trail's).

Only what the relay needs: inserting rows, and updating rows chosen by equality (a list is
``IN``, ``None`` is ``IS NULL``). Anything else goes through the ORM.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper


def insert(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Insert ``rows`` (each a mapping of field attribute names, ``message_id`` rather than
    ``message``, to values; a field left out takes its default) in as few statements as the
    backend allows; the primary keys, in the order of ``rows``: given, or made by the
    database (read back with ``RETURNING``)."""
    if not rows:
        return []
    db = _database()
    shape = _insert_shape(model)
    unknown = {name for row in rows for name in row} - shape.attnames
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    limit = db.features.max_query_params
    per_statement = max(1, limit // len(shape.fields)) if limit else _MOST_ROWS
    keys: list[Any] = []
    with db.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            params: list[Any] = []
            for row in batch:
                for field in shape.fields:
                    value = row[field.attname] if field.attname in row else field.get_default()
                    params.append(field.get_db_prep_save(value, db))
                if not shape.returning:
                    keys.append(row.get(model._meta.pk.attname))
            cursor.execute(_insert_sql(model, len(batch)), params)
            if shape.returning:
                keys.extend(key for (key,) in cursor.fetchall())
    return keys


def insert_objects(objects: Sequence[models.Model]) -> None:
    """Insert model instances not yet saved, all of one model, each field as the instance
    holds it, and give them their primary keys; they are marked saved (as ``bulk_create``
    marks them), so that a later ``save()`` updates their row."""
    if not objects:
        return
    model = type(objects[0])
    shape = _insert_shape(model)
    alias = _database().alias
    keys = insert(model, [{name: getattr(obj, name) for name in shape.attnames} for obj in objects])
    for obj, key in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = alias


def update(model: type[models.Model], where: Mapping[str, Any], values: Mapping[str, Any]) -> int:
    """Set ``values`` (field attribute names to values) on the rows matching every item of
    ``where`` (equal to it; in it, for a list or tuple; NULL, for ``None``); how many rows."""
    db = _database()
    assignments = ", ".join(f"{column(model, name)} = %s" for name in values)
    params = [_field(model, name).get_db_prep_save(v, db) for name, v in values.items()]
    conditions, where_params = _where(model, where)
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table(model)} SET {assignments} WHERE {conditions}",  # noqa: S608  # names from the model, values as parameters
            [
                *params,
                *where_params,
            ],
        )
        return int(cursor.rowcount)


def prepared(model: type[models.Model], name: str, value: Any) -> Any:
    """``value`` as the database takes it for field ``name`` of ``model`` in a query."""
    return _field(model, name).get_db_prep_value(value, _database())


def table(model: type[models.Model]) -> str:
    return _quoted(model._meta.db_table)


def column(model: type[models.Model], name: str) -> str:
    return _quoted(_field(model, name).column)


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{model.__name__}.{name} is a relation's other end"
    return field


def _database() -> BaseDatabaseWrapper:
    """This thread's connection itself: ``django.db.connection`` is a proxy that looks it up
    again at every attribute (a field preparing a value reads several)."""
    return connections[DEFAULT_DB_ALIAS]


@functools.lru_cache(maxsize=512)
def _quoted(name: str) -> str:
    return _database().ops.quote_name(name)


def _where(model: type[models.Model], where: Mapping[str, Any]) -> tuple[str, list[Any]]:
    conditions: list[str] = []
    params: list[Any] = []
    for name, value in where.items():
        if value is None:
            conditions.append(f"{column(model, name)} IS NULL")
        elif isinstance(value, list | tuple):
            if not value:
                conditions.append("1 = 0")  # IN () is not SQL
                continue
            conditions.append(f"{column(model, name)} IN ({', '.join(['%s'] * len(value))})")
            params.extend(prepared(model, name, each) for each in value)
        else:
            conditions.append(f"{column(model, name)} = %s")
            params.append(prepared(model, name, value))
    return " AND ".join(conditions), params


# Rows in one INSERT at most where the backend sets no limit on a statement's parameters.
_MOST_ROWS = 1000
# The backends on which every value of the models written here takes a plain %s.
_PLAIN_PLACEHOLDERS = frozenset({"sqlite", "postgresql"})


class _Shape:
    """The columns an INSERT into a model's table writes, and whether it reads back keys."""

    def __init__(self, model: type[models.Model]) -> None:
        meta = model._meta
        pk = meta.pk
        assert pk is not None
        self.returning = isinstance(pk, models.AutoField | models.BigAutoField)
        self.fields: list[models.Field[Any, Any]] = [
            field for field in meta.concrete_fields if not (self.returning and field is pk)
        ]
        vendor = _database().vendor
        if vendor not in _PLAIN_PLACEHOLDERS:
            raise TypeError(f"{vendor} is not a database confide runs on")
        for field in self.fields:
            # What the ORM would compute, or write with another placeholder than %s (a
            # binary value has one on MySQL only).
            special = (
                getattr(field, "auto_now", False)
                or getattr(field, "auto_now_add", False)
                or field.has_db_default()
                or (
                    hasattr(field, "get_placeholder_sql")
                    and not isinstance(field, models.BinaryField)
                )
            )
            if special:
                raise TypeError(f"{model.__name__}.{field.name} needs the ORM to be written")
        self.attnames = frozenset(field.attname for field in self.fields)


@functools.cache
def _insert_shape(model: type[models.Model]) -> _Shape:
    return _Shape(model)


@functools.lru_cache(maxsize=256)
def _insert_sql(model: type[models.Model], row_count: int) -> str:
    shape = _insert_shape(model)
    columns = ", ".join(_quoted(field.column) for field in shape.fields)
    one_row = f"({', '.join(['%s'] * len(shape.fields))})"
    values = ", ".join([one_row] * row_count)
    sql = f"INSERT INTO {table(model)} ({columns}) VALUES {values}"  # noqa: S608  # names from the model
    if shape.returning:
        sql += f" RETURNING {column(model, model._meta.pk.name)}"
    return sql
