"""The one exception of the transform package."""

from __future__ import annotations


class TransformError(Exception):
    """The message cannot be transformed safely.

    ``str()`` is a plain-words reason that never contains message text, e.g. "the PDF
    attachment 'report.pdf' would need redaction". The caller keeps the message as it was.
    """
