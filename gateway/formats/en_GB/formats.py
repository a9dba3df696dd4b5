"""Dates and times on the review pages, in British English: the 24-hour clock, as rotas and
logbooks write it. Django's own en-GB form ("3 Dec 2026, 6:10 p.m.") ended sentences in
"p.m.." and is easy to misread across a page of times."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
