"""The second factor: setting up an authenticator app with a real TOTP code, signing in with
one, the setting that makes it mandatory for managers, the lockout for wrong codes, and the
administrator's reset."""

from __future__ import annotations

import base64
import io
import re
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.gateway.review.conftest import Users

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough password 42"  # noqa: S105 - the test accounts' password


@pytest.fixture(autouse=True)
def required(settings: Any) -> None:
    """The default: managers and superusers must have a second factor. The device's own
    slowing down after a wrong code is off but where it is tested."""
    settings.CONFIDE_REQUIRE_SECOND_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for ``device`` now (or a step later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def signed_in(user: User) -> Client:
    """A client signed in with ``user``'s password through the sign-in page."""
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def device_for(user: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return device


def test_a_manager_without_a_device_is_sent_to_set_one_up_before_any_page(users: Users) -> None:
    """With the setting on, a manager who signed in reaches no page but the set-up page."""
    client = signed_in(users.manager)
    for page in (reverse("review:queue"), reverse("review:logbook"), reverse("admin:index")):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"] == reverse("second_factor_setup")
    assert client.get(reverse("second_factor_setup")).status_code == 200


def test_a_superuser_without_a_device_is_sent_to_set_one_up(db: None) -> None:
    """An admin (superuser) is held to the setting as a manager is."""
    admin = User.objects.create_superuser("root", "root@riverside-carers.example.org")
    response = signed_in(admin).get(reverse("admin:index"))
    assert response["Location"] == reverse("second_factor_setup")


def test_staff_without_a_device_are_not_asked_for_one(users: Users) -> None:
    """Staff may set one up but need not: their pages open after the password alone."""
    assert signed_in(users.staff).get(reverse("review:queue")).status_code == 200


def test_with_the_setting_off_a_manager_signs_in_without_one(users: Users, settings: Any) -> None:
    """``require_second_factor = false`` lets a manager in with the password alone."""
    settings.CONFIDE_REQUIRE_SECOND_FACTOR = False
    assert signed_in(users.manager).get(reverse("review:queue")).status_code == 200


def test_setting_up_with_a_real_code_lets_the_manager_in(users: Users) -> None:
    """Start, read the key from the page, type the app's code: the device is confirmed and
    the pages open in this session."""
    client = signed_in(users.manager)
    start = client.post(reverse("second_factor_start"))
    assert start["Location"] == reverse("second_factor_setup")
    page = client.get(reverse("second_factor_setup")).content.decode()
    assert "<svg" in page
    assert "style=" not in page.split("<svg", 1)[1].split("</svg>")[0]
    device = TOTPDevice.objects.get(user=users.manager)
    assert not device.confirmed

    wrong = client.post(reverse("second_factor_setup"), {"code": "000000"})
    assert "not right" in wrong.content.decode()
    done = client.post(reverse("second_factor_setup"), {"code": code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("review:queue")).status_code == 200


def test_the_key_shown_is_the_devices_key(users: Users) -> None:
    """The key to type into an app is the device's secret in base32."""
    client = signed_in(users.manager)
    client.post(reverse("second_factor_start"))
    page = client.get(reverse("second_factor_setup")).content.decode()
    found = re.search(r"<code>([A-Z2-7 ]+)</code>", page)
    assert found is not None
    typed = found[1].replace(" ", "")
    typed += "=" * (-len(typed) % 8)
    assert base64.b32decode(typed) == TOTPDevice.objects.get(user=users.manager).bin_key


def test_sign_in_asks_for_the_code_and_accepts_the_apps(users: Users) -> None:
    """A person with a device gives its code after the password; the right one lets them in
    and takes them where they were going."""
    device = device_for(users.manager)
    client = signed_in(users.manager)
    wanted = reverse("review:logbook")
    response = client.get(wanted)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("second_factor_verify"))
    form = client.get(response["Location"])
    assert "authenticator app" in form.content.decode()
    bad = client.post(reverse("second_factor_verify"), {"code": "123456", "next": wanted})
    assert bad.status_code == 200
    assert client.get(wanted).status_code == 302
    good = client.post(reverse("second_factor_verify"), {"code": code(device), "next": wanted})
    assert good["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_staff_who_set_one_up_are_asked_for_it(users: Users) -> None:
    """Once a staff member has a device, their sign-in asks for its code too."""
    device = device_for(users.staff)
    client = signed_in(users.staff)
    assert client.get(reverse("review:queue")).status_code == 302
    client.post(reverse("second_factor_verify"), {"code": code(device)})
    assert client.get(reverse("review:queue")).status_code == 200


def test_a_code_is_not_accepted_twice(users: Users) -> None:
    """A code already used cannot sign in again (someone who watched it being typed)."""
    device = device_for(users.manager)
    first = signed_in(users.manager)
    used = code(device)
    first.post(reverse("second_factor_verify"), {"code": used})
    assert first.get(reverse("review:queue")).status_code == 200
    second = signed_in(users.manager)
    second.post(reverse("second_factor_verify"), {"code": used})
    assert second.get(reverse("review:queue")).status_code == 302


def test_someone_with_only_the_password_cannot_add_a_device(users: Users) -> None:
    """Before the code is given, the set-up page adds nothing to an account that has one."""
    device_for(users.manager)
    client = signed_in(users.manager)
    assert client.post(reverse("second_factor_start")).status_code == 302
    assert client.get(reverse("second_factor_setup"))["Location"] == reverse("second_factor_verify")
    assert TOTPDevice.objects.filter(user=users.manager).count() == 1


def test_wrong_codes_lock_the_account_out_as_wrong_passwords_do(
    users: Users, settings: Any
) -> None:
    """django-axes counts each wrong code: at the limit the person is signed out and told
    they are locked out, and neither the password nor the right code gets them back in."""
    settings.AXES_FAILURE_LIMIT = 3
    device = device_for(users.manager)
    client = signed_in(users.manager)
    responses = [client.post(reverse("second_factor_verify"), {"code": "000000"}) for _ in range(3)]
    assert [r.status_code for r in responses[:2]] == [200, 200]
    assert responses[2].status_code == 429
    assert client.get(reverse("review:queue"))["Location"].startswith(reverse("login"))
    again = Client().post(
        reverse("login"), {"username": users.manager.username, "password": PASSWORD}
    )
    assert again.status_code == 429
    client.post(reverse("second_factor_verify"), {"code": code(device)})
    assert client.get(reverse("review:queue"))["Location"].startswith(reverse("login"))


def test_the_device_slows_guessing_down_by_itself(users: Users, settings: Any) -> None:
    """After a wrong code even the right one is refused for a while (django-otp's throttling,
    which a new password sign-in does not reset)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = device_for(users.manager)
    client = signed_in(users.manager)
    client.post(reverse("second_factor_verify"), {"code": "000000"})
    client = signed_in(users.manager)
    client.post(reverse("second_factor_verify"), {"code": code(device)})
    assert client.get(reverse("review:queue")).status_code == 302


def test_webuser_reset_removes_the_device(users: Users) -> None:
    """``confide webuser NAME --reset-second-factor`` takes the device away; the manager
    is asked to set up a new one at the next sign-in."""
    device_for(users.manager)
    out = io.StringIO()
    call_command("webuser", users.manager.username, "--reset-second-factor", stdout=out)
    assert "1 second factor(s) removed" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=users.manager).exists()
    client = signed_in(users.manager)
    assert client.get(reverse("review:queue"))["Location"] == reverse("second_factor_setup")


def test_an_admin_can_remove_a_device_in_the_admin_site(users: Users) -> None:
    """Django's admin lists each person's TOTP device, so an admin can delete a lost one."""
    admin = User.objects.create_superuser("root", "root@riverside-carers.example.org")
    admin_device = device_for(admin)
    device = device_for(users.manager)
    client = signed_in(admin)
    client.post(reverse("second_factor_verify"), {"code": code(admin_device)})
    listed = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert listed.status_code == 200
    assert users.manager.username in listed.content.decode()
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.id]), {"post": "yes"})
    assert not TOTPDevice.objects.filter(id=device.id).exists()
