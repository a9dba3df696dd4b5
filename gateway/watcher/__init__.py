"""The shared-drive watcher: the second door onto the core. It turns a path in a watched
folder into a scan job, judges it with the folder's audience in the recipient's place, and
records or enforces what comes back; it decides nothing itself."""
