"""The review web app: managers decide on held mail; the logbook and the audit trail."""
