"""The watcher's state: one row per file it has seen in a watched folder.

A row holds where the file is, what its content was when last judged (hash, size, mtime),
what the core said for its folder's audience (action, rules, reasons, finding counts, the
subjects by reference: never matched text), and where it is in quarantine. The quarantine
fields double as the journal of a move: ``moving_from`` and ``moving_to`` are committed before
a file is moved, so that a watcher killed mid-move completes or rolls back the move when it
starts again (``gateway.watcher.quarantine.recover``).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from pathlib import Path

from django.db import models

HASH_LENGTH = 64  # SHA-256, hex


class Placement(models.TextChoices):
    """Where a file stands in relation to quarantine."""

    IN_PLACE = "in_place", "in place"
    QUARANTINING = "quarantining", "being moved into quarantine"
    QUARANTINED = "quarantined", "held in quarantine"
    RELEASING = "releasing", "being moved back"
    RELEASED = "released", "released by a manager"
    REJECTED = "rejected", "rejected by a manager (kept in quarantine)"


class Kind(models.TextChoices):
    """What a row's path is, as ``lstat`` found it when it was last judged: a file is read;
    every other kind is judged by its name alone (``is_folder``) and never read or followed."""

    FILE = "file", "file"
    FOLDER = "folder", "folder"
    LINK = "link", "symbolic link"
    PIPE = "pipe", "pipe"
    SOCKET = "socket", "socket"
    DEVICE = "device", "device"

    @classmethod
    def of(cls, mode: int) -> Kind:
        """The kind of a path whose ``lstat`` gave ``mode``."""
        if stat.S_ISREG(mode):
            return cls.FILE
        if stat.S_ISDIR(mode):
            return cls.FOLDER
        if stat.S_ISLNK(mode):
            return cls.LINK
        if stat.S_ISFIFO(mode):
            return cls.PIPE
        if stat.S_ISSOCK(mode):
            return cls.SOCKET
        return cls.DEVICE


class Origin(models.TextChoices):
    """Who put the file there: a person, or the watcher (a copy it wrote, never enforced)."""

    USER = "user", "a user"
    MARKED_COPY = "marked_copy", "the watcher's CONFIDENTIAL-marked copy"
    REDACTED_COPY = "redacted_copy", "the watcher's redacted copy"


# Why a held sub-folder, link or special file is still in view, in an enforce folder for an
# outside audience (``gateway.watcher.held_folders``): it awaits a manager's decision where
# it is, listed with the held documents (``held_in_place``).
LEFT = (
    "its name is held, but it still holds files that are not held (released by a manager, "
    "being written, unreadable, or not judged yet); it is taken away once they are held"
)
BLOCKED = (
    "its name is held, but it holds a symbolic link or a special file (a pipe, a socket, a "
    "device), which confide never moves; it stays in view until that is removed"
)
UNMOVABLE = (
    "it is held, but it is a symbolic link or a special file (a pipe, a socket, a device), "
    "which confide never moves; it stays in view until it is removed (or renamed, where "
    "only its name is held)"
)  # now said of special files only (a held link is taken away: ``held_links``); the words
# are kept, as the rows that hold them are matched by them (``IN_VIEW``)
LINK_LEFT = (
    "it is held, but it is a symbolic link that could not be taken away now (changed "
    "meanwhile, or the quarantine not writable); it is tried again on the next pass"
)
TOO_LONG = (
    "its path is longer than the system allows (ENAMETOOLONG): confide cannot read or move "
    "it, nor what lies in it; it stays in view until it is moved or renamed to a shorter path"
)
IN_VIEW = (LEFT, BLOCKED, UNMOVABLE, LINK_LEFT, TOO_LONG)
# What starts the reason of a document held (or redacted) whose original could not be taken
# into quarantine (its note's path too long, the quarantine unreachable): it is in view.
NOT_MOVED = "it could not be moved: "
# What starts the reason of a document held that is over the size limit (``max_item_bytes``):
# never read whole, nor copied into quarantine, it is taken out of reach where it lies
# (``quarantine.lock_in_place``), and renamed beside it to a neutral name (``locked_from``
# keeps its own): neither its content nor its name is in view.
LOCKED_IN_PLACE = "it is over the size limit, so it was not taken into quarantine: "


def held_in_place() -> models.Q:
    """The rows held that are still in view: held for their names and not taken away
    (``IN_VIEW``), or documents whose original could not be moved (``NOT_MOVED``), or
    that are over the size limit, locked where they lie (``LOCKED_IN_PLACE``)."""
    return (
        models.Q(
            is_folder=True,
            present=True,
            placement=Placement.IN_PLACE,
            action="hold",
            problem__in=IN_VIEW,
        )
        | models.Q(
            is_folder=False,
            present=True,
            placement=Placement.IN_PLACE,
            action__in=("hold", "redact"),
            problem__startswith=NOT_MOVED,
        )
        | models.Q(
            is_folder=False,
            present=True,
            placement=Placement.IN_PLACE,
            action="hold",
            problem__startswith=LOCKED_IN_PLACE,
        )
    )


class WatchedFile(models.Model):
    # The file's path as the watcher found it (``stored_path``: a path that is not UTF-8 is
    # kept escaped, after ``RAW``; ``real_path`` gives its bytes back).
    path = models.TextField()
    path_key = models.CharField(max_length=HASH_LENGTH, db_index=True)  # SHA-256 of ``path``
    folder = models.TextField()  # the watched folder it lies in
    audience = models.CharField(max_length=200)
    present = models.BooleanField(default=True)  # false once it is gone from ``path``
    # Judged by its name alone, never read (``gateway.watcher.names``): a sub-folder, or a
    # link or special file (a pipe, a socket, a device). ``kind`` says which; the sweep
    # (``gateway.watcher.sweep``) keeps the rows of files, where this is false.
    is_folder = models.BooleanField(default=False)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FILE)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.USER)
    content_hash = models.CharField(max_length=HASH_LENGTH, blank=True, db_index=True)
    size = models.BigIntegerField(null=True)
    mtime_ns = models.BigIntegerField(null=True)
    # With size and mtime, what says the file is as it was judged: a replacement that keeps
    # both (rsync -a, cp -p, touch -r) has another inode or a new change time.
    ctime_ns = models.BigIntegerField(null=True)
    inode = models.BigIntegerField(null=True)
    # When it was last scanned, and with what: a fingerprint of the rules files, the register
    # (subjects, consents, agencies), the audience and the mode. A different fingerprint
    # means the verdict may differ: rescan.
    scanned_at = models.DateTimeField(null=True)
    judged_with = models.CharField(max_length=HASH_LENGTH, blank=True)
    action = models.CharField(max_length=16, blank=True)  # release | banner | redact | hold
    rules = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    findings = models.JSONField(default=dict)  # finding type -> count
    subjects = models.JSONField(default=list)  # register refs of the subjects concerned
    # Why the file could not be judged (permission denied, locked, a link out of the tree);
    # empty when it was. ``attempts`` counts the failures since the last success.
    problem = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Its scans in a row lost with their scanning worker (killed, died, the pool broken):
    # tried again until ``gateway.watcher.lost_scans.MAX_LOST_SCANS``, then held as a
    # document that kills its worker. A scan that comes back whole starts it again at 0.
    lost_scans = models.PositiveSmallIntegerField(default=0)
    placement = models.CharField(
        max_length=16, choices=Placement.choices, default=Placement.IN_PLACE
    )
    quarantined_as = models.TextField(blank=True)  # the file's path in quarantine
    # The account that owned the file when it was taken into quarantine (a copy there is
    # the watcher's own): whom ``[watch] owners`` tells of a reject.
    owner_uid = models.PositiveIntegerField(null=True)
    # Its group and permission bits then: a release gives them back (and a note or a marked
    # copy is readable as the file was).
    owner_gid = models.PositiveIntegerField(null=True)
    file_mode = models.PositiveIntegerField(null=True)
    note_path = models.TextField(blank=True)  # the note left where it was
    moving_from = models.TextField(blank=True)  # the journal of a move in progress
    # For a file locked where it lies (``LOCKED_IN_PLACE``), the path it had before it was
    # renamed to a neutral name beside it (``quarantine.hide_in_place``): its name may itself
    # be personal data. Committed before the rename; a release renames it back.
    locked_from = models.TextField(blank=True)
    moving_to = models.TextField(blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True)
    decision_note = models.TextField(blank=True)  # the manager's reason
    # For a copy the watcher wrote (``origin`` not ``USER``), the file it was written for:
    # what says a copy beside a file is that file's own, not that of another file with the
    # same content.
    copy_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("id",)
        indexes = (models.Index(fields=("placement",), name="watched_file_placement"),)

    @property
    def held_in_place(self) -> bool:
        """Held, but still where it was (``held_in_place``)."""
        if not self.present or self.placement != Placement.IN_PLACE:
            return False
        if self.is_folder:
            return self.action == "hold" and self.problem in IN_VIEW
        if self.problem.startswith(LOCKED_IN_PLACE):
            return self.action == "hold"
        return self.action in ("hold", "redact") and self.problem.startswith(NOT_MOVED)

    @property
    def locked_in_place(self) -> bool:
        """Held where it lies, over the size limit, its permissions taken away
        (``LOCKED_IN_PLACE``)."""
        return self.held_in_place and self.problem.startswith(LOCKED_IN_PLACE)

    def __str__(self) -> str:  # the id only: a file's name may itself be personal data
        return f"watched {self.kind} {self.id}"


# What starts the stored form of a path that is not UTF-8 (a stored path is otherwise
# absolute, so it never starts so).
RAW = "bytes:"
_ESCAPE = re.compile(rb"\\(\\|x[0-9a-f]{2})")


def stored_path(path: str) -> str:
    """A path as a row keeps it: as it is when it is UTF-8; otherwise ``RAW``, then the path
    with its backslashes doubled and its undecodable bytes escaped (\\xNN), so that no two
    paths are stored alike and ``real_path`` gives the file's own bytes back."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        raw = path.replace("\\", "\\\\").encode("utf-8", "surrogateescape")
        return RAW + raw.decode("utf-8", "backslashreplace")
    return path


def real_path(text: str) -> Path:
    """The file's own path from its stored form (``stored_path``)."""
    if not text.startswith(RAW):
        return Path(text)
    escaped = text[len(RAW) :].encode("utf-8")
    raw = _ESCAPE.sub(lambda m: b"\\" if m[1] == b"\\" else bytes((int(m[1][1:], 16),)), escaped)
    return Path(os.fsdecode(raw))


def path_key(path: str) -> str:
    """The indexed key of a stored path (a path may be longer than an index allows)."""
    return hashlib.sha256(path.encode("utf-8")).hexdigest()
