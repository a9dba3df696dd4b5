"""The ids confide makes for a redacted copy (its Message-ID, its multipart boundaries), and
their exact forms, which the safety net leaves unread (``scanner.header_fields``); and whether
an id some mail program made holds a number a person wrote (``holds_written_number``).

confide's ids are random letters only: a scan reading them finds no number, and no name, in
them.

Other programs make ids from anything: no scan reads them (they would give only false
findings), so an id that holds a number leaves no copy (``scanner.transform.with_headers``).
Mail programs' own ids hold digits nobody wrote, which are left out before the digits are
counted, so that ordinary mail keeps its threading: a UUID (Thunderbird, Apple Mail), a run
of sixteen hex digits or more with a letter among them (Outlook's and Exchange's GUIDs,
hashes), a time stamp of the second (Postfix, Mutt: 20261203142233), and the three numbers of
Python's ``email.utils.make_msgid`` (hundredths of a second since 1970, the process id, 64
random bits: <179632052642.12715.17592712035442224395@host>). Such a run is left out only
while it holds no number a person could have written into it: an NHS number that passes its
check, a UK phone number, a National Insurance number ("<x4534805012abcdef@host>" still holds
an NHS number, however long the hex run around it).
"""

from __future__ import annotations

import re
import secrets
import string

from scanner.checksums import nhs_mod11, uk_nino, uk_phone

_LETTERS = string.ascii_lowercase
_RANDOM_LETTERS = 26  # about 122 bits, as many as a random UUID
MESSAGE_ID = re.compile(rf"<[a-z]{{{_RANDOM_LETTERS}}}@redacted\.confide\.invalid>")
BOUNDARY = re.compile(rf"confide-[a-z]{{{_RANDOM_LETTERS}}}")


def new_message_id() -> str:
    """A Message-ID of the form ``MESSAGE_ID``."""
    return f"<{_random_letters()}@redacted.confide.invalid>"


def new_boundary() -> str:
    """A multipart boundary of the form ``BOUNDARY``."""
    return f"confide-{_random_letters()}"


def _random_letters() -> str:
    """``_RANDOM_LETTERS`` letters, each as likely as any other: from random bytes drawn
    together (``secrets.choice`` draws from the system for each letter, a tenth of a
    millisecond an id), a byte taken only below the largest multiple of 26 that fits."""
    letters: list[str] = []
    while len(letters) < _RANDOM_LETTERS:
        drawn = secrets.token_bytes(2 * _RANDOM_LETTERS)
        letters += (_LETTERS[byte % len(_LETTERS)] for byte in drawn if byte < _FAIR_BYTES)
    return "".join(letters[:_RANDOM_LETTERS])


# Bytes below this are as likely to give each letter (234 = 9 x 26); the rest are redrawn.
_FAIR_BYTES = 256 - 256 % len(_LETTERS)


# Six digits in a row, however they are separated: an NHS or NI number, a phone number, a
# date of birth, a sort code or an account.
_DIGIT_RUN = re.compile(r"\d{6}")
_DIGIT_SEPARATORS = re.compile(r"(?<=\d)[^0-9A-Za-z<>]+(?=\d)")
_ID = re.compile(r"<[^<>]*>")
_HEX = "0-9A-Fa-f"
_MADE_BY_PROGRAMS = re.compile(
    rf"[{_HEX}]{{8}}(?:-[{_HEX}]{{4}}){{3}}-[{_HEX}]{{12}}"  # a UUID
    rf"|[{_HEX}]*[A-Fa-f][{_HEX}]*"  # a hex run: made by a program when sixteen long
    r"|(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?:[01]\d|2[0-3])[0-5]\d[0-5]\d"
)
_HEX_RUN_MADE = 16
# email.utils.make_msgid: "<%d.%d.%d%s@%s>" % (time.time() * 100, os.getpid(), 64 random bits,
# "." and the caller's idstring or nothing, domain). The time is between 2001 and 2286.
_PYTHON_MSGID = re.compile(r"<([1-9]\d{11})\.([1-9]\d{0,9})\.(\d{1,20})(?=[.@])")
_MAX_PID = 2**32 - 1
_MAX_RANDOM = 2**64 - 1
# Numbers people write, as a maximal run of digits inside a made run: an NHS number or a UK
# phone number (0 and 9 or 10 digits, 44 and 10 digits); and an NI number's letters and digits.
_WRITTEN_DIGITS = re.compile(r"(?<!\d)\d{10,12}(?!\d)")
_WRITTEN_NINO = re.compile(r"[A-Za-z]{2}\d{6}[A-Da-d](?!\d)")


def holds_written_number(field_value: str) -> bool:
    """Whether an id in ``field_value`` (a Message-ID, In-Reply-To or References value, or
    any value whose form is an id's or an address's) holds a number someone could have
    written: a run of six or more digits, however separated, outside the runs mail programs
    make, or an NHS, phone or NI number inside one (see the module's doc). Ordinary ids that
    happen to hold such a run lose only their threading."""
    return any(_written_number_in(one) for one in _ID.findall(field_value) or [field_value])


def _written_number_in(one_id: str) -> bool:
    written, made = _split(one_id)
    if _DIGIT_RUN.search(_DIGIT_SEPARATORS.sub("", written)):
        return True
    return any(_number_a_person_wrote(run.replace("-", "")) for run in made)


def as_written(field_value: str) -> str:
    """``field_value`` with each run a mail program made in its ids (see the module's doc)
    replaced by "x", and all else as it was: what a person could have written in them (a
    name, a word), for the safety net to read without the programs' digits, which matched
    card numbers. Give it only a value for which ``holds_written_number`` is false."""
    ids = _ID.findall(field_value)
    if not ids:
        return _split(field_value)[0]
    return _ID.sub(lambda one: _split(one[0])[0], field_value)


def _split(one_id: str) -> tuple[str, list[str]]:
    """The id with the runs programs made replaced by "x" (a letter: the digits either side
    are not joined across it), and those runs."""
    made: list[str] = []
    python = _PYTHON_MSGID.match(one_id)
    if python and int(python[2]) <= _MAX_PID and int(python[3]) <= _MAX_RANDOM:
        made += python.groups()
        one_id = "<x" + one_id[python.end() :]

    def left_out(match: re.Match[str]) -> str:
        run = match[0]
        if len(run) < _HEX_RUN_MADE and not run.isdigit() and "-" not in run:
            return run  # a short hex run: as written
        made.append(run)
        return "x"

    return _MADE_BY_PROGRAMS.sub(left_out, one_id), made


def _number_a_person_wrote(run: str) -> bool:
    """Whether a run a program could have made holds a number a person wrote in it."""
    for digits in _WRITTEN_DIGITS.findall(run):
        if nhs_mod11(digits) or uk_phone(digits):
            return True
    return any(uk_nino(nino) for nino in _WRITTEN_NINO.findall(run))
