"""The watched folders as the watcher uses them: each with the address its audience plays as
the recipient, the observer that suits its filesystem, and what in it is never scanned."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from gateway.config import StartupError, WatchedFolderSettings
from gateway.register.models import AgencyAddress, AgencyDomain

INTERNAL = "internal"
PUBLIC = "public"
# The public plays an outside nobody: an address in a domain that can never be anyone's.
PUBLIC_ADDRESS = "public@outside.invalid"
# Whom an internal or agency folder's documents go to, within the audience's domain.
FOLDER_MAILBOX = "watched-folder"
# The notes the watcher leaves where it took a file away; never scanned.
NOTE_PATTERN = "confide-held-*.txt"
# Filesystems where inotify never sees another machine's changes: polled instead.
NETWORK_FILESYSTEMS = frozenset(
    {"cifs", "smb3", "smbfs", "nfs", "nfs4", "fuse", "fuseblk", "sshfs", "9p", "davfs"}
)
MOUNTS = Path("/proc/mounts")


@dataclass(frozen=True)
class Folder:
    """A watched folder, resolved: its audience's address, its observer, its exclusions."""

    path: Path
    audience: str
    recipient: str
    enforce: bool
    observer: str  # native | polling
    poll_seconds: float
    stable_seconds: float
    marked_copies: bool
    exclude: tuple[str, ...]

    def holds(self, path: Path) -> bool:
        """Whether ``path`` lies in this folder (the folder itself excluded)."""
        return self.path in path.parents

    def excludes(self, name: str) -> bool:
        """Whether a file of this name is never scanned here (matched case-insensitively)."""
        lowered = name.lower()
        return fnmatch.fnmatchcase(lowered, NOTE_PATTERN) or any(
            fnmatch.fnmatchcase(lowered, pattern.lower()) for pattern in self.exclude
        )


def resolve_folders(
    configured: list[WatchedFolderSettings], internal_domains: list[str]
) -> list[Folder]:
    """The configured folders, their audiences looked up (an agency in the register). Raises
    ``StartupError`` naming the setting for a folder that is missing or an unknown agency."""
    folders: list[Folder] = []
    for number, folder in enumerate(configured):
        key = f"watch.folders[{number}]"
        path = folder.path.resolve()
        if not path.is_dir():
            raise StartupError(f"{key}.path: {str(path)!r} is not a folder")
        observer = folder.observer
        if observer == "auto":
            observer = "polling" if filesystem_type(path) in NETWORK_FILESYSTEMS else "native"
        for other, earlier in enumerate(folders):
            _refuse_overlap(earlier.path, other, path, number)
        folders.append(
            Folder(
                path=path,
                audience=folder.audience,
                recipient=_recipient(folder.audience, internal_domains, key),
                enforce=folder.mode == "enforce",
                observer=observer,
                poll_seconds=folder.poll_seconds,
                stable_seconds=folder.stable_seconds,
                marked_copies=folder.marked_copies,
                exclude=tuple(folder.exclude),
            )
        )
    return folders


def _refuse_overlap(earlier: Path, other: int, path: Path, number: int) -> None:
    """Refuse two watched folders where one lies in (or is) the other: a file in both would
    be judged for whichever audience came first in the file, not the folder it lies in."""
    if path == earlier:
        raise StartupError(
            f"watch.folders[{number}].path is the same folder as watch.folders[{other}].path; "
            "list each folder once"
        )
    if earlier in path.parents or path in earlier.parents:
        inner, outer = (number, other) if earlier in path.parents else (other, number)
        raise StartupError(
            f"watch.folders[{inner}].path lies inside watch.folders[{outer}].path; watched "
            "folders must not overlap: move one of them, or watch the inner folder's "
            "siblings instead of the outer folder"
        )


def _recipient(audience: str, internal_domains: list[str], key: str) -> str:
    if audience == PUBLIC:
        return PUBLIC_ADDRESS
    if audience == INTERNAL:
        if not internal_domains:
            raise StartupError(
                f"{key}.audience is internal, but organisation.internal_domains is empty; "
                "name the organisation's own mail domains there"
            )
        return f"{FOLDER_MAILBOX}@{internal_domains[0]}"
    domain = AgencyDomain.objects.filter(agency__name=audience).values_list("domain", flat=True)
    if first := domain.first():
        return f"{FOLDER_MAILBOX}@{first}"
    address = AgencyAddress.objects.filter(agency__name=audience).values_list("address", flat=True)
    if first := address.first():
        return first
    raise StartupError(
        f"{key}.audience: no agency named {audience!r} with a domain or address in the "
        'consent register; import it (confide consent import) or use "internal" or "public"'
    )


def filesystem_type(path: Path, mounts: Path = MOUNTS) -> str:
    """The type of the filesystem ``path`` is on, from the longest matching mount point in
    /proc/mounts; "" where that cannot be read (another system: native events then)."""
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    best, kind = "", ""
    target = str(path.resolve())
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind
