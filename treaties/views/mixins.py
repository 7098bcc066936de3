"""What the pages and the CSV views share: reading the URL's state, the 400 page, the CSV response,
and the per-country status table's order and filter."""

import datetime
from collections.abc import Iterable, Sequence

from django import forms
from django.conf import settings
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from countries.models import Region, RegionScheme
from ottawa_tracker.csvio import csv_response, export_filename
from ottawa_tracker.throttle import ExportLimitMixin
from treaties.choices import CountBasis
from treaties.filtersets import StatusEventFilterSet
from treaties.forms import AsOfForm
from treaties.models import Treaty
from treaties.presentation import (
    DEFAULT_SORT,
    SHOW_ALL,
    SHOW_CHOICES,
    SHOW_QUICK,
    R,
    date_notice,
    family_order,
    filter_status_rows,
    sort_status_rows,
    status_sort_choices,
    status_sorts,
)
from treaties.selectors import NO_REGION, status_event_list
from treaties.selectors.summaries import name_order

DEFAULT_SCHEME = "m49"


def get_by_slug_or_404(model, value: str):
    """The object with a slug taken from a URL parameter; anything that is not a slug is simply not found."""
    if not slug_re.fullmatch(value):
        raise Http404(f"No {model._meta.verbose_name} {value!r}")
    return get_object_or_404(model, slug=value)


# How much of a value that could not be read the 400 page repeats, and how many other parameters it keeps.
SHOWN_CHARS = 40
KEPT_PARAMS = 30
KEPT_CHARS = 200


def bad_request(
    request: HttpRequest, errors: dict, *, form: forms.Form | None = None, fields: Sequence[str] = (), submit: str = ""
) -> HttpResponse:
    """A 400 page that says which parameter was wrong and why; messages may repeat the input, so they are cut short.

    With a form, the page offers the form again so that a person can put it right: its `fields` (those in
    error when none are named) filled with what was sent and each reason under its field, the request's
    other parameters kept as hidden fields. Still a 400.
    """
    shown = {
        str(field)[:40]: [Truncator(message).chars(200) for message in list(messages)[:5]]
        for field, messages in list(errors.items())[:20]
    }
    context = {"errors": shown}
    if form is not None:
        submit = submit or pgettext("button", "Show")
        context |= correction_context(request, form, fields=fields or list(errors), submit=submit)
    return render(request, "400.html", context, status=400)


def correction_context(request: HttpRequest, form: forms.Form, *, fields: Sequence[str], submit: str) -> dict:
    """The fields of `form` to correct, as plain values for templates/400.html, and the parameters to keep."""
    names = [name for name in fields if name in form.fields]
    corrections = []
    for name in names:
        field = form.fields[name]
        sent = [str(v) for v in request.GET.getlist(name)]
        entry = {
            "name": name,
            "id": f"id_{name}",
            "label": field.label or name.replace("_", " ").capitalize(),
            "errors": [Truncator(m).chars(200) for m in list(form.errors.get(name, []))[:5]],
        }
        if hasattr(field, "choices"):
            options = [(str(value), str(label)) for value, label in field.choices]
            if getattr(field.widget, "allow_multiple_selected", False):  # a filter: blank means all
                options.insert(0, ("", "All"))
            entry["options"] = [(value, label, value in sent) for value, label in options]
        else:
            entry["value"] = Truncator(sent[0] if sent else "").chars(SHOWN_CHARS)
            entry["is_date"] = isinstance(field, forms.DateField)
        corrections.append(entry)
    return {"corrections": corrections, "kept": kept_params(request, exclude=names), "submit": submit}


def kept_params(request: HttpRequest, *, exclude: Sequence[str]) -> list[tuple[str, str]]:
    """The request's other parameters, for a form's hidden fields: not those in `exclude`, nor the page
    number, nor blank or overlong values, and at most KEPT_PARAMS of them."""
    kept = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in exclude and name != "page"
        for value in values
        if value.strip() and len(value) <= KEPT_CHARS
    ]
    return kept[:KEPT_PARAMS]


