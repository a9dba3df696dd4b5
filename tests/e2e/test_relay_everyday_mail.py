"""Everyday outside mail through the real relay: an Outlook message to a named person at
another organisation, with the sender's signature and logo, arrives as it was written."""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import CONFIDE, SENDER, Relay, Sink, wait_for
from tests.outlook_mail import OFFICE, PUBLISHED, QUOTED_REPLY, SAM, outlook_message

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_outlook_message_to_a_named_outsider_arrives_unredacted(
    make_relay: Callable[..., Relay], sink: Sink, tmp_path: Path
):
    """ "Hi Sam" to Sam Green, Priya's signature with the office's published phones and
    address (in text and HTML) and the logo: Sam gets it released, every word and the To
    header as written; so does a reply quoting Sam's own message. ``confide verdict`` on
    either, saved as a mail program saves it, says the same."""
    published = {"CONFIDE_ORGANISATION__PUBLISHED_CONTACTS": json.dumps(PUBLISHED)}
    relay = make_relay(sink.port, **published)
    first = outlook_message()
    reply = outlook_message(quoted=QUOTED_REPLY, subject="RE: Coffee morning next Tuesday")
    assert relay.send(first, [SAM]) == {}
    assert relay.send(reply, [SAM]) == {}
    copies = wait_for(lambda: len(sink.handler.to(SAM)) == 2 and sink.handler.to(SAM))
    assert sink.handler.to(SENDER) == []  # no notice: nothing was held
    for copy in copies:
        parsed = email.message_from_bytes(copy.content, policy=email.policy.default)
        assert parsed["X-Confide-Verdict"] == "release", parsed["X-Confide-Rules"]
        assert parsed["To"] == f"Sam Green <{SAM}>"
        for kind in ("plain", "html"):
            text = parsed.get_body((kind,)).get_content()
            assert "Hi Sam," in text
            assert OFFICE in text
            assert "removed]" not in text
    for number, content in enumerate((first, reply)):
        saved = tmp_path / f"saved-{number}.eml"
        saved.write_bytes(content.replace(b"\r\n", b"\n"))
        checked = subprocess.run(
            [str(CONFIDE), "verdict", "--json", "--from", SENDER, "--to", SAM, str(saved)],
            cwd=relay.folder,
            env={**relay.env, **published},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert checked.returncode == 0, checked.stderr
        assert json.loads(checked.stdout)["verdicts"][SAM]["action"] == "release", checked.stdout
