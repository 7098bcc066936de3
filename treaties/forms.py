import datetime

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ottawa_tracker.csvio import unneutralise
from treaties.choices import (
    FREE_VALUE_KINDS,
    KIND_VALUES,
    KINDS_REQUIRING_VALUE,
    VALUE_MAX_LENGTH,
    CountBasis,
    DatePrecision,
    EventKind,
)
from treaties.imports import max_import_bytes
from treaties.models import StatusEvent

# Dates people ask about; outside this the question is almost surely a typo.
EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class AsOfForm(forms.Form):
    """The `date` and `count` every page and export takes from the URL."""

    date = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        label=gettext_lazy("Date"),
        help_text=gettext_lazy("YYYY-MM-DD; today when blank."),
    )
    count = forms.ChoiceField(
        required=False,
        choices=CountBasis.choices,
        label=gettext_lazy("Count parties"),
        help_text=gettext_lazy("From entry into force (default) or from deposit of the instrument."),
    )

    def clean_date(self) -> datetime.date:
        value = self.cleaned_data.get("date") or timezone.localdate()
        if not EARLIEST <= value <= LATEST:
            message = _("Choose a date between %(earliest)s and %(latest)s.")
            raise forms.ValidationError(message % {"earliest": EARLIEST, "latest": LATEST})
        return value

    def clean_count(self) -> str:
        return self.cleaned_data.get("count") or CountBasis.IN_FORCE


ISO_DATE = ["%Y-%m-%d"]


class _Shared:
    """A field that every form instance shares instead of copying: the import builds one form per row,
    and copying nine fields 100,000 times took longer than checking the rows. These fields hold no
    per-form state."""

    def __deepcopy__(self, memo):
        return self


class SharedCharField(_Shared, forms.CharField):
    pass


class SharedDateField(_Shared, forms.DateField):
    pass


def _date_field(*, required: bool) -> forms.DateField:
    return SharedDateField(
        required=required,
        input_formats=ISO_DATE,
        error_messages={"invalid": gettext_lazy("Not a date written YYYY-MM-DD.")},
    )


class StatusEventImportForm(forms.Form):
    """One row of an event CSV, checked field by field as NetBox's TenantImportForm checks a row.

    Countries and treaties are looked up in maps loaded once per file, not once per row;
    cells the export neutralised (`'=...`) are read back as they were.
    """

    iso3 = SharedCharField(error_messages={"required": gettext_lazy("Give the country's ISO 3166-1 alpha-3 code.")})
    treaty = SharedCharField(error_messages={"required": gettext_lazy("Give the treaty's slug, e.g. ottawa.")})
    kind = SharedCharField(error_messages={"required": gettext_lazy("Give the kind of event, e.g. signature.")})
    value = SharedCharField(required=False, max_length=VALUE_MAX_LENGTH)
    date = _date_field(required=True)
    effective_date = _date_field(required=False)
    end_date = _date_field(required=False)
    # Source and note are kept exactly as written, so an export imports back unchanged.
    source = SharedCharField(
        strip=False, error_messages={"required": gettext_lazy("Every event needs a source: a URL or citation.")}
    )
    note = SharedCharField(required=False, strip=False)
    # Optional and last: blank (or a file without the column) is `day`.
    date_precision = SharedCharField(required=False)

    def __init__(self, data: dict[str, str], *, countries: dict, treaties: dict):
        super().__init__({name: unneutralise(value) for name, value in data.items()})
        self.countries = countries
        self.treaties = treaties

    def clean_iso3(self):
        code = self.cleaned_data["iso3"].upper()
        if code not in self.countries:
            raise forms.ValidationError(_("No country has the ISO alpha-3 code %(code)s.") % {"code": repr(code)})
        return self.countries[code]

    def clean_treaty(self):
        slug = self.cleaned_data["treaty"].lower()
        if slug not in self.treaties:
            known = ", ".join(sorted(self.treaties)[:10])
            message = _("No treaty has the slug %(slug)s (known: %(known)s).")
            raise forms.ValidationError(message % {"slug": repr(slug), "known": known})
        return self.treaties[slug]

    def clean_kind(self):
        kind = self.cleaned_data["kind"].lower()
        if kind not in EventKind.values:
            message = _("Unknown kind %(kind)s; one of: %(kinds)s.")
            raise forms.ValidationError(message % {"kind": repr(kind), "kinds": ", ".join(EventKind.values)})
        return kind

    def clean_date_precision(self):
        precision = (self.cleaned_data.get("date_precision") or DatePrecision.DAY).strip().lower()
        if precision not in DatePrecision.values:
            message = _("Unknown date precision %(precision)s; one of: %(precisions)s (blank: day).")
            raise forms.ValidationError(
                message % {"precision": repr(precision), "precisions": ", ".join(DatePrecision.values)}
            )
        return precision

    def event(self) -> StatusEvent:
        data = self.cleaned_data
        return StatusEvent(
            country=data["iso3"],
            treaty=data["treaty"],
            kind=data["kind"],
            value=data["value"],
            date=data["date"],
            effective_date=data["effective_date"],
            end_date=data["end_date"],
            source=data["source"],
            note=data["note"],
            date_precision=data["date_precision"],
        )


