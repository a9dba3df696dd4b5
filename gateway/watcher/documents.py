"""A manager's decision on a held document, for the review app's views and commands to call:
``release_document`` puts it back where it was (byte-identical, or a copy marked
CONFIDENTIAL with the original kept in quarantine); ``reject_document`` keeps it in
quarantine and tells its owner where the configuration names one (``owner_notice``);
``read_document`` opens it for a manager to read without releasing it; ``finish_release``
finishes a release cut short (its process killed), as decided. All are recorded in
the audit trail with the document's id, never its name; the manager's note stays on the
document's row (it may name people)."""

from __future__ import annotations

import hashlib
import logging
import re
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction

from gateway.config import load_settings
from gateway.review import audit
from gateway.sealing import SealingError
from gateway.watcher import (
    held_folders,
    held_links,
    moving,
    owner_notice,
    quarantine,
    release_lock,
    sealed_files,
)
from gateway.watcher.folders import INTERNAL
from gateway.watcher.judging import document_banner
from gateway.watcher.models import (
    LOCKED_IN_PLACE,
    Kind,
    Origin,
    Placement,
    WatchedFile,
    path_key,
    real_path,
    stored_path,
)
from scanner.actions import Action
from scanner.transform import TransformError, marked_document

log = logging.getLogger("confide.watcher")

# A rejected document can still be released later; a released one cannot be decided again.
RELEASABLE = (Placement.QUARANTINED, Placement.REJECTED)
# A held document's file type, kept on the name it is read under when it looks like one.
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,10}")


class DecisionError(Exception):
    """The decision could not be carried out; the message says why, naming no file."""


@dataclass(frozen=True)
class Released:
    """Where the released document (or its marked copy) now lies, and whether its folder
    had to be made again (gone since the document was held, and its note with it)."""

    document_id: int
    path: Path
    marked: bool
    folder_made: bool = False

    def where(self) -> str:
        """Where it went, in words for the manager."""
        made = " (its folder was gone, so it was made again)" if self.folder_made else ""
        return f"now at {stored_path(str(self.path))}{made}"


def release_document(document_id: int, by: str, note: str, *, marked: bool = False) -> Released:
    """Put a held document back in its folder, under its own name (or, when that is taken,
    a free name beside it), byte-identical; or, with ``marked``, a copy marked CONFIDENTIAL
    in its place while the original stays in quarantine. ``by`` is the manager's username,
    ``note`` their reason (kept on the document's row). Raises ``DecisionError``."""
    in_view = WatchedFile.objects.filter(id=document_id).first()
    if in_view is not None and in_view.placement == Placement.QUARANTINING:
        raise DecisionError(
            f"document {document_id} is being moved into quarantine; try again shortly"
        )
    if in_view is not None and in_view.placement == Placement.RELEASING:
        return _finished(in_view, by)  # released already: its release, cut short
    if in_view is not None and in_view.held_in_place:
        return _release_in_place(in_view, by, note, marked=marked)
    row = _held(document_id, RELEASABLE)
    if row.kind == Kind.LINK:
        return _release_link(row, by, note, marked=marked)
    if row.is_folder:
        return _release_folder(row, by, note, marked=marked)
    outer = held_folders.held_around(row)
    if outer is not None:  # put back, it would bring back the held folder's name with it
        raise DecisionError(
            f"held document {row.id} lay in held folder {outer.id}, taken away too: "
            f"release held folder {outer.id} first"
        )
    original = real_path(row.path)
    home = _home(row, original.parent)
    folder_made = not home.is_dir()
    destination = moving.free_name(home, original.stem, original.suffix)
    if marked:
        content = _marked(row)
        _decided(row, Placement.RELEASED, by, note)
        try:
            if row.folder:  # its folder taken away with it (``held_folders``): made again
                moving.make_folders(destination.parent, Path(row.folder))
            quarantine.write_copy(
                row,
                destination,
                content,
                quarantine.original_mode(row),
                root=Path(row.folder) if row.folder else None,
                owner=quarantine.original_owner(row),
            )
        except (OSError, moving.MoveError) as exc:
            _decided(row, Placement.QUARANTINED, "", "")
            reason = exc.strerror if isinstance(exc, OSError) else str(exc)
            raise DecisionError(f"the marked copy could not be written ({reason})") from None
        text = stored_path(str(destination))
        WatchedFile.objects.create(
            path=text,
            path_key=path_key(text),
            folder=row.folder,
            audience=row.audience,
            origin=Origin.MARKED_COPY,
            content_hash=hashlib.sha256(content).hexdigest(),
        )
        quarantine.remove_note(row)
    else:
        decision = {"decided_by": by, "decided_at": datetime.now(UTC), "decision_note": note}
        try:
            quarantine.restore(row, destination, **decision)
        except moving.MoveError as exc:
            raise DecisionError(f"the document could not be put back: {exc}") from None
    held_folders.released_with(row, by, original)
    _audit(row, by, "document-released", marked=marked)
    return Released(row.id, destination, marked, folder_made)


