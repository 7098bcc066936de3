import datetime

from django import forms
from django.utils import timezone

from treaties.choices import CountBasis

# Dates people ask about; outside this the question is almost surely a typo.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class AsOfForm(forms.Form):
    """The `date` and `count` every page and export takes from the URL."""

    date = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="YYYY-MM-DD; today when blank.",
    )
    count = forms.ChoiceField(
        required=False,
        choices=CountBasis.choices,
        label="Count parties",
        help_text="From entry into force (default) or from deposit of the instrument.",
    )

    def clean_date(self) -> datetime.date:
        value = self.cleaned_data.get("date") or timezone.localdate()
        if not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(f"Choose a date between {EARLIEST} and {LATEST}.")
        return value

    def clean_count(self) -> str:
        return self.cleaned_data.get("count") or CountBasis.IN_FORCE
