"""The treaty family's pages: `/treaties/` (every treaty with its figures) and `/compare/` with `compare.csv`
(several treaties side by side, a row per country and a column per treaty)."""

from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse
from django.views import View
from django.views.generic import TemplateView

from countries.models import Forum, Region
from treaties.models import Treaty
from treaties.presentation import family_order, treaty_not_yet
from treaties.selectors.compare import (
    COMPARE_FILTERS,
    CompareRow,
    Comparison,
    compare_rows,
    filter_compare_rows,
    sort_compare_rows,
)
from treaties.selectors.treaty_list import treaty_headlines
from treaties.views.mixins import AsOfMixin, CsvExportMixin, bad_request

# More columns than this no longer fit a screen, and each costs a query.
MAX_TREATIES = 12


class TreatyListView(AsOfMixin, TemplateView):
    """`/treaties/`: every treaty with its headline figures on the date, each protocol under its parent."""

    template_name = "treaties/treaty_list.html"

    def get_context_data(self, **kwargs) -> dict:
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            "headlines": treaty_headlines(on=self.on, count=self.count, not_yet=treaty_not_yet),
        }


class CompareForm(forms.Form):
    """What `/compare/` reads from the URL besides `date` and `count`.

    `treaties`: slugs joined by commas, in column order (every treaty, parents before their protocols, when blank).
    `region`: `scheme:region` (as the event filter takes it); `forum`: a forum's slug; both narrow the rows.
    `sort`: `country` or a compared treaty's slug, `-` to reverse.
    `where`: `slug:condition`, repeatable, each keeping only the rows whose status under that treaty meets it
    (`ccw-p2a:party&where=ottawa:not_party`: party to Amended Protocol II but not to Ottawa).
    """

    treaties = forms.CharField(required=False, max_length=600)
    region = forms.CharField(required=False, max_length=120)
    forum = forms.SlugField(required=False)
    sort = forms.CharField(required=False, max_length=60)

    def __init__(self, data, *args, **kwargs):
        # `treaties` comes joined by commas in a shared link, or repeated from the page's checkboxes.
        data = data.copy()
        data["treaties"] = ",".join(data.getlist("treaties"))
        super().__init__(data, *args, **kwargs)
        self.where = [value for value in data.getlist("where") if value.strip()]

    def clean_treaties(self) -> list[Treaty]:
        slugs = [s.strip() for s in self.cleaned_data["treaties"].split(",") if s.strip()]
        known = {t.slug: t for t in Treaty.objects.select_related("parent")}
        if not slugs:
            return family_order(known.values())
        unknown = [s for s in slugs if s not in known]
        if unknown:
            raise forms.ValidationError(
                f"No treaty {', '.join(unknown[:5])}. Choose among: {', '.join(sorted(known))}, joined by commas."
            )
        if len(set(slugs)) > MAX_TREATIES:
            raise forms.ValidationError(f"Compare at most {MAX_TREATIES} treaties at once.")
        return [known[s] for s in dict.fromkeys(slugs)]

    def clean_region(self) -> Region | None:
        value = self.cleaned_data["region"]
        if not value:
            return None
        scheme, _, region = value.partition(":")
        found = Region.objects.select_related("scheme").filter(scheme__slug=scheme, slug=region).first()
        if found is None:
            raise forms.ValidationError("Give a region as scheme:region, e.g. m49:asia or un-groups:african.")
        return found

    def clean_forum(self) -> Forum | None:
        value = self.cleaned_data["forum"]
        if not value:
            return None
        found = Forum.objects.filter(slug=value).first()
        if found is None:
            raise forms.ValidationError(f"No forum {value!r}.")
        return found

    def clean(self) -> dict:
        cleaned = super().clean()
        treaties = cleaned.get("treaties")
        if treaties is None:
            return cleaned
        index = {t.slug: i for i, t in enumerate(treaties)}
        sort = cleaned.get("sort") or "country"
        key = sort.removeprefix("-")
        if key != "country" and key not in index:
            self.add_error("sort", f"Sort by country or by a compared treaty ({', '.join(index)}), - to reverse.")
        cleaned["sort_column"] = index.get(key)
        cleaned["descending"] = sort.startswith("-")
        cleaned["sort"] = sort
        conditions = []
        for value in self.where:
            slug, _, condition = value.partition(":")
            if slug not in index or condition not in COMPARE_FILTERS:
                self.add_error(
                    None,
                    f"where={value[:60]}: give a compared treaty and one of {', '.join(COMPARE_FILTERS)}, "
                    "joined by a colon (ccw-p2a:party).",
                )
            else:
                conditions.append((index[slug], condition))
        cleaned["conditions"] = conditions
        return cleaned


@dataclass(frozen=True)
class CompareColumn:
    """A compared treaty with what the page needs of it: its counts and the condition chosen for it."""

    treaty: Treaty
    index: int
    condition: str
    sort_key: str


class CompareMixin(AsOfMixin):
    """Reads the comparison from the URL (a 400 with the reason for a bad value) and computes it."""

    comparison: Comparison

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = CompareForm(request.GET)
        if not form.is_valid():
            errors = {("where" if field == "__all__" else field): messages for field, messages in form.errors.items()}
            return bad_request(request, errors)
        self.params = form.cleaned_data
        return super().dispatch(request, *args, **kwargs)

    def compared_rows(self) -> list[CompareRow]:
        """The comparison (kept in `self.comparison`), narrowed by `where` and sorted as the URL says."""
        self.comparison = compare_rows(
            treaties=self.params["treaties"],
            on=self.on,
            count=self.count,
            region=self.params["region"],
            forum=self.params["forum"],
        )
        rows = filter_compare_rows(self.comparison.rows, self.params["conditions"])
        return sort_compare_rows(rows, column=self.params["sort_column"], descending=self.params["descending"])


class CompareView(CompareMixin, TemplateView):
    template_name = "treaties/compare.html"

    def get_context_data(self, **kwargs) -> dict:
        rows = self.compared_rows()
        conditions = dict(self.params["conditions"])
        treaties = self.comparison.treaties
        return {
            **super().get_context_data(**kwargs),
            **self.as_of_context(),
            "comparison": self.comparison,
            "rows": rows,
            "columns": [
                CompareColumn(treaty=t, index=i, condition=conditions.get(i, ""), sort_key=t.slug)
                for i, t in enumerate(treaties)
            ],
            "column_counts": list(zip(treaties, self.comparison.counts, strict=True)),
            "treaty_slugs": ",".join(t.slug for t in treaties),
            "all_treaties": family_order(Treaty.objects.select_related("parent")),
            "chosen_slugs": {t.slug for t in treaties},
            "region": self.params["region"],
            "forum": self.params["forum"],
            "regions": Region.objects.select_related("scheme").order_by("scheme__name", "name"),
            "forums": Forum.objects.order_by("name"),
            "filters": [(key, label) for key, (label, _) in COMPARE_FILTERS.items()],
            "sort": self.params["sort"],
        }


class CompareExportView(CsvExportMixin, CompareMixin, View):
    """`/compare.csv`: the rows the page shows, one per country, a status column per treaty (named by its slug)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = self.compared_rows()
        treaties = self.comparison.treaties
        group = self.params["region"] or self.params["forum"]
        return self.csv(
            ("iso3", "country", *(t.slug for t in treaties)),
            ((row.country.iso3, row.country.name, *(s.status for s in row.statuses)) for row in rows),
            "compare",
            *[t.slug for t in treaties][:4],
            group.slug if group else "",
            on=self.on,
        )
