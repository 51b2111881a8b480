"""The status-page secret a web complainant receives: easy to read aloud over the telephone.

The alphabet leaves out the characters people confuse when reading or hearing them (0/O, 1/I/l,
and U, which is read as V), and the secret is printed in groups of four (``7KQD-M3XA-P9RT-H4WC``).
Sixteen characters of a 30-letter alphabet carry about 78 bits, enough for a hashed secret behind
the page's rate limit. Typing is forgiving: case, dashes and spaces are ignored.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 4
GROUP_SIZE = 4
_SEPARATORS = re.compile(r"[\s\-–—_.]+")


def status_secret() -> str:
    """A new secret, grouped for reading aloud."""
    chars = [secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_SIZE)]
    return "-".join("".join(chars[i : i + GROUP_SIZE]) for i in range(0, len(chars), GROUP_SIZE))


def normalise_secret(raw: str) -> str:
    """What is hashed and compared: the secret without separators, upper case."""
    return _SEPARATORS.sub("", (raw or "").strip()).upper()[:100]
