"""Names that stand only inside a link's path or a file's name."""

import pytest

from tests.scanner.conftest import person_names


def _names(found, text):
    return person_names(found(text))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        (
            "Notes at https://drive.example.org/case-notes/harriet-blenkinsop.pdf for the panel.",
            "harriet-blenkinsop",
        ),
        ("See attached: referral_form_kwame_asante.docx", "kwame_asante"),
        ("Uploaded to /shared/referrals/2024/oluwaseun-adeyemi-consent.pdf", "oluwaseun-adeyemi"),
        ("I have attached Assessment_Tomasz_Wojcik_v2.docx.", "Tomasz_Wojcik"),
        ("Saved as S:\\Consent\\maureen_pickles_photo_consent.pdf", "maureen_pickles"),
        ("https://example.org/files/ana-maria-popescu.pdf", "ana-maria-popescu"),
        # after the surname, only words that read as a name: not "retires"
        ("See https://example.org/news/2024/sarah-lund-retires-after-30-years", "sarah-lund"),
    ],
)
def test_a_first_name_and_the_words_after_it_in_a_link_are_a_name(found, text, name):
    """A known first name and the words after it, joined by hyphens, underscores or stops
    in a link or a file's name, up to a file's usual word, are a name."""
    assert name in _names(found, text), _names(found, text)


@pytest.mark.parametrize(
    "text",
    [
        "The minutes are at https://example.org/docs/trustee-minutes-march.pdf",
        "Use risk-assessment-template.docx and christmas-rota-2024.xlsx.",
        "Marking guide: mark-scheme-2024.pdf",
        "The route is at https://example.org/walks/grace-lane-to-hill-top.pdf",
        "The handbook is volunteer-handbook-v3.pdf",
        "Mail harriet.blenkinsop@example.org",  # a mail address is found as one
    ],
)
def test_file_names_that_name_no_one_hold_no_names(found, text):
    """Links and file names of ordinary words or word-names hold no names."""
    assert not _names(found, text), _names(found, text)
