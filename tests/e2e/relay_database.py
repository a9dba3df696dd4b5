"""Reading and writing a test relay's database from the test, through a Python subprocess
with the relay's own settings (on SQLite the relay's database is a file of its own)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from tests.e2e.conftest import Relay

_SETUP = """
import json, sys
import django
django.setup()
"""

_STORE = """
from gateway.config import load_settings
from gateway.relay import pipeline, spool
from gateway.sealing import Sealer
settings = load_settings()
message = json.loads(sys.argv[1])
spool.store(
    Sealer.from_key_file(pipeline.key_file(settings)),
    mail_from=message["mail_from"],
    recipients=message["recipients"],
    content=message["content"].encode(),
    client_address="127.0.0.1",
    node=pipeline.node_name(settings),
)
"""

_ACCOUNTS = """
from gateway.relay.models import Delivery, Message, Outcome
print(json.dumps({
    "messages": {str(i): state for i, state in Message.objects.values_list("id", "state")},
    "outcomes": [
        [str(m), recipient, action, review]
        for m, recipient, action, review in Outcome.objects.values_list(
            "message_id", "recipient", "action", "review_state")
    ],
    "deliveries": [
        [str(m), kind, recipient, state, attempts]
        for m, kind, recipient, state, attempts in Delivery.objects.values_list(
            "copy__message_id", "copy__kind", "recipient", "state", "attempts")
    ],
}))
"""


def _run(relay: Relay, code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _SETUP + code, *args],
        cwd=relay.folder,
        env={**relay.env, "DJANGO_SETTINGS_MODULE": "gateway.settings"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def store_in_spool(relay: Relay, mail_from: str, recipients: list[str], content: bytes) -> None:
    """Put a message in the relay's spool, claimed by its node (taken when it next starts),
    as a message received before the door refused such senders would be."""
    envelope = {"mail_from": mail_from, "recipients": recipients, "content": content.decode()}
    _run(relay, _STORE, json.dumps(envelope))


def accounts(relay: Relay) -> dict[str, Any]:
    """The relay's messages (id: state), outcomes (message id, recipient, action, review
    state) and deliveries (message id, copy kind, recipient, state, attempts)."""
    return json.loads(_run(relay, _ACCOUNTS))  # type: ignore[no-any-return]
