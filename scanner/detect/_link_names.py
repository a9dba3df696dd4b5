"""Names inside a link's path or a file's name: "…/case-notes/harriet-blenkinsop.pdf",
"Assessment_Tomasz_Wojcik_v2.docx", "consent-form-ngozi-eze.pdf".

A message often names someone only there: the file is named after the person it is about.
The words of such a name are joined by hyphens, underscores or stops, in any case, so the
model never reads them as a name. Here a known first name that is no ordinary word
(``person.first_names`` less ``person.word_names``: not "mark" of "mark-scheme", "grace" of
"grace-lane-map") and the one to three words after it in the same piece of the path, up to a
word that is a file's usual word ("notes", "referral", "v2"), a place word or a digit, are a
name, when a first name and at least one more word stand together. A first name alone
("harriet.pdf") is left, as a word of a path alone says little.
"""

from __future__ import annotations

from collections.abc import Callable

import regex

from scanner.detect.recognizers_file import PersonSettings, unaccented

# A link or a path (a slash or a backslash in it) or a file's name (an extension at its end),
# with no space: what a name may hide in.
_TOKEN = regex.compile(r"[^\s<>\"'()\[\]{}|,;]+")
_FILE_END = regex.compile(
    r"\.(?i:pdf|docx?|xlsx?|csv|txt|odt|ods|rtf|pptx?|msg|eml|jpe?g|png|heic|gif|tiff?|zip|"
    r"mp3|mp4|m4a|mov|wav)\Z"
)
# The words of a piece of a path, split at hyphens, underscores, stops and digits.
_PART = regex.compile(r"[^\W\d_]+|\d+")
# Words files are named with beside a person's name, which end the name: "kwabena-osei-
# referral", "maureen_pickles_photo_consent". Written by hand from how charities name files.
_FILE_WORDS = frozenset(
    {
        "notes", "note", "form", "forms", "referral", "referrals", "consent", "letter",
        "letters", "report", "reports", "assessment", "review", "plan", "photo", "photos",
        "scan", "scanned", "signed", "copy", "final", "draft", "version", "v", "id", "cv",
        "application", "statement", "invoice", "receipt", "contract", "minutes", "agenda",
        "template", "record", "records", "file", "files", "doc", "docs", "summary", "log",
        "case", "support", "care", "safety", "risk", "update", "new", "old", "and", "the",
        "of", "for", "to", "with", "re", "pdf", "docx", "page", "pages", "part",
        "tenancy", "agreement", "payslip", "passport", "licence", "birth", "certificate",
    }
)  # fmt: skip
# What joins a name's words in a path: a hyphen, an underscore, a stop (or a space encoded).
_JOINERS = frozenset("-_.")


def names_in_links(
    text: str, settings: PersonSettings, reads_as_a_name: Callable[[str], bool]
) -> list[tuple[int, int]]:
    """The spans of names in the links, paths and file names of ``text``. After the first
    name's next word, more words count only where ``reads_as_a_name`` says so: "sarah-lund"
    of "sarah-lund-retires-after-30-years", "ana-maria-popescu" whole."""
    found = []
    for token in _TOKEN.finditer(text):
        value = token.group().rstrip(".!?:")  # a stop ending the sentence is no extension's
        if "@" in value or not (
            "/" in value or "\\" in value or _FILE_END.search(value) is not None
        ):
            continue
        end = token.start() + len(value)
        found += _names_in_token(text, token.start(), end, settings, reads_as_a_name)
    return found


def _names_in_token(
    text: str,
    start: int,
    end: int,
    settings: PersonSettings,
    reads_as_a_name: Callable[[str], bool],
) -> list[tuple[int, int]]:
    """The names among the words of one link or file name."""
    parts = list(_PART.finditer(text, start, end))
    found = []
    i = 0
    while i < len(parts):
        first = parts[i]
        lower = unaccented(first.group().lower())
        if (
            not first.group().isalpha()
            or lower not in settings.first_names
            or lower in settings.word_names
            or lower in settings.lower_case_word_names
            or (first.start() > start and text[first.start() - 1] not in "-_./\\")
        ):
            i += 1
            continue
        last = i
        for j in range(i + 1, min(i + 4, len(parts))):
            word = parts[j]
            plain = unaccented(word.group().lower())
            if (
                text[parts[j - 1].end() : word.start()] not in _JOINERS
                or not word.group().isalpha()
                or len(plain) < 2
                or plain in _FILE_WORDS
                or plain in settings.not_surnames
                or plain in settings.not_names
                or plain in settings.place_words
                or plain in settings.case_nouns
                or (j > i + 1 and not reads_as_a_name(word.group()))
            ):
                break
            last = j
        if last > i:
            found.append((first.start(), parts[last].end()))
        i = last + 1
    return found
