"""The one signal `countries` sends: "who is counted where has changed".

`treaties` imports from `countries`, never the reverse, yet a change here (a forum
membership, a region assignment, a country's lifespan or participant flag, a succession,
a region, scheme or forum added or removed) moves every treaty's summaries, and the
"needs recompute" mark must be written in the same transaction as the change. So the
services in `countries.services` send this signal inside their transaction, and
`treaties` receives it (connected in `TreatiesConfig.ready`) and writes the marks.
"""

from django.dispatch import Signal

# Sent inside the writing transaction, with `instance` (the row saved or deleted) and
# `action` ("saved" or "deleted"). Receivers run in that transaction: what they write
# commits or rolls back with the change.
counting_changed = Signal()
