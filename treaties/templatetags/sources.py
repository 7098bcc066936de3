"""`{% source_label source note %}`: a stored source as a short linked label, the rest behind a disclosure.

The splitting is `treaties.sources.source_parts` (pure, no queries); the markup is
templates/includes/source.html, which escapes every part: the text is whatever staff or the data wrote.
"""

from django import template

from treaties.sources import source_parts

register = template.Library()


@register.inclusion_tag("includes/source.html")
def source_label(source: str, note: str = "", also: str = "") -> dict:
    """`also`: further sources to list behind the disclosure (a forum seat's source for its start date)."""
    return {"parts": source_parts(source or "", note or "", also=also or "")}
