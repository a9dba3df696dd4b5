"""Inputs drawn by the browser's own date pickers.

An ``<input type="date">`` takes and gives its value in ISO 8601 only (1944-05-09). Django
writes a date in the site's locale format (09/05/1944 for en-GB), which such an input shows
as empty and posts back empty: editing a subject then erased its date of birth. These
widgets write the ISO forms, which Django's date fields read back whatever the locale.
"""

from __future__ import annotations

from typing import Any

from django import forms


class DatePicker(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimePicker(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
