"""The status-page secret a web complainant receives: easy to read aloud over the telephone.

The alphabet leaves out the characters people confuse when reading or hearing them (0/O, 1/I/l,
and U, which is read as V), and the secret is printed in groups of four (``7KQD-M3XA-P9RT-H4WC``).
Sixteen characters of a 30-letter alphabet carry about 78 bits, enough for a hashed secret behind
the page's rate limit. Typing is forgiving: case, dashes and spaces are ignored.

The public form carries a one-time token (``form_token_new``): a random value, signed with the
time the form was shown. The complaint it files keeps the value's hash (``Complaint.form_token_hash``,
unique), so the same form sent again — a double click, a browser retry, a reload of the
confirmation page — files nothing more (``services.complaint_file_public``), when it says the same:
a different complaint sent with a used token (the next person at a shared computer going Back) is
refused, never answered with the first one's number and secret. The complaint's secret
is derived from the value with the site's key (``status_secret(seed=...)``), so a repeat can show
the first answer's secret again without the secret being kept anywhere: not in the database, not in
a session.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.utils.crypto import salted_hmac

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 4
GROUP_SIZE = 4
_SEPARATORS = re.compile(r"[\s\-–—_.]+")


# How long a shown form may be sent: a form open longer is refused with the typed text kept (a new
# token comes with it); a page kept from before the token existed, or a post made without the
# page, has none and is refused the same way.
FORM_TOKEN_MAX_AGE = timedelta(hours=12)
_FORM_TOKEN_SALT = "caseworks.complaints.public_form"
_SECRET_SALT = "caseworks.complaints.status_secret"


@dataclass(frozen=True)
class FormToken:
    value: str  # the random value the form was given (only its hash is stored)
    fresh: bool  # sent within FORM_TOKEN_MAX_AGE of the form being shown

    @property
    def hash(self) -> str:
        return hashlib.sha256(self.value.encode()).hexdigest()


def form_token_new() -> str:
    """A one-time token for one showing of the public form (a hidden field)."""
    return signing.TimestampSigner(salt=_FORM_TOKEN_SALT).sign(secrets.token_urlsafe(32))


def form_token_read(signed: str) -> FormToken | None:
    """The token a form was sent with, or None when it has none or one this site did not sign."""
    signer = signing.TimestampSigner(salt=_FORM_TOKEN_SALT)
    signed = (signed or "")[:200]
    try:
        return FormToken(signer.unsign(signed, max_age=FORM_TOKEN_MAX_AGE), fresh=True)
    except signing.SignatureExpired:
        return FormToken(signer.unsign(signed), fresh=False)
    except signing.BadSignature:
        return None


def form_token_again(signed: str) -> str:
    """The token for the form shown again after an error: the one sent while it may still be sent,
    else a new one."""
    token = form_token_read(signed)
    return signed if token is not None and token.fresh else form_token_new()


def status_secret(*, seed: str = "") -> str:
    """A new secret, grouped for reading aloud: random, or derived from ``seed`` (a form token's
    value) with the site's key, the same each time for the same seed."""
    if not seed:
        chars = [secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE)]
    else:
        # 256 bits read as 16 digits of base 30 (about 78 bits, as the random secret).
        number = int.from_bytes(salted_hmac(_SECRET_SALT, seed, algorithm="sha256").digest(), "big")
        chars = []
        for _ in range(GROUPS * GROUP_SIZE):
            number, digit = divmod(number, len(ALPHABET))
            chars.append(ALPHABET[digit])
    return "-".join("".join(chars[i : i + GROUP_SIZE]) for i in range(0, len(chars), GROUP_SIZE))


def normalise_secret(raw: str) -> str:
    """What is hashed and compared: the secret without separators, upper case."""
    return _SEPARATORS.sub("", (raw or "").strip()).upper()[:100]