def kind_value_choices() -> list[tuple[str, str, tuple[str, ...]]]:
    """(value, label, kinds it fits) for the admin's value menu: "Stance: supporter" and the like, and
    "no value" for the kinds that take none or may leave it blank."""
    blank_kinds = tuple(kind for kind in EventKind.values if kind not in KINDS_REQUIRING_VALUE)
    choices = [("", gettext_lazy("— no value —"), blank_kinds)]
    for kind, values in KIND_VALUES.items():
        # Lazy: the admin's form is built once, its menu read in each user's language; the value stays the code.
        choices += [(value, format_lazy("{}: {}", EventKind(kind).label, value), (kind,)) for value in values if value]
    return choices


# The label of the text box for the kinds whose value is free text.
FREE_VALUE_LABEL = gettext_lazy("Territories (a territorial application only)")


class KindValueSelect(forms.Select):
    """Every value an event can take, each option naming the kinds it fits in `data-kinds`, and a text
    box for the kinds whose value is free text (a territorial application's territories).

    Without script the labels say which kind each value belongs to, and the text box says it serves a
    territorial application only; with it, static/js/admin_event_value.js offers only the values of the
    kind chosen, and the text box instead of the menu for a free-text kind. The value read back is the
    text box's for a free-text kind, the menu's otherwise.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.kinds: dict[str, tuple[str, ...]] = {}
        for value, _label, kinds in kind_value_choices():
            self.kinds[value] = self.kinds.get(value, ()) + kinds

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["data-kinds"] = " ".join(self.kinds.get(value, ()))
        return option

    def render(self, name, value, attrs=None, renderer=None):
        listed = value is None or value in self.kinds
        menu = super().render(name, value if listed else "", attrs, renderer)
        text_id = f"{(attrs or {}).get('id') or self.attrs.get('id') or f'id_{name}'}_text"
        return format_html(
            '{}<p class="kind-free-value" data-kinds="{}"><label for="{}">{}</label> '
            '<input type="text" name="{}_text" id="{}" value="{}" maxlength="{}" size="60"></p>',
            menu,
            " ".join(sorted(FREE_VALUE_KINDS)),
            text_id,
            FREE_VALUE_LABEL,
            name,
            text_id,
            "" if listed else value,
            VALUE_MAX_LENGTH,
        )

    def value_from_datadict(self, data, files, name):
        kind_field = f"{name.removesuffix('value')}kind"
        if data.get(kind_field) in FREE_VALUE_KINDS:
            return (data.get(f"{name}_text") or "").strip()
        return super().value_from_datadict(data, files, name)


class StatusEventValueField(forms.ChoiceField):
    """The admin's `value`: chosen from the values each kind takes, or written for a free-text kind;
    whether it fits the kind chosen is checked with the rest of the event (treaties/validation.py), so
    the message is the one every writer sees."""

    widget = KindValueSelect

    def __init__(self, **kwargs):
        labels = {value: label for value, label, _kinds in kind_value_choices()}
        super().__init__(choices=list(labels.items()), required=False, **kwargs)

    def valid_value(self, value) -> bool:
        """Any value: the territories of a territorial application are free text, and every other
        kind's values are checked against the kind by `status_event_problems`."""
        return True


class EventImportUploadForm(forms.Form):
    """The admin's upload: one CSV file with the event export's columns."""

    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "UTF-8, the columns of the event export: iso3,treaty,kind,value,date,effective_date,end_date,source,note."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_import_bytes()
        if upload.size > limit:
            message = _("The file is %(size)s MiB; the limit is %(limit)s MiB. Split it into smaller files.")
            raise forms.ValidationError(
                message % {"size": f"{upload.size / 1048576:.1f}", "limit": f"{limit / 1048576:.1f}"}
            )
        return upload


class VotesForm(forms.Form):
    """The votes page's and votes.csv's `scheme` (the regions to split by; UN M49 when blank) and `year`
    (the latest vote when blank): one form for both, so the file is the page."""

    scheme = forms.ChoiceField(required=False, label=gettext_lazy("Regions"))
    year = forms.IntegerField(
        required=False, min_value=EARLIEST.year, max_value=LATEST.year, label=gettext_lazy("Year")
    )

    def __init__(self, data, *, schemes: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["scheme"].choices = schemes
        self.fields["scheme"].error_messages["invalid_choice"] = _("Choose one of the region schemes: %(slugs)s.") % {
            "slugs": ", ".join(slug for slug, _label in schemes)
        }
