"""Words shared by every check: a kind's label and its indefinite article."""

from treaties.choices import EventKind


def _label(kind: str) -> str:
    return EventKind(kind).label.lower() if kind in EventKind.values else kind


def _a(label: str) -> str:
    """The label with its indefinite article: "an accession", "a signature"."""
    return f"an {label}" if label[:1] in "aeiou" else f"a {label}"
