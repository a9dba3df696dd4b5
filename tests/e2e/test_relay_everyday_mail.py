"""Everyday outside mail through the real relay: an Outlook message to a named person at
another organisation, with the sender's signature and logo, arrives as it was written."""

from __future__ import annotations

import email
import email.policy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import SENDER, Relay, Sink, wait_for
from tests.outlook_mail import OFFICE, PUBLISHED, QUOTED_REPLY, SAM, outlook_message
from tests.scanner.signed_mail import signed_message

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# ``confide verdict --json`` on each file named, in one process with one scanner: each
# ``confide verdict`` process would start a scanning worker and load the model again.
VERDICTS = """
import contextlib, sys
import django
django.setup()
from django.core.management import call_command
from gateway.management.commands import verdict
with verdict.build_scanner() as scanner:
    verdict.build_scanner = lambda: contextlib.nullcontext(scanner)
    sender, recipient, *files = sys.argv[1:]
    for path in files:
        call_command("verdict", "--json", "--from", sender, "--to", recipient, path)
"""


# The meeting moved, signed with S/MIME as Outlook signs it.
SIGNED = signed_message(
    f"From: Priya Sharma <{SENDER}>\r\nTo: Sam Green <{SAM}>\r\nSubject: Tuesday\r\n",
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nHi Sam, the coffee morning is moved to "
    b"Wednesday at 10.\r\n\r\nKind regards,\r\nPriya\r\n",
)


def test_an_outlook_message_to_a_named_outsider_arrives_unredacted(
    make_relay: Callable[..., Relay], sink: Sink, tmp_path: Path
):
    """ "Hi Sam" to Sam Green, Priya's signature with the office's published phones and
    address (in text and HTML) and the logo: Sam gets it released, every word and the To
    header as written; so does a reply quoting Sam's own message, and a message signed with
    S/MIME, its signature as it was (not held as an attachment confide cannot read).
    ``confide verdict`` on either of the first two, saved as a mail program saves it, says
    the same (the command run in one process for both: tests/gateway/test_cli_verdict.py runs
    the console script itself)."""
    published = {"CONFIDE_ORGANISATION__PUBLISHED_CONTACTS": json.dumps(PUBLISHED)}
    relay = make_relay(sink.port, **published)
    first = outlook_message()
    reply = outlook_message(quoted=QUOTED_REPLY, subject="RE: Coffee morning next Tuesday")
    assert relay.send(first, [SAM]) == {}
    assert relay.send(reply, [SAM]) == {}
    assert relay.send(SIGNED, [SAM]) == {}
    copies = wait_for(lambda: len(sink.handler.to(SAM)) == 3 and sink.handler.to(SAM))
    assert sink.handler.to(SENDER) == []  # no notice: nothing was held
    signed = [copy for copy in copies if b"multipart/signed" in copy.content]
    assert len(signed) == 1
    assert SIGNED.split(b"\r\n\r\n", 1)[1] in signed[0].content  # the signature kept whole
    for copy in copies:
        if copy is signed[0]:
            continue
        parsed = email.message_from_bytes(copy.content, policy=email.policy.default)
        assert parsed["X-Confide-Verdict"] == "release", parsed["X-Confide-Rules"]
        assert parsed["To"] == f"Sam Green <{SAM}>"
        for kind in ("plain", "html"):
            text = parsed.get_body((kind,)).get_content()
            assert "Hi Sam," in text
            assert OFFICE in text
            assert "removed]" not in text
    saved = []
    for number, content in enumerate((first, reply)):
        saved.append(tmp_path / f"saved-{number}.eml")
        saved[-1].write_bytes(content.replace(b"\r\n", b"\n"))
    checked = subprocess.run(
        [sys.executable, "-c", VERDICTS, SENDER, SAM, *map(str, saved)],
        cwd=relay.folder,
        env={**relay.env, **published, "DJANGO_SETTINGS_MODULE": "gateway.settings"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    said = checked.stdout.splitlines()
    assert len(said) == 2, checked.stdout
    for line in said:
        assert json.loads(line)["verdicts"][SAM]["action"] == "release", line
