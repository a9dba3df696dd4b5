"""Signed messages for tests: S/MIME signed for real (a detached CMS signature that cryptography's
``PKCS7SignatureBuilder`` makes, as ``openssl smime -sign`` does, with a certificate made
here for a made-up sender), and OpenPGP/MIME's form (an armoured block of random bytes: its
form is all that confide checks)."""

from __future__ import annotations

import base64
import functools
import os
from datetime import UTC, datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7
from cryptography.x509.oid import NameOID

from tests.self_signed import self_signed

SENDER = "priya.sharma@riverside-carers.example.org"
_BOUNDARY = "----=_Signed_0F1E2D3C4B5A"


@functools.cache
def _signer() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A key and a self-signed certificate for Priya Sharma, as a mail program holds them."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Priya Sharma"),
            x509.NameAttribute(NameOID.EMAIL_ADDRESS, SENDER),
        ]
    )
    return self_signed(name, datetime(2026, 1, 1, tzinfo=UTC), datetime(2036, 1, 1, tzinfo=UTC))


def cms_signature(content: bytes, *, detached: bool = True) -> bytes:
    """A CMS SignedData (DER) over ``content``: detached (the content left out) unless told."""
    certificate, key = _signer()
    options = [pkcs7.PKCS7Options.DetachedSignature] if detached else []
    builder = pkcs7.PKCS7SignatureBuilder().set_data(content)
    return builder.add_signer(certificate, key, hashes.SHA256()).sign(Encoding.DER, options)


def pgp_signature() -> bytes:
    """An OpenPGP signature's ASCII armour (RFC 4880 section 6.2) around random bytes."""
    body = base64.encodebytes(b"\x88\x75" + os.urandom(117)).replace(b"\n", b"\r\n")
    return (
        b"-----BEGIN PGP SIGNATURE-----\r\n\r\n"
        + body
        + b"=Tz8b\r\n-----END PGP SIGNATURE-----\r\n"
    )


def signed_message(
    fields: str,
    content: bytes,
    protocol: str = "application/pkcs7-signature",
    signature: bytes | None = None,
) -> bytes:
    """A message with the header ``fields`` (lines ending CRLF) whose content is ``content``
    (a MIME part: its fields, an empty line, its body) signed as RFC 1847 and RFC 8551 say:
    a multipart/signed of ``content`` and its signature of type ``protocol`` (by default, a
    real CMS signature of exactly those bytes; an OpenPGP one for application/pgp-signature)."""
    if signature is None:
        pgp = protocol == "application/pgp-signature"
        signature = pgp_signature() if pgp else cms_signature(content)
    if protocol == "application/pgp-signature":
        encoded, encoding = signature, b"7bit"
    else:
        encoded, encoding = base64.encodebytes(signature).replace(b"\n", b"\r\n"), b"base64"
    boundary = _BOUNDARY.encode()
    return (
        fields.encode()
        + b"MIME-Version: 1.0\r\n"
        + f'Content-Type: multipart/signed; protocol="{protocol}"; micalg=sha-256; '
        f'boundary="{_BOUNDARY}"\r\n\r\n'.encode()
        + b"This is a cryptographically signed message in MIME format.\r\n\r\n--"
        + boundary
        + b"\r\n"
        + content
        + b"\r\n--"
        + boundary
        + f'\r\nContent-Type: {protocol}; name="smime.p7s"\r\n'.encode()
        + b"Content-Transfer-Encoding: "
        + encoding
        + b'\r\nContent-Disposition: attachment; filename="smime.p7s"\r\n\r\n'
        + encoded
        + b"\r\n--"
        + boundary
        + b"--\r\n"
    )
