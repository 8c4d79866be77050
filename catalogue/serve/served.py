"""The catalogue as the public server sees it: one current snapshot, swapped whole.

Every request is pinned, when it starts, to the snapshot current at that moment
and reads only that file until it ends (catalogue/serve/database.py), so no page
mixes two runs. A watcher thread polls the source; when a commit landed it takes
a new snapshot and makes it current. The response cache is emptied at each swap,
and a snapshot file is deleted once it is neither current nor read by a request
in flight.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import weakref
from pathlib import Path

from catalogue.lock import lock_if_free
from catalogue.serve.cache import ResponseCache
from catalogue.serve.snapshots import Snapshot, SnapshotMaker, SourceWatcher, snapshot_root

DEFAULT_POLL_SECONDS = 2.0
# The name the catalogue is served under, whatever its file is called (URLs use it).
DATABASE_NAME = "catalogue"

_SERVED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def attach(datasette, served: ServedCatalogue) -> None:
    _SERVED[datasette] = served


def served_catalogue(datasette) -> ServedCatalogue | None:
    """The catalogue a Datasette instance serves, or None for any other instance."""
    return _SERVED.get(datasette)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_folders(root: Path) -> None:
    """Snapshot folders of servers that are gone (named `<pid>-<n>`)."""
    if not root.is_dir():
        return
    for folder in root.iterdir():
        pid = folder.name.split("-", 1)[0]
        if folder.is_dir() and pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


class ServedCatalogue:
    """Snapshots of one source catalogue, the current one and those still in use."""

    _instances = 0
    _instances_lock = threading.Lock()

    def __init__(
        self,
        source: str | Path,
        *,
        poll_seconds: float | None = DEFAULT_POLL_SECONDS,
        cache: ResponseCache | None = None,
    ):
        self.source = Path(source)
        self.poll_seconds = poll_seconds
        self.cache = cache
        with ServedCatalogue._instances_lock:
            ServedCatalogue._instances += 1
            number = ServedCatalogue._instances
        self.root = snapshot_root(self.source)
        self.folder = self.root / f"{os.getpid()}-{number}"
        self._maker = SnapshotMaker(self.source, self.folder)
        self._watcher = SourceWatcher(self.source)
        self._lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._readers: dict[Snapshot, int] = {}
        self._retired: list[Snapshot] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._current: Snapshot | None = None
        self.errors: list[str] = []

    @property
    def current(self) -> Snapshot:
        """The snapshot new requests read; there is one from `open` on."""
        if self._current is None:
            raise RuntimeError("the served catalogue is not open")
        return self._current

    def open(self) -> Snapshot:
        """Take the first snapshot (raises `NotACatalogue` when the source cannot be served)."""
        remove_stale_folders(self.root)
        try:
            with self._refresh_lock:
                self._watcher.changed()
                self._current = self._maker.take()
                self._tell_notices()
        except BaseException:
            self.close()
            raise
        return self.current

    # Requests ---------------------------------------------------------------

    def pin(self) -> Snapshot:
        """The current snapshot, kept on disk until `release`."""
        with self._lock:
            snapshot = self.current
            self._readers[snapshot] = self._readers.get(snapshot, 0) + 1
            return snapshot

    def release(self, snapshot: Snapshot) -> None:
        with self._lock:
            self._readers[snapshot] -= 1
            if self._readers[snapshot] == 0:
                del self._readers[snapshot]
        self._delete_unused()

    def is_live(self, snapshot_path: str) -> bool:
        """Whether connections to this file may still be needed."""
        with self._lock:
            if self._current is not None and str(self._current.path) == snapshot_path:
                return True
            return any(str(s.path) == snapshot_path for s in self._retired)

    # Swaps ------------------------------------------------------------------

    def refresh(self) -> bool:
        """Take and serve a new snapshot if the source received a commit, or if the
        sync the current one shows under way has stopped without finishing its run.
        True when swapped."""
        with self._refresh_lock:
            if not self._watcher.changed() and not self._sync_vanished():
                return False
            try:
                snapshot = self._maker.take()
            except BaseException:
                self._watcher.forget()  # try again at the next poll
                raise
            finally:
                self._tell_notices()
            self._swap(snapshot)
            return True

    def _sync_vanished(self) -> bool:
        if self._current is None or not self._current.running:
            return False
        with lock_if_free(self.source) as no_sync_under_way:
            return no_sync_under_way

    def _tell_notices(self) -> None:
        while self._maker.notices:
            print(self._maker.notices.pop(0), file=sys.stderr, flush=True)

    def _swap(self, snapshot: Snapshot) -> None:
        with self._lock:
            if self._current is not None:
                self._retired.append(self._current)
            self._current = snapshot
            if self.cache is not None:
                self.cache.clear()
        self._delete_unused()

    def _delete_unused(self) -> None:
        with self._lock:
            unused = [s for s in self._retired if s not in self._readers]
            self._retired = [s for s in self._retired if s in self._readers]
        for snapshot in unused:
            snapshot.path.unlink(missing_ok=True)

    # Watching ---------------------------------------------------------------

    def start_watching(self) -> None:
        if self.poll_seconds is None or self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._watch, name=f"segur-snapshots-{self.folder.name}", daemon=True
        )
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.refresh()
            except Exception as error:  # keep serving the last good snapshot
                message = (
                    f"segur serve: new snapshot failed, still serving the previous one: {error}"
                )
                self.errors.append(message)
                print(message, file=sys.stderr, flush=True)

    def close(self) -> None:
        """Stop watching and delete this server's snapshots."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._watcher.close()
        shutil.rmtree(self.folder, ignore_errors=True)
        try:
            self.root.rmdir()
        except OSError:
            pass  # other servers' snapshots are still there