def chosen_scheme_or_404(request: HttpRequest) -> RegionScheme:
    """The region scheme the `scheme` URL parameter names (UN M49 regions when absent)."""
    return get_by_slug_or_404(RegionScheme, request.GET.get("scheme") or DEFAULT_SCHEME)


def scheme_region_or_404(scheme: str, region: str) -> tuple[RegionScheme, Region | None]:
    """The scheme and region of a `/regions/<scheme>/<region>/` URL; `no-region` gives None for the region."""
    scheme_obj = get_object_or_404(RegionScheme, slug=scheme)
    region_obj = None if region == NO_REGION else get_object_or_404(Region, scheme=scheme_obj, slug=region)
    return scheme_obj, region_obj


class AsOfMixin:
    """Reads `date` and `count` from the URL; a malformed value gets a 400 page, not a 500.

    A date before the treaty existed or after today is still answered (200, the URL's date kept):
    `date_context` says so, once for every page (templates/includes/date_notice.html).
    """

    on: datetime.date
    count: str

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.as_of_form = AsOfForm(request.GET)
        if not self.as_of_form.is_valid():
            return bad_request(request, self.as_of_form.errors, form=self.as_of_form, fields=("date", "count"))
        self.on = self.as_of_form.cleaned_data["date"]
        self.count = self.as_of_form.cleaned_data["count"]
        return super().dispatch(request, *args, **kwargs)

    @property
    def count_label(self) -> str:
        return CountBasis(self.count).label

    def as_of_context(self) -> dict:
        return {
            "on": self.on,
            "count": self.count,
            "count_label": self.count_label,
            "as_of_form": self.as_of_form,
            **self.date_context(),
        }

    def date_context(self, treaty: Treaty | None = None) -> dict:
        """`date_notice` (None for an ordinary date) and `treaty_not_yet`: the treaty did not exist on the date."""
        notice = date_notice(on=self.on, today=timezone.localdate(), treaty=treaty)
        return {"date_notice": notice, "treaty_not_yet": notice is not None and notice.not_yet}


class TreatyChoiceMixin(AsOfMixin):
    """Adds the `treaty` URL parameter (a slug; the default treaty when absent; 404 when unknown)."""

    treaty: Treaty

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.treaty = get_by_slug_or_404(Treaty, request.GET.get("treaty") or settings.DEFAULT_TREATY_SLUG)
        return super().dispatch(request, *args, **kwargs)

    def as_of_context(self) -> dict:
        return {
            **super().as_of_context(),
            **self.date_context(self.treaty),
            "treaty": self.treaty,
            "treaties": family_order(Treaty.objects.all()),
        }

    def state_query(self) -> str:
        """The view's state as a query string, for links that keep it."""
        return "?" + urlencode({"treaty": self.treaty.slug, "date": self.on.isoformat(), "count": self.count})


class EventFilterMixin:
    """Reads the event filters from the URL through the one FilterSet; a malformed value gets a 400 page."""

    filterset: StatusEventFilterSet

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.filterset = StatusEventFilterSet(request.GET, queryset=status_event_list())
        if not self.filterset.is_valid():
            return bad_request(request, self.filterset.errors, form=self.filterset.form, submit=_("Filter"))
        return super().dispatch(request, *args, **kwargs)

    def filter_context(self) -> dict:
        """The filters chosen, and the query string that keeps them in links (empty values left out)."""
        return {"chosen": self.filterset.chosen(), "query": self.filterset.query_string()}


class StatusTableForm(forms.Form):
    """A status table's order (`sort`: a column, `-` to reverse) and filter (`show`); blank: the default."""

    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False)
    show = forms.ChoiceField(label=pgettext_lazy("filter", "Show"), required=False, choices=list(SHOW_CHOICES.items()))

    def __init__(self, data, *, role: bool = False):
        super().__init__(data)
        sort, show = self.fields["sort"], self.fields["show"]
        sort.choices = status_sort_choices(role=role)
        sort.error_messages["invalid_choice"] = _("Sort by one of: %(keys)s (with - to reverse).") % {
            "keys": ", ".join(status_sorts(role=role))
        }
        show.error_messages["invalid_choice"] = _("Show one of: %(keys)s.") % {"keys": ", ".join(SHOW_CHOICES)}


