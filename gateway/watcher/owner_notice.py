"""Telling a held document's owner that a manager rejected it.

The owner is known from configuration only: the account that owned the file when it was
taken into quarantine, looked up in ``[watch] owners``, or else its folder's ``owner``
address; otherwise nobody is known and nobody is told. The notice is queued for the relay to
deliver like the managers' mail. It names the document by its reference and its folder,
never its file name (a name can itself be personal data) nor anything in it, nor the
manager's note (it may name people): those stay on the document's page, behind sign-in."""

from __future__ import annotations

import functools
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from gateway.config import WatchSettings
from gateway.relay.notices import TEXT_WIDTH
from gateway.review import manager_mail
from gateway.watcher.models import WatchedFile
from gateway.watcher.quarantine import note_path

SUBJECT = "Held document {id} will not be put back"
PARAGRAPHS = (
    "confide took a document out of a shared folder because of what it may contain, and a "
    "manager has decided that it is not to go back there.",
    "Reference: held document {id}\nFolder: {folder}",
    "Nothing was deleted: the document is kept in confide's quarantine, and the note "
    "{note} left in its place names the same reference. If you need the document, ask a "
    "manager, quoting the reference.",
)


def owner_of(row: WatchedFile, watch: WatchSettings) -> str | None:
    """The address of the held document's owner, if the configuration names one."""
    if row.owner_uid is not None and (by_account := watch.owner_by_uid().get(row.owner_uid)):
        return by_account
    folder = Path(row.folder)
    for configured in watch.folders:
        if configured.owner and configured.path.resolve() == folder:
            return configured.owner
    return None


def notice_text(row: WatchedFile) -> str:
    """The notice's text: the reference and the folder, nothing of the document. Prose is
    wrapped; the reference lines are not (a folder's path is never broken)."""
    note = note_path(Path(row.folder), row.id).name
    first, reference, last = (p.format(id=row.id, folder=row.folder, note=note) for p in PARAGRAPHS)
    wrap = functools.partial(textwrap.fill, width=TEXT_WIDTH, break_long_words=False)
    return f"{wrap(first)}\n\n{reference}\n\n{wrap(last)}\n"


def tell_owner(row: WatchedFile, address: str) -> None:
    """Queue the notice of the reject to ``address``, for the relay to deliver (in the
    caller's transaction: it is queued if and only if the reject is recorded)."""
    content = manager_mail.manager_email(
        subject=SUBJECT.format(id=row.id),
        text=notice_text(row),
        to=[address],
        at=datetime.now(UTC),
    )
    manager_mail.queue_to_managers(content, [address], about=None)
