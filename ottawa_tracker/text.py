"""Whether a text has anything a reader can see: a source of only spaces, tabs or
zero-width characters names nothing."""

import unicodedata

from django.utils.translation import gettext_lazy as _

# Letters and symbols that print as blank space: the Hangul fillers and the blank Braille pattern.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")

SOURCE_NOT_VISIBLE = _(
    "A source must have visible text (a URL or a citation), not only spaces, tabs or invisible characters."
)


def has_visible_text(text: str | None) -> bool:
    """True if `text` has a letter, digit, punctuation mark or symbol that prints."""
    return any(unicodedata.category(ch)[0] in "LNPS" and ch not in _BLANK for ch in text or "")
