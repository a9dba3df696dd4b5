"""Two managers acting on the same held recipient at the same moment, through `confide run`
(waitress, the production server) and two real HTTP sessions released together by a
barrier: exactly one decision is recorded, the copy reaches the upstream once, and the
other manager is told that the recipient was already decided."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.e2e.confide_run import PASSWORD, ConfideRun, WebUser, confide_running
from tests.e2e.conftest import SENDER, Sink, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.both_backends]

RECIPIENTS = ("advice@citizensadvice.example", "duty@leeds-asc.example")
# Rounds of each race: the requests meet at a barrier, but which one the server takes
# first, and how far the other has got, differs from round to round.
ROUNDS = 3

# A message already scanned and held for every recipient (as the relay records one), so
# that no scanning worker and no model is needed.
_HOLD = """
from datetime import UTC, datetime
from gateway.config import load_settings
from gateway.relay import pipeline
from gateway.relay.models import Message, MessageState, Outcome, ReviewState
from gateway.sealing import Sealer
sealer = Sealer.from_key_file(pipeline.key_file(load_settings()), create=True)
recipients = json.loads(sys.argv[1])
content = (
    f"From: {sys.argv[2]}\\r\\nTo: {', '.join(recipients)}\\r\\nSubject: Referral\\r\\n\\r\\n"
    "Mrs Okafor's NHS number is 943 476 5919.\\r\\n"
).encode()

def hold():
    message = Message.objects.create(
        mail_from=sys.argv[2], recipients=recipients, client_address="127.0.0.1",
        size=len(content), digest="0" * 64, sealed=sealer.seal(content),
        state=MessageState.PROCESSED, processed_at=datetime.now(UTC),
    )
    outcomes = [
        Outcome.objects.create(
            message=message, recipient=recipient, action="hold", rules=["unscannable"],
            reasons=["part of it could not be scanned"], review_state=ReviewState.HELD,
        ).id
        for recipient in recipients
    ]
    return {"message": str(message.id), "outcomes": outcomes}

print(json.dumps([hold() for _ in range(int(sys.argv[3]))]))
"""

_DECIDED = """
from gateway.relay.models import CopyKind, Delivery, Outcome
from gateway.review.models import AuditEntry
found = {}
for outcome in Outcome.objects.filter(id__in=json.loads(sys.argv[1])):
    found[outcome.id] = {
        "state": outcome.review_state,
        "by": outcome.decided_by,
        "copies": Delivery.objects.filter(
            copy__message_id=outcome.message_id, copy__kind=CopyKind.BANNER,
            recipient=outcome.recipient,
        ).count(),
        "notices": Delivery.objects.filter(
            copy__message_id=outcome.message_id, copy__kind=CopyKind.NOTICE
        ).count(),
        "audited": AuditEntry.objects.filter(outcome_id=outcome.id).count(),
    }
print(json.dumps(found))
"""


@pytest.fixture
def product(tmp_path: Path, database_url: str, sink: Sink) -> Iterator[ConfideRun]:
    managers = [WebUser("jo", "manager"), WebUser("sam", "manager")]
    with confide_running(tmp_path, sink.port, managers, database_url=database_url) as made:
        yield made


_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    page: str  # the page the POST led to, after its redirect


class Manager:
    """One manager's browser session: its own cookies, signed in."""

    def __init__(self, product: ConfideRun, name: str) -> None:
        self.product = product
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        token = self._token("/login/")
        signed_in = self._post("/login/", {"username": name, "password": PASSWORD}, token)
        assert "did not match" not in signed_in.page

    def _token(self, path: str) -> str:
        with self.opener.open(self.product.url(path), timeout=30) as response:
            found = _TOKEN.search(response.read().decode())
        assert found, f"no CSRF token on {path}"
        return found[1]

    def _post(self, path: str, fields: dict[str, str], token: str) -> Answer:
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.product.url(path), data=data)  # noqa: S310 - http://127.0.0.1 only
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, unescape(response.read().decode()))
        except urllib.error.HTTPError as exc:
            return Answer(exc.code, exc.read().decode(errors="replace"))

    def act(self, message: str, outcome: int, action: str, barrier: threading.Barrier) -> Answer:
        """Open the item's page, wait for the other manager, then press the button."""
        token = self._token(f"/held/{message}/")
        fields = {f"{action}-{outcome}-note": f"{action} after checking with the carer"}
        barrier.wait(timeout=30)
        return self._post(f"/held/recipient/{outcome}/{action}/", fields, token)


def _race(
    jo: Manager, sam: Manager, message: str, outcome: int, actions: tuple[str, str]
) -> dict[str, Answer]:
    """Each manager presses one of ``actions`` on the recipient at the same moment."""
    barrier = threading.Barrier(2)
    answers: dict[str, Answer] = {}

    def press(manager: Manager, name: str, action: str) -> None:
        answers[name] = manager.act(message, outcome, action, barrier)

    threads = [
        threading.Thread(target=press, args=(jo, "jo", actions[0])),
        threading.Thread(target=press, args=(sam, "sam", actions[1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return answers


def _settle() -> None:
    """Give the relay time to send anything it should not (its retries run every second)."""
    time.sleep(2)


def test_two_managers_at_once_one_wins_and_the_copy_goes_once(product: ConfideRun, sink: Sink):
    """Release against release, and release against reject, pressed at the same moment by
    two managers: one decision each time, one audit entry, at most one copy queued and
    received, and the other manager's page says who decided the recipient already."""
    jo, sam = Manager(product, "jo"), Manager(product, "sam")
    held = product.python(_HOLD, json.dumps(list(RECIPIENTS)), SENDER, str(ROUNDS))
    races: dict[int, dict[str, Answer]] = {}  # outcome id: the two managers' answers
    released: list[str] = []  # a recipient each time it was released
    for item in held:
        both_release, release_reject = item["outcomes"]
        races[both_release] = _race(jo, sam, item["message"], both_release, ("release", "release"))
        races[release_reject] = _race(
            jo, sam, item["message"], release_reject, ("release", "reject")
        )
    decided = product.python(_DECIDED, json.dumps(list(races)))
    for item in held:
        for recipient, outcome in zip(RECIPIENTS, item["outcomes"], strict=True):
            record, answers = decided[str(outcome)], races[outcome]
            assert {answer.status for answer in answers.values()} == {200}
            winner = record["by"]
            loser = ({"jo", "sam"} - {winner}).pop()
            assert "Not done" not in answers[winner].page
            assert f"already {record['state']} by {winner}" in answers[loser].page
            assert record["audited"] == 1
            if record["state"] == "released":
                assert record["copies"] == 1
                released.append(recipient)
            else:
                assert (record["state"], record["copies"]) == ("rejected", 0)

    def all_received() -> bool:
        return all(len(sink.handler.to(r)) >= released.count(r) for r in RECIPIENTS)

    wait_for(all_received, what="the released copies")
    _settle()
    for recipient in RECIPIENTS:
        assert len(sink.handler.to(recipient)) == released.count(recipient)
