"""A treaty's obligations on a date: the page and obligations.csv, from one selector and one form."""

import datetime

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import TemplateView

from countries.models import RegionScheme
from treaties.choices import ObligationState
from treaties.forms import EARLIEST, LATEST
from treaties.models import Treaty
from treaties.selectors.obligations import (
    NO_REGION_LABEL,
    UPCOMING_MONTHS,
    ObligationRow,
    obligation_table,
    treaty_obligations,
)
from treaties.views.mixins import DEFAULT_SCHEME, CsvExportMixin, bad_request, get_by_slug_or_404

# obligations.csv: one row per State Party and obligation on the date, as the page's table.
OBLIGATIONS_HEADER = (
    "iso3",
    "country",
    "obligation",
    "article",
    "due_date",
    "original_due_date",
    "extensions",
    "state",
    "met_date",
    "days_late",
    "source",
)


class ObligationsForm(forms.Form):
    """The page's and obligations.csv's `date` (today when blank), `scheme` (UN M49 when blank),
    `obligation` (a slug; all when blank) and `state` (all when blank): one form for both."""

    date = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        label=gettext_lazy("Date"),
    )
    scheme = forms.ChoiceField(required=False, label=gettext_lazy("Regions"))
    obligation = forms.ChoiceField(required=False, label=gettext_lazy("Obligation"))
    state = forms.ChoiceField(
        required=False,
        label=pgettext_lazy("where a State stands on an obligation", "State"),
        choices=[("", gettext_lazy("All")), *ObligationState.choices],
    )

    def __init__(self, data, *, schemes: list[tuple[str, str]], obligations: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["scheme"].choices = schemes
        self.fields["scheme"].error_messages["invalid_choice"] = _("Choose one of the region schemes: %(slugs)s.") % {
            "slugs": ", ".join(slug for slug, _label in schemes)
        }
        self.fields["obligation"].choices = [("", _("All")), *obligations]
        slugs = ", ".join(slug for slug, _label in obligations) or _("none")
        self.fields["obligation"].error_messages["invalid_choice"] = _(
            "Choose one of the treaty's obligations: %(slugs)s."
        ) % {"slugs": slugs}
        self.fields["state"].error_messages["invalid_choice"] = _("Choose one of: %(values)s.") % {
            "values": ", ".join(ObligationState.values)
        }

    def clean_date(self) -> datetime.date:
        value = self.cleaned_data.get("date") or timezone.localdate()
        if not EARLIEST <= value <= LATEST:
            message = _("Choose a date between %(earliest)s and %(latest)s.")
            raise forms.ValidationError(message % {"earliest": EARLIEST, "latest": LATEST})
        return value


class ObligationsMixin:
    """Reads the treaty and the form (a 400 with the form for a wrong value), then the selector's table."""

    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.treaty = get_by_slug_or_404(Treaty, kwargs["slug"])
        schemes = {s.slug: s for s in RegionScheme.objects.order_by("name")}
        obligations = treaty_obligations(self.treaty)
        self.form = ObligationsForm(
            request.GET,
            schemes=[(slug, s.name) for slug, s in schemes.items()],
            obligations=[(o.slug, f"{o.article} {o.name}") for o in obligations],
        )
        if not self.form.is_valid():
            return bad_request(request, self.form.errors, form=self.form)
        data = self.form.cleaned_data
        self.on = data["date"]
        self.scheme = schemes.get(data["scheme"] or DEFAULT_SCHEME) or next(iter(schemes.values()))
        self.table = obligation_table(
            treaty=self.treaty,
            on=self.on,
            scheme=self.scheme,
            obligation=data["obligation"],
            state=data["state"],
            obligations=obligations,
        )
        return super().dispatch(request, *args, **kwargs)

    def query(self) -> str:
        data = self.form.cleaned_data
        parts = [f"date={self.on.isoformat()}", f"scheme={self.scheme.slug}"]
        parts += [f"{name}={data[name]}" for name in ("obligation", "state") if data[name]]
        return "&".join(parts)


def csv_row(row: ObligationRow) -> tuple:
    """One row of obligations.csv, and of the page's table: the same cells."""
    standing = row.standing
    return (
        row.country.iso3,
        row.country.name,
        row.obligation.slug,
        row.obligation.article,
        standing.due_date.isoformat(),
        standing.original_due_date.isoformat(),
        row.extensions_text,
        standing.state,
        standing.met_date.isoformat() if standing.met_date else "",
        "" if standing.days_late is None else standing.days_late,
        standing.source,
    )


def state_cell(row: ObligationRow) -> str:
    """The table's state cell: the CSV's code on the English page, whose table is the CSV's cells (a reader
    can check one against the other), and the state's label in another language, where a code would be an
    English word in a translated table."""
    if translation.get_language() == settings.LANGUAGE_CODE:
        return row.standing.state
    return str(row.standing.state_label)


class TreatyObligationsView(ObligationsMixin, TemplateView):
    """`/treaties/<slug>/obligations/?date=&scheme=&obligation=&state=`: each obligation's counts by state,
    the overdue with how late, the deadlines of the next 24 months, the counts per region, and every row."""

    template_name = "treaties/obligations.html"

    def get_context_data(self, **kwargs) -> dict:
        return {
            **super().get_context_data(**kwargs),
            "treaty": self.treaty,
            "on": self.on,
            "scheme": self.scheme,
            "form": self.form,
            "table": self.table,
            "rows": [(row, csv_row(row), state_cell(row)) for row in self.table.rows],
            "no_region": NO_REGION_LABEL,
            "states": ObligationState.choices,
            "upcoming_months": UPCOMING_MONTHS,
            "query": self.query(),
        }


class TreatyObligationsExportView(CsvExportMixin, ObligationsMixin, View):
    """obligations.csv: the page's rows, with the same filters."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        rows = (csv_row(row) for row in self.table.rows)
        return self.csv(OBLIGATIONS_HEADER, rows, self.treaty.slug, "obligations", on=self.on)
