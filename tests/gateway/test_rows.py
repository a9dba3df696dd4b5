"""Rows written without the ORM's statement building (``gateway.rows``): what they store, the
keys they give back, and what they update."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from gateway import rows
from gateway.register.models import Subject
from gateway.relay.models import Copy, Delivery, Message, Outcome
from gateway.review.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.both_backends]

AT = datetime(2026, 12, 4, 9, 30, 15, 123456, tzinfo=UTC)


def _stored(model: type[Any], pk: Any) -> dict[str, Any]:
    found = dict(model.objects.filter(pk=pk).values().get())
    found.pop(model._meta.pk.attname)
    return found


def _message(**fields: Any) -> dict[str, Any]:
    return {
        "mail_from": "a@riverside-carers.example.org",
        "recipients": ["b@example.net", "c@example.org"],
        "client_address": "127.0.0.1",
        "size": 42,
        "digest": "d" * 64,
        "sealed": b"\x00\x01sealed\xff",
        "received_at": AT,
        "claimed_by": "relay-1",
        "claimed_until": AT + timedelta(minutes=5),
        **fields,
    }


def test_a_row_inserted_reads_back_as_one_the_orm_created():
    """Each kind of value (a UUID key, JSON, bytes, times, defaults left out) is stored as
    ``Model.objects.create`` stores it."""
    by_orm = Message.objects.create(**_message())
    (key,) = rows.insert(Message, [_message(id=uuid.uuid4())])
    assert _stored(Message, key) == _stored(Message, by_orm.pk)
    fields = {"action": "redact", "rules": ["R1", "R2"], "reasons": ["x"], "not_fired": []}
    orm_outcome = Outcome.objects.create(message=by_orm, recipient="b@example.net", **fields)
    (outcome_key,) = rows.insert(
        Outcome, [{"message_id": by_orm.pk, "recipient": "c@example.net", **fields}]
    )
    assert {**_stored(Outcome, outcome_key), "recipient": "b@example.net"} == _stored(
        Outcome, orm_outcome.pk
    )
    entry = {"at": AT, "kind": "verdict", "actor": "confide", "details": {"n": 1, "a": [2]}}
    orm_entry = AuditEntry.objects.create(**entry, previous_hash="p", entry_hash="1" * 64)
    (entry_key,) = rows.insert(AuditEntry, [{**entry, "previous_hash": "p", "entry_hash": "2"}])
    assert {**_stored(AuditEntry, entry_key), "entry_hash": "1" * 64} == _stored(
        AuditEntry, orm_entry.pk
    )


def test_objects_inserted_get_their_keys_in_order_and_save_as_updates():
    """Every instance gets its own row's key, and a later ``save()`` changes that row
    rather than adding one."""
    message = Message.objects.create(**_message())
    copy = Copy(message=message, kind="release", mail_from="", sealed=b"c")
    rows.insert_objects([copy])
    deliveries = [Delivery(copy=copy, recipient=f"r{n}@example.net") for n in range(5)]
    rows.insert_objects(deliveries)
    stored = dict(Delivery.objects.values_list("id", "recipient"))
    assert {d.pk: d.recipient for d in deliveries} == stored
    deliveries[2].state = "sent"
    deliveries[2].save()
    assert Delivery.objects.count() == 5
    assert Delivery.objects.get(pk=deliveries[2].pk).state == "sent"


def test_rows_beyond_a_statements_parameters_go_in_several(monkeypatch: pytest.MonkeyPatch):
    """With a limit on a statement's parameters, the rows are split between statements
    and every key still comes back, in order."""
    features = connections["default"].features  # a property, or a cached one, by backend
    monkeypatch.setattr(type(features), "max_query_params", 20)  # two deliveries (10 fields)
    monkeypatch.delitem(features.__dict__, "max_query_params", raising=False)
    message = Message.objects.create(**_message())
    copy = Copy(message=message, kind="release", mail_from="", sealed=b"c")
    rows.insert_objects([copy])
    deliveries = [Delivery(copy=copy, recipient=f"r{n}@example.net") for n in range(5)]
    with CaptureQueriesContext(connections["default"]) as queries:
        rows.insert_objects(deliveries)
    assert sum(q["sql"].startswith("INSERT") for q in queries.captured_queries) == 3
    assert [d.recipient for d in deliveries] == [
        r for _, r in Delivery.objects.order_by("id").values_list("id", "recipient")
    ]


def test_an_update_matches_equal_values_lists_and_nulls():
    """``where`` takes a value (equal), a list (in it) and None (NULL)."""
    first = Message.objects.create(**_message())
    second = Message.objects.create(**_message(claimed_until=None))
    third = Message.objects.create(**_message(claimed_by="relay-2"))
    assert rows.update(Message, {"id": first.pk, "claimed_by": "relay-2"}, {"size": 1}) == 0
    changed = rows.update(
        Message, {"id": [first.pk, second.pk, third.pk], "claimed_by": "relay-1"}, {"size": 7}
    )
    assert changed == 2
    assert rows.update(Message, {"claimed_until": None}, {"claimed_by": ""}) == 1
    assert rows.update(Message, {"id": []}, {"size": 0}) == 0
    found = {m.pk: (m.size, m.claimed_by) for m in Message.objects.all()}
    assert found == {first.pk: (7, "relay-1"), second.pk: (7, ""), third.pk: (42, "relay-2")}


def test_a_model_whose_values_the_orm_computes_is_refused():
    """A field set on save (``auto_now``) cannot be written here: it would be left empty."""
    with pytest.raises(TypeError, match="needs the ORM"):
        rows.insert(Subject, [{"ref": "S1", "kind": "client", "display_name": "x"}])


def test_an_unknown_field_is_refused():
    """A name that is no field of the model is an error, not a value dropped."""
    with pytest.raises(ValueError, match="no field"):
        rows.insert(Message, [_message(colour="blue")])