def _home(row: WatchedFile, folder: Path) -> Path:
    """The folder a held document goes back to: where its note lies now, saying it comes
    back there (its ``folder`` renamed or moved since, the note with it, recorded on the
    row so that the release removes it), or else ``folder``, where it was. Failing closed,
    ``folder`` (made again if it is gone) when the note's folder is reached through a
    folder named since the document was held that may not be in view of the folder's
    audience (``_names_cleared``): the manager decided on the names it was held under."""
    note = quarantine.found_note(row)
    if note is None or note.parent == folder:
        return folder
    row.note_path = stored_path(str(note))
    WatchedFile.objects.filter(id=row.id).update(note_path=row.note_path)
    if not _names_cleared(row, note.parent, folder):
        log.info("releasing where it was, not beside its moved note id=%s", row.id)
        return folder
    log.info("releasing beside its moved note id=%s", row.id)
    return note.parent


def _names_cleared(row: WatchedFile, place: Path, held_from: Path) -> bool:
    """Whether every folder on the way to ``place`` from the watched folder of ``row`` may
    be in view of its audience: one it was held from (``held_from`` and its parents: its
    names were judged with the document's), or one whose name the watcher judged and did
    not hold, or a manager released. A name not judged yet (a folder renamed since the last
    pass: the release has no detector to judge it with) is not."""
    if row.audience == INTERNAL:
        return True
    root = real_path(row.folder)
    seen = {held_from, *held_from.parents}
    on_the_way = [each for each in (place, *place.parents) if root in each.parents]
    for each in on_the_way:
        if each in seen:
            continue
        judged = WatchedFile.objects.filter(
            is_folder=True, present=True, path_key=path_key(stored_path(str(each)))
        ).first()
        if judged is None or judged.scanned_at is None:
            return False
        if judged.action == Action.HOLD and judged.placement != Placement.RELEASED:
            return False
    return True


def _release_folder(row: WatchedFile, by: str, note: str, *, marked: bool) -> Released:
    """Make a held folder (taken away for its name) again where it was; the documents held
    from it stay held, each released on its own."""
    if marked:
        raise DecisionError("a folder cannot be marked CONFIDENTIAL; release it as it was")
    if row.moving_from:
        raise DecisionError(f"folder {row.id} is being taken away; try again shortly")
    return _made_again(row, by, note, "folder", held_folders.release)


def _release_link(row: WatchedFile, by: str, note: str, *, marked: bool) -> Released:
    """Make a held link (taken away, its target sealed) again where it was, pointing where
    it pointed (``held_links``)."""
    if marked:
        raise DecisionError("a link cannot be marked CONFIDENTIAL; release it as it was")
    return _made_again(row, by, note, "link", held_links.release)


def _made_again(
    row: WatchedFile, by: str, note: str, kind: str, make: Callable[..., Path]
) -> Released:
    """Release the held folder or link (``kind``) of ``row``, taken away, by making it again
    where it was (``make(row, **decision)``); refused while a held folder it lay in is
    still taken away, as making it would bring that folder's name back with it."""
    outer = held_folders.held_around(row)
    if outer is not None:
        raise DecisionError(
            f"held {kind} {row.id} lay in held folder {outer.id}, taken away too: "
            f"release held folder {outer.id} first"
        )
    decision = {"decided_by": by, "decided_at": datetime.now(UTC), "decision_note": note}
    try:
        path = make(row, **decision)
    except moving.MoveError as exc:
        raise DecisionError(f"the {kind} could not be made again: {exc}") from None
    _audit(row, by, "document-released", marked=False)
    return Released(row.id, path, False)


