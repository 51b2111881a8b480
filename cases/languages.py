"""Language names as people write them → language codes (issue 15.6).

``Person.preferred_language`` is a code (``en``, ``es``, ...). Older records and the public forms
hold free text ("English", "Spanish", "Español", "Vietnamese"): ``language_code`` reads it. A value
that names no language we know keeps its text and asks for an interpreter.
"""

from __future__ import annotations

import unicodedata

# Names (without accents, lower case) in English and in the language itself.
NAMES: dict[str, str] = {
    "english": "en",
    "ingles": "en",
    "en": "en",
    "eng": "en",
    "spanish": "es",
    "espanol": "es",
    "castellano": "es",
    "es": "es",
    "spa": "es",
    "chinese": "zh",
    "mandarin": "zh",
    "cantonese": "zh",
    "zh": "zh",
    "vietnamese": "vi",
    "tieng viet": "vi",
    "vi": "vi",
    "korean": "ko",
    "ko": "ko",
    "russian": "ru",
    "ru": "ru",
    "haitian creole": "ht",
    "kreyol": "ht",
    "ht": "ht",
    "arabic": "ar",
    "ar": "ar",
    "bengali": "bn",
    "bangla": "bn",
    "bn": "bn",
    "french": "fr",
    "francais": "fr",
    "fr": "fr",
    "polish": "pl",
    "polski": "pl",
    "pl": "pl",
    "tagalog": "tl",
    "filipino": "tl",
    "tl": "tl",
    "urdu": "ur",
    "ur": "ur",
    "yiddish": "yi",
    "yi": "yi",
    "italian": "it",
    "italiano": "it",
    "it": "it",
    "portuguese": "pt",
    "portugues": "pt",
    "pt": "pt",
    "armenian": "hy",
    "hy": "hy",
    "farsi": "fa",
    "persian": "fa",
    "fa": "fa",
    "hmong": "hmn",
    "hmn": "hmn",
    "punjabi": "pa",
    "pa": "pa",
    "japanese": "ja",
    "ja": "ja",
    "khmer": "km",
    "cambodian": "km",
    "km": "km",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def language_code(text: str | None) -> str:
    """The code for a language name or code as written (case and accents ignored); ``""`` when
    the text names no language we know (or is empty)."""
    return NAMES.get(_fold(text or ""), "")


def language_fields(text: str | None, *, offered: set[str] | None = None) -> dict:
    """``preferred_language``, ``needs_interpreter`` and ``language_note`` for free text: English,
    Spanish/Español map to their codes; other languages get their code (if known) and the
    interpreter flag, and the original text is kept."""
    from django.conf import settings

    offered = offered if offered is not None else {code for code, _name in settings.LANGUAGES}
    raw = (text or "").strip()
    if not raw:
        return {"preferred_language": "en", "needs_interpreter": False, "language_note": ""}
    code = language_code(raw)
    if code and code in offered:
        return {"preferred_language": code, "needs_interpreter": False, "language_note": ""}
    return {"preferred_language": code, "needs_interpreter": True, "language_note": raw[:60]}
