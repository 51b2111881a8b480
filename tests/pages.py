"""Reading a page as a browser does, to send its form back: the hidden fields it carries."""

import re

SHOWN_INPUT = re.compile(r'<input type="hidden" name="shown" value="([^"]*)"')


def shown_on(response) -> dict[str, str]:
    """The ``shown`` field of the page's form (``core.stale``: what the page showed when it was
    opened), to post back with the form as a browser would."""
    found = SHOWN_INPUT.findall(response.content.decode())
    assert len(found) == 1, f"expected one form carrying what the page showed, found {len(found)}"
    return {"shown": found[0]}
