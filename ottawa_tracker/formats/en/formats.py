"""English formats are British ones, as when LANGUAGE_CODE was "en-gb".

The language is "en" so that English pages keep their unprefixed URLs (i18n_patterns compares the active
language with LANGUAGE_CODE) and `<html lang="en">`; dates still read "3 Dec 1997" and the admin still takes
25/10/2006 as 25 October.
"""

from django.conf.locale.en_GB.formats import *  # noqa: F403