def _release_in_place(row: WatchedFile, by: str, note: str, *, marked: bool) -> Released:
    """Let a folder (a link, a special file) held for its name where it is, as it could not
    be taken away, stay under that name: nothing moves, and it is not held again. A file
    over the size limit, locked where it lies (``quarantine.lock_in_place``), gets its mode
    back first."""
    if marked:
        raise DecisionError(
            f"a {row.kind} held in place cannot be marked CONFIDENTIAL; release it as it was"
        )
    if row.problem.startswith(LOCKED_IN_PLACE):
        outer = held_folders.held_around(row) if row.locked_from else None
        if outer is not None:  # its name back, it would bring back the folder's with it
            raise DecisionError(
                f"held document {row.id} lay in held folder {outer.id}, taken away too: "
                f"release held folder {outer.id} first"
            )
        try:
            quarantine.unhide_in_place(row)
            quarantine.unlock_in_place(row)
        except moving.MoveError as exc:
            raise DecisionError(f"document {row.id} could not be released: {exc}") from None
    _decided(row, Placement.RELEASED, by, note)
    _audit(row, by, "document-released", marked=False)
    return Released(row.id, real_path(row.path), False)


BEING_RELEASED = "being released"
INTERRUPTED = "release interrupted"


def release_state(row: WatchedFile) -> str:
    """What a held document being released (``RELEASING``) waits for, in words for the
    manager: its release under way in another process, or cut short (that process killed)
    and to be finished (``finish_release``, a release again, or the watcher's next pass);
    "" for any other row."""
    if row.placement != Placement.RELEASING:
        return ""
    if release_lock.in_progress(row):
        return BEING_RELEASED
    return INTERRUPTED


def finish_release(document_id: int, by: str) -> Released:
    """Finish the release of a held document that was cut short (the process releasing it
    killed while it wrote the document back): the document put back whole where the
    release was putting it, byte-identical, its note removed, as the manager who released
    it decided; ``by`` (a manager, or "confide" for the watcher) finished it. Raises
    ``DecisionError`` when it is not being released, its release is still under way in
    another process, or it cannot be finished."""
    row = WatchedFile.objects.filter(id=document_id).first()
    if row is None or row.placement != Placement.RELEASING:
        raise DecisionError(f"document {document_id} has no interrupted release to finish")
    return _finished(row, by)


def finish_interrupted_releases() -> int:
    """Finish every release cut short whose process is gone (``finish_release``, by the
    watcher), for the watcher's passes; one under way is left to its process, one that
    cannot be finished keeps its reason. How many were finished."""
    finished = 0
    for row in list(WatchedFile.objects.filter(placement=Placement.RELEASING)):
        try:
            _finished(row, "confide")
        except DecisionError:
            log.info("interrupted release not finished now id=%s", row.id)
        else:
            finished += 1
    return finished


def _finished(row: WatchedFile, by: str) -> Released:
    """``finish_release`` of ``row``, being released."""
    held_as = real_path(row.path)  # where it was held: its path changes once it is back
    try:
        finished = quarantine.finish_release(row)
    except release_lock.Busy:
        raise DecisionError(f"document {row.id} is {quarantine.BUSY}") from None
    except release_lock.Unlockable as exc:
        raise DecisionError(
            f"document {row.id}'s release cannot be finished: the quarantine is not writable "
            f"({exc})"
        ) from None
    if finished is None:  # its own process finished it meanwhile, or put it back
        if row.placement == Placement.RELEASED:
            return Released(row.id, real_path(row.path), False)
        raise DecisionError(f"document {row.id} was decided on meanwhile; look at it again")
    if not finished:
        row.refresh_from_db()
        raise DecisionError(
            f"document {row.id} was being released when it was interrupted, and that could "
            f"not be finished yet: {row.problem}"
        )
    log.warning("interrupted release finished id=%s", row.id)
    held_folders.released_with(row, row.decided_by, held_as)
    _audit(row, row.decided_by, "document-released", marked=False, finished_by=by)
    return Released(row.id, real_path(row.path), False)


@dataclass(frozen=True)
class Rejected:
    """Whom the reject was told to: the owner's address, or None when none is known."""

    document_id: int
    owner_told: str | None


def reject_document(document_id: int, by: str, note: str) -> Rejected:
    """Keep a held document in quarantine for good: it is not released; its owner, where
    the configuration names one, is sent a notice (queued with the decision, or neither).
    Raises ``DecisionError`` when it is not held, or was rejected already."""
    in_view = WatchedFile.objects.filter(id=document_id).first()
    if in_view is not None and in_view.held_in_place:
        raise DecisionError(
            f"held {in_view.kind} {document_id} is still where it was, as it cannot be taken away "
            "(see its reasons): it can be released, not kept in quarantine"
        )
    row = _held(document_id, (Placement.QUARANTINED,))
    owner = owner_of(row)
    with transaction.atomic():
        _decided(row, Placement.REJECTED, by, note)
        if owner is not None:
            owner_notice.tell_owner(row, owner)
        _audit(row, by, "document-rejected", owner_told=owner is not None)
    log.info("document rejected id=%s owner_told=%s", row.id, owner is not None)
    return Rejected(row.id, owner)


