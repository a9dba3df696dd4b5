"""Health, metrics and logs for running confide for real: ``/healthz``, ``/readyz``,
``/metrics`` and the JSON log lines."""
