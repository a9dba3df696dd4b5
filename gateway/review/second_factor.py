"""The second factor: a TOTP device (django-otp) per person, set up from an authenticator
app and asked for at every sign-in once it is there. Managers and superusers must have one
when ``review.require_second_factor`` is set. An admin removes a lost one in Django's admin
(OTP_TOTP > TOTP devices) or with ``confide webuser NAME --reset-second-factor``.

The pages (``second_factor_pages``) call these functions; they never touch the tables."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from gateway.review.roles import is_manager

# The name an authenticator app shows beside the code.
DEVICE_NAME = "authenticator app"


def must_have_one(user: Any) -> bool:
    """Whether ``user`` may use no page before setting up a second factor."""
    required = bool(settings.CONFIDE_REQUIRE_SECOND_FACTOR)
    return required and bool(user.is_superuser or is_manager(user))


def has_one(user: Any) -> bool:
    """Whether ``user`` has a second factor set up (a confirmed device)."""
    return bool(user_has_device(user, confirmed=True))


def pending_device(user: Any) -> TOTPDevice | None:
    """The device being set up, not yet confirmed with a code, if there is one."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def start_setting_up(user: Any) -> TOTPDevice:
    """A new secret for ``user`` to add to their app, replacing any not yet confirmed."""
    if has_one(user):
        raise ValueError("this account already has a second factor")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device: TOTPDevice = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def confirm(user: Any, token: str) -> TOTPDevice | None:
    """The device being set up, confirmed, when ``token`` is its current code."""
    device = pending_device(user)
    if device is None or has_one(user) or not device.verify_token(token.strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def verify(user: Any, token: str) -> TOTPDevice | None:
    """The confirmed device whose current code ``token`` is, if any (each device slows
    repeated failures down by itself, django-otp's throttling)."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token.strip()):
            return device
    return None


def remove_all(user: Any) -> int:
    """Take away ``user``'s devices (a lost phone); how many. They set one up again at their
    next sign-in, or are asked to if they must have one."""
    removed: int = TOTPDevice.objects.filter(user=user).delete()[0]
    return removed


def secret_text(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code, an SVG to put in the page as it is
    (drawn with a path and attributes only: the page's CSP allows no inline styles)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg: str = image.to_string(encoding="unicode")
    return svg