class StatusTableMixin:
    """The per-country status table's `sort` and `show`, for a page and its CSV alike ("export what you see").

    `sort` is a column (`treaties.presentation.STATUS_SORTS`, `-` to reverse; by country when absent;
    `role` only where `table_role`, a forum's seats); `show` narrows the rows to `all` (the default),
    `on_board`, `not_on_board` or one legal status (`SHOW_CHOICES`). An unknown value is a 400 that
    offers the menus again. Read in `dispatch`, so that a view's own `get` (the CSV views) is covered;
    list it after AsOfMixin, which reads the date first. The headline counts stay those of every row:
    `show` narrows the table only.
    """

    request: HttpRequest
    table_role = False
    sort: str
    show: str

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.table_form = StatusTableForm(request.GET, role=self.table_role)
        if not self.table_form.is_valid():
            return bad_request(request, self.table_form.errors, form=self.table_form, submit=_("Apply"))
        self.sort = self.table_form.cleaned_data["sort"] or DEFAULT_SORT
        self.show = self.table_form.cleaned_data["show"] or SHOW_ALL
        return super().dispatch(request, *args, **kwargs)

    # A page in French or Spanish orders countries by the name it prints (accents aside); English pages and
    # every CSV (`CsvExportMixin`) by the English name, so a file is the same in every language.
    names_in_language = True

    def table_rows(self, rows: Sequence[R]) -> list[R]:
        """The rows `show` keeps, in the `sort` order."""
        name = None
        if self.names_in_language and translation.get_language() != settings.LANGUAGE_CODE:
            name = lambda r: name_order(r.country.local_name)  # noqa: E731
        return sort_status_rows(filter_status_rows(rows, self.show), self.sort, name=name)

    def table_context(self, rows: Sequence[R]) -> dict:
        """`rows` as the table shows them, and `rows_total`: how many there are before `show` narrows them."""
        return {"rows": self.table_rows(rows), "rows_total": len(rows)}

    def table_query(self) -> str:
        """The table's state as query parameters to append to a link (`&show=…&sort=…`), defaults left out."""
        state = {"show": self.show} if self.show != SHOW_ALL else {}
        if self.sort != DEFAULT_SORT:
            state["sort"] = self.sort
        return "&" + urlencode(state) if state else ""

    @property
    def show_part(self) -> str:
        """What a CSV's file name adds for the filter (`not_on_board` → not-on-board); nothing for all rows."""
        return "" if self.show == SHOW_ALL else self.show

    def get_context_data(self, **kwargs) -> dict:
        """What templates/includes/status_table.html and show_filter.html read, beside `table_context`'s rows."""
        return {
            **super().get_context_data(**kwargs),
            "sort": self.sort,
            "show": self.show,
            "show_label": SHOW_CHOICES[self.show],
            "show_choices": list(SHOW_CHOICES.items()),
            "show_quick": [(value, SHOW_CHOICES[value]) for value in SHOW_QUICK],
            "sort_choices": self.table_form.fields["sort"].choices,
            "show_role": self.table_role,
            "table_kept": kept_params(self.request, exclude=("sort", "show")),
            "table_query": self.table_query(),
        }


class CsvExportMixin(ExportLimitMixin):
    """For the CSV views (listed first, so the export limit wraps everything): `?bom=1` and the file name.
    Rows in the English order whatever the URL's language (`names_in_language`).

    `bom=1` starts the file with a byte-order mark, for spreadsheets that otherwise misread UTF-8;
    the file name says what and when (ottawa-status-2026-11-27.csv).
    """

    request: HttpRequest

    names_in_language = False

    @property
    def bom(self) -> bool:
        return self.request.GET.get("bom") == "1"

    def filename(self, *name: str, on: datetime.date | str) -> str:
        return export_filename(*name, on=on)

    def csv(
        self, header: Sequence[str], rows: Iterable[Sequence[object]], *name: str, on: datetime.date
    ) -> HttpResponse:
        """The rows as a streamed CSV file named `<name parts>-<on>.csv`."""
        return csv_response(header, rows, filename=self.filename(*name, on=on), bom=self.bom)
