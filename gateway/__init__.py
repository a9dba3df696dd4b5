"""confide's Django project: settings, storage, the relay, the watcher, the review app and the
`confide` command line."""
