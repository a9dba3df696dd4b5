"""The review pages in a real browser (Debian's chromium, driven by Playwright), served by
`confide run` beside a real relay and an upstream sink: a held message is released with
recorded oral consent and reaches the sink marked CONFIDENTIAL; another is released as an
exception and the logbook shows it; staff see only their own item and no release button, and
make an emergency release that reaches the sink marked CONFIDENTIAL while every manager is
emailed; forged POSTs are refused. Screenshots (the queue, a held item, the subject's page a
finding on it links to, the logbook, the emergency release) are saved in the test's
temporary folder (pytest's ``tmp_path``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from tests.e2e.confide_run import PASSWORD, ConfideRun, WebUser, confide_running
from tests.e2e.conftest import NOT_CONSENTED, SENDER, Received, Sink, wait_for

CHROMIUM = Path("/usr/bin/chromium")
OTHER_SENDER = "sam.jones@riverside-carers.example.org"
MANAGER_EMAIL = "jo.manager@riverside-carers.example.org"
TYPED_NHS = "943 476 5919"  # C-1002's, in examples/register/subjects.csv


def _message(sender: str, subject: str) -> bytes:
    return (
        f"From: {sender}\r\nTo: {NOT_CONSENTED}\r\nSubject: {subject}\r\n\r\n"
        "Mrs Okafor's NHS number is 943 476 5919; she is diabetic.\r\n"
    ).encode()


@pytest.fixture
def product(tmp_path: Path, sink: Sink) -> Iterator[ConfideRun]:
    users = [WebUser("jo", "manager", MANAGER_EMAIL), WebUser("priya", "staff", SENDER)]
    with confide_running(tmp_path, sink.port, users) as made:
        yield made


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One chromium for this module (Debian's; Playwright downloads nothing). Not for the
    session: Playwright's sync API keeps an event loop running in the main thread while it
    is open, and every later test that calls ``asyncio.run`` would fail."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


def _sign_in(browser: Browser, product: ConfideRun, username: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(product.url())
    assert "/login/" in page.url
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(product.url())
    return page


def _subjects(received: list[Received]) -> list[str]:
    return [
        line.decode()
        for message in received
        for line in message.content.splitlines()
        if line.startswith(b"Subject: ")
    ]


def test_managers_release_and_log_and_staff_release_their_own_in_an_emergency(
    product: ConfideRun, sink: Sink, browser: Browser, tmp_path: Path
):
    """Held for want of consent: the manager records oral consent and releases one, and
    releases another as an exception, which the logbook shows; the staff member sees their
    own held item only, with no release button, and makes an emergency release: the sink gets
    each copy marked CONFIDENTIAL and the manager's notice; POSTs without the CSRF token are
    refused."""
    import smtplib

    with smtplib.SMTP("127.0.0.1", product.smtp_port, timeout=30) as client:
        client.sendmail(SENDER, [NOT_CONSENTED], _message(SENDER, "Referral for Mrs Okafor"))
        client.sendmail(OTHER_SENDER, [NOT_CONSENTED], _message(OTHER_SENDER, "Sam's referral"))
        client.sendmail(SENDER, [NOT_CONSENTED], _message(SENDER, "Urgent: Mrs Okafor"))

    manager = _sign_in(browser, product, "jo")
    rows = manager.locator("tbody tr")

    def all_held() -> bool:
        manager.reload()
        return bool(rows.count() == 3 and "Nothing here" not in rows.first.inner_text())

    wait_for(all_held, what="the three messages to be held")
    manager.screenshot(path=tmp_path / "queue.png", full_page=True)

    manager.get_by_role("row").filter(has_text=SENDER).first.get_by_role("link").click()
    assert manager.locator("mark[title='UK_NHS']").count() == 1
    manager.screenshot(path=tmp_path / "held-item.png", full_page=True)
    item_url = manager.url

    # The finding's subject link opens the subject's participant file in the register.
    manager.locator("mark[title='UK_NHS'] a", has_text="C-1002").click()
    manager.wait_for_url(re.compile(r"/register/\d+/$"))
    expect(manager.get_by_role("heading", level=1)).to_contain_text("Subject C-1002")
    expect(manager.locator("section[aria-labelledby='held']")).to_contain_text(SENDER)
    manager.screenshot(path=tmp_path / "subject.png", full_page=True)
    _search_the_register(manager, product)
    manager.goto(item_url)

    # A forged POST, with the manager's own session but no CSRF token, is refused.
    # (Rejection: held for want of consent, it has no release with the banner, 8501a06.)
    outcome = _outcome_id(manager, "reject")
    forged = manager.request.post(
        product.url(f"/held/recipient/{outcome}/reject/"), form={f"reject-{outcome}-note": "x"}
    )
    assert forged.status == 403

    manager.get_by_text("Record consent and release", exact=True).first.click()
    prefix = f"#id_consent-{outcome}"
    manager.fill(f"{prefix}-subject", "C-1002")  # whose NHS number it is, found above
    manager.select_option(f"{prefix}-agency", label="Citizens Advice Example")
    manager.check(f"input[name='consent-{outcome}-method'][value='oral']")
    manager.check(f"input[name='consent-{outcome}-scopes'][value='health']")
    manager.check(f"input[name='consent-{outcome}-scopes'][value='contact']")
    manager.fill(f"{prefix}-evidence", "Amina agreed by phone with Jo today")
    manager.fill(f"{prefix}-note", "Oral consent to share her health needs")
    manager.get_by_role("button", name="Record consent and release").click()
    manager.wait_for_url(item_url)
    assert "consent recorded and the copy released" in manager.inner_text("main")
    assert "State: released by jo" in manager.inner_text("main")  # who decided, named
    manager.screenshot(path=tmp_path / "released.png", full_page=True)

    copies = wait_for(lambda: sink.handler.to(NOT_CONSENTED), what="the released copy")
    assert len(copies) == 1
    assert copies[0].mail_from == SENDER
    assert b"Subject: [CONFIDENTIAL] Referral for Mrs Okafor" in copies[0].content

    _release_as_exception(manager, product)
    manager.get_by_role("link", name="Logbook").click()
    manager.wait_for_url(product.url("/logbook/"))
    logbook = manager.inner_text("main")
    assert "released without consent as an exception" in logbook
    assert "C-1001" in logbook
    assert "risk of harm to the person or to others" in logbook
    manager.screenshot(path=tmp_path / "logbook.png", full_page=True)

    staff = _sign_in(browser, product, "priya")
    assert staff.locator("tbody tr").count() == 1  # their one held recipient waits
    staff.select_option("#id_state", label="any")  # whatever its state
    staff.get_by_role("button", name="Filter").click()
    expect(staff.locator("#id_state")).to_have_value("")
    assert staff.url == product.url("/")
    assert SENDER in staff.inner_text("main")
    assert OTHER_SENDER not in staff.inner_text("main")
    staff.get_by_role("button", name="Clear").click()
    expect(staff.locator("#id_state")).to_have_value("held")
    staff.get_by_role("link", name=re.compile("Open")).first.click()
    staff.wait_for_url(re.compile(r"/held/[0-9a-f-]+/$"))
    assert staff.get_by_role("button", name=re.compile("Release")).count() == 0
    staff.screenshot(path=tmp_path / "staff-item.png", full_page=True)
    _emergency_release(staff, tmp_path)

    # The exception's copy, the emergency's and the manager's notice: awaited together, as
    # the relay's delivery loop sends them together. (The manager may also have been sent
    # the alert to new holds by now, depending on how long the test has taken.)
    def emergency_notices() -> list[Received]:
        return [
            sent
            for sent in sink.handler.to(MANAGER_EMAIL)
            if b"Subject: Emergency release by priya: please review" in sent.content
        ]

    def all_sent() -> bool:
        return len(sink.handler.to(NOT_CONSENTED)) == 3 and bool(emergency_notices())

    wait_for(all_sent, what="the exception's and the emergency's copies, and the notice")
    assert sorted(_subjects(sink.handler.to(NOT_CONSENTED))) == [
        "Subject: [CONFIDENTIAL] Referral for Mrs Okafor",
        "Subject: [CONFIDENTIAL] Sam's referral",
        "Subject: [CONFIDENTIAL] Urgent: Mrs Okafor",
    ]
    (notice,) = emergency_notices()
    assert b"Logbook, entry " in notice.content  # no base_url here: the entry by its number
    manager.reload()
    assert "awaiting a manager's review" in manager.inner_text("main")
    manager.screenshot(path=tmp_path / "logbook-emergency.png", full_page=True)


def _search_the_register(manager: Page, product: ConfideRun) -> None:
    """The manager finds a subject by NHS number: the search is POSTed and kept in the
    session, so no URL the browser asks for (and so none in its history or any log) holds
    the number; "Clear" forgets it."""
    asked: list[str] = []

    def ask(request: Request) -> None:
        asked.append(unquote_plus(request.url))

    manager.on("request", ask)
    manager.goto(product.url("/register/"))
    manager.get_by_role("textbox", name="Find a subject").fill(TYPED_NHS)
    manager.get_by_role("button", name="Search").click()
    expect(manager.locator("main")).to_contain_text("1 subject found")
    expect(manager.locator("tbody")).to_contain_text("C-1002")
    expect(manager.get_by_role("textbox", name="Find a subject")).to_have_value(TYPED_NHS)
    assert manager.url == product.url("/register/")
    manager.get_by_role("button", name="Clear").click()
    expect(manager.get_by_role("textbox", name="Find a subject")).to_have_value("")
    manager.remove_listener("request", ask)
    assert len(asked) >= 3  # the page, the search's POST and its redirect, the Clear
    assert [url for url in asked if TYPED_NHS in url or TYPED_NHS.replace(" ", "") in url] == []


def _outcome_id(page: Page, action: str) -> str:
    """The held recipient's number, from the first form for ``action`` on the page."""
    form_action = page.locator(f"form[action*='/{action}/']").first.get_attribute("action")
    found = re.search(r"/recipient/(\d+)/", form_action or "")
    assert found is not None
    return found[1]