def owner_of(row: WatchedFile) -> str | None:
    """The address a reject of the held document ``row`` is told to, if one is known."""
    return owner_notice.owner_of(row, load_settings().watch)


@dataclass(frozen=True)
class HeldContent:
    """A held document opened for a manager to read: what to call it, and its content a
    chunk at a time (in memory only; the sealed file stays as it was)."""

    document_id: int
    filename: str  # "held-document-ID.docx": the reference, never the file's own name
    size: int | None
    chunks: Iterator[bytes]


def read_document(document_id: int, by: str) -> HeldContent:
    """Open a held document for the manager ``by`` to read without releasing it, recorded in
    the audit trail (who, which document, when) before a byte is handed over. Its sealed
    file is opened back and its hash checked first, then opened again, from the same open
    file (a release meanwhile cannot cut it short), for ``chunks``. Nothing is written to
    disk. Raises ``DecisionError`` when it is not held or cannot be opened."""
    row = _held(document_id, RELEASABLE)
    if row.kind == Kind.LINK:  # where it points, sealed: not a document to read
        raise DecisionError(f"held link {row.id} is a symbolic link: it holds no document")
    if row.is_folder:
        raise DecisionError(f"held folder {row.id} is a folder, taken away for its name")
    try:
        keys = sealed_files.sealer()
        reading = Path(row.quarantined_as).open("rb")  # noqa: SIM115 - the chunks close it
    except (OSError, SealingError):
        raise DecisionError("it cannot be opened from the quarantine") from None
    try:
        digest = hashlib.sha256()
        for chunk in sealed_files.opened_from(reading, keys):
            digest.update(chunk)
        if digest.hexdigest() != row.content_hash:
            raise SealingError("the sealed file does not open to the document held")
        reading.seek(0)
    except (OSError, SealingError):
        reading.close()
        raise DecisionError("it cannot be opened from the quarantine") from None
    _audit(row, by, "document-viewed")
    suffix = Path(row.path).suffix
    return HeldContent(
        row.id,
        f"held-document-{row.id}{suffix if _SUFFIX.fullmatch(suffix) else ''}",
        row.size,
        _closing(reading, sealed_files.opened_from(reading, keys)),
    )


def refused_reading(document_id: int, by: str) -> None:
    """Record that ``by``, who may not, asked to read a held document."""
    audit.append(
        [audit.Event(kind="document-view-refused", actor=by, details={"document": document_id})]
    )
    log.warning("held document refused id=%s", document_id)


def _closing(reading: typing.BinaryIO, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks``, and ``reading`` closed once they are read or abandoned."""
    with reading:
        yield from chunks


def _held(document_id: int, placements: tuple[Placement, ...]) -> WatchedFile:
    row = WatchedFile.objects.filter(id=document_id).first()
    if row is None or row.placement not in placements:
        raise DecisionError(f"document {document_id} is not held in quarantine")
    return row


def _decided(row: WatchedFile, placement: Placement, by: str, note: str) -> None:
    """Record the decision, unless another came first (``DecisionError``)."""
    now = datetime.now(UTC) if by else None
    changed = WatchedFile.objects.filter(id=row.id, placement=row.placement).update(
        placement=placement, decided_by=by, decided_at=now, decision_note=note
    )
    if not changed:
        raise DecisionError(f"document {row.id} was decided by someone else meanwhile")
    row.refresh_from_db()


def _marked(row: WatchedFile) -> bytes:
    settings = load_settings()
    banner = document_banner(settings)
    if row.size is None or row.size > settings.limits.max_item_bytes:
        raise DecisionError("it is too large to be marked CONFIDENTIAL")  # nor read whole
    try:
        sealed = Path(row.quarantined_as)
        content = b"".join(sealed_files.opened(sealed, sealed_files.sealer()))
    except (OSError, SealingError):
        raise DecisionError("it cannot be opened from the quarantine") from None
    try:
        return marked_document(content, banner, settings.limits)
    except TransformError as exc:
        raise DecisionError(f"it cannot be marked CONFIDENTIAL: {exc}") from None


def _audit(row: WatchedFile, by: str, kind: str, **details: object) -> None:
    audit.append(
        [
            audit.Event(
                kind=kind,
                actor=by,
                details={"document": row.id, "rules": list(row.rules), **details},
            )
        ]
    )
