"""Reading a page as a browser does, to send its form back: the hidden fields it carries."""

import re

SHOWN_INPUT = re.compile(r'<input type="hidden" name="shown" value="([^"]*)"')
FORM = re.compile(r'<form\b[^>]*\baction="([^"]*)"[^>]*>(.*?)</form>', re.S)


def shown_on(response, *, action: str = "") -> dict[str, str]:
    """The ``shown`` field of the page's form (``core.stale``: what the page showed when it was
    opened), to post back with the form as a browser would; ``action``: of the form posting there,
    on a page with several."""
    content = response.content.decode()
    if action:
        content = "".join(body for url, body in FORM.findall(content) if url == action)
    found = SHOWN_INPUT.findall(content)
    assert len(found) == 1, f"expected one form carrying what the page showed, found {len(found)}"
    return {"shown": found[0]}