def _release_as_exception(manager: Page, product: ConfideRun) -> None:
    """The manager releases the other sender's held message as an exception, on risk."""
    manager.goto(product.url("/"))
    manager.get_by_role("row").filter(has_text=OTHER_SENDER).get_by_role("link").click()
    outcome = _outcome_id(manager, "exception")
    manager.get_by_text("Release as an exception (no consent)", exact=True).click()
    prefix = f"#id_exception-{outcome}"
    manager.select_option(f"{prefix}-reason", value="risk")
    # The form starts with whom confide found (the NHS number's C-1002); C-1001 is added.
    expect(manager.locator(f"{prefix}-subjects")).to_have_value("C-1002")
    manager.fill(f"{prefix}-subjects", "C-1002 C-1001")
    manager.fill(f"{prefix}-why_not_told", "telling her now would put her at risk")
    manager.fill(f"{prefix}-note", "Her son is at risk; the advice worker must know today")
    manager.get_by_role("button", name="Release as an exception").click()
    expect(manager.locator("main")).to_contain_text(
        "released as an exception; the logbook records it"
    )


def _emergency_release(staff: Page, tmp_path: Path) -> None:
    """The staff member, on their own held item, makes an emergency release; a POST without
    the CSRF token is refused first."""
    staff.get_by_role("link", name="Emergency release").click()
    staff.wait_for_url("**/emergency/")
    forged = staff.request.post(staff.url, form={"immediate_danger": "on", "note": "forged"})
    assert forged.status == 403
    staff.get_by_label("There is immediate danger").check()
    staff.get_by_label("What the danger is").fill("She says she will hurt herself tonight")
    staff.screenshot(path=tmp_path / "emergency.png", full_page=True)
    staff.get_by_role("button", name="Make the emergency release").click()
    main = staff.locator("main")
    expect(main).to_contain_text("Released, marked CONFIDENTIAL. The managers (1) are told")
    expect(main).to_contain_text("Emergency release by its sender, stating immediate danger")
