"""Whether each of the relay's scanning processes has its own sandboxed worker (the one that
holds the model) up, for ``/readyz``.

A scanning process is up only while its sandboxed worker is: one that keeps dying as it
loads the model (out of memory, say) leaves the process alive but unable to scan. Each
scanning process writes its state to a file named by its pid in a folder the relay makes
as it starts its workers (files, not shared memory: a process killed mid-write leaves no
lock held, and a file is replaced whole). The relay reads the files of the processes its
pool has now, and removes the folder as it stops.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

UP = "up"
DOWN = "down"


class WorkerStates:
    """The folder of the scanning processes' states, one file per process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @classmethod
    def new(cls) -> WorkerStates:
        """A new, empty folder, readable by this user only."""
        return cls(Path(tempfile.mkdtemp(prefix="confide-scan-workers-")))

    def tell(self, pid: int, up: bool) -> None:
        """Record, in the scanning process ``pid``, whether its sandboxed worker is up; nothing
        once the relay has removed the folder (it stops)."""
        path = self.folder / str(pid)
        partial = self.folder / f".{pid}.partial"
        try:
            partial.write_text(UP if up else DOWN)
            partial.replace(path)
        except FileNotFoundError:
            return

    def up(self, pid: int) -> bool:
        """Whether the scanning process ``pid`` said its sandboxed worker is up; not when it
        has said nothing yet (it is starting)."""
        try:
            return (self.folder / str(pid)).read_text() == UP
        except FileNotFoundError:
            return False

    def forget(self, pid: int) -> None:
        """Remove ``pid``'s file, as that scanning process ends."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.folder / str(pid))

    def remove(self) -> None:
        """Remove the folder, once the relay's workers have stopped."""
        shutil.rmtree(self.folder, ignore_errors=True)
