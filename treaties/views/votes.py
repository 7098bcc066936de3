"""The General Assembly's yearly votes on a treaty: the page and its CSV, from one selector and one form."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from countries.models import Region, RegionScheme, name_language
from treaties.charts import GROUP_STYLES, Series, time_series_svg
from treaties.forms import VotesForm
from treaties.models import Treaty
from treaties.selectors.votes import VOTE_VALUES, RegionVotes, TreatyVotes, treaty_votes
from treaties.views.mixins import DEFAULT_SCHEME, CsvExportMixin, bad_request, get_by_slug_or_404

# votes.csv: one row per group of the chosen year, as the page's table shows them.
VOTES_HEADER = ("year", "resolution", "date", "group", "among", *VOTE_VALUES, "members")
AMONG_ALL = "all members"
AMONG_OUTSIDE = "not parties on the date"


class VotesMixin:
    """Reads the treaty, `scheme` and `year` (a 400 with the form for a wrong one) and the selector's votes."""

    request: HttpRequest
    kwargs: dict

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.treaty = get_by_slug_or_404(Treaty, kwargs["slug"])
        schemes = {s.slug: s for s in RegionScheme.objects.all()}
        self.form = VotesForm(request.GET, schemes=[(slug, s.local_name) for slug, s in schemes.items()])
        if not self.form.is_valid():
            return bad_request(request, self.form.errors, form=self.form)
        self.scheme = schemes.get(self.form.cleaned_data["scheme"] or DEFAULT_SCHEME) or next(
            iter(schemes.values()), None
        )
        if self.scheme is None:
            raise Http404("No region scheme is loaded: run load_reference_data.")
        self.year = self.form.cleaned_data["year"]
        self.votes: TreatyVotes = treaty_votes(treaty=self.treaty, scheme=self.scheme, year=self.year)
        return super().dispatch(request, *args, **kwargs)


def region_labels(votes: TreatyVotes, scheme: RegionScheme) -> list[tuple[str, RegionVotes]]:
    """The page's name for each region row, with the row: the selector labels rows in English, which the CSV
    keeps; a French or Spanish page reads the regions' names in its language (one query, none in English)."""
    if votes.chosen is None:
        return []
    names: dict[str, str] = {}
    if name_language():
        names = {r.slug: r.local_name for r in Region.objects.filter(scheme=scheme)}
        names[""] = _("In no region")
    return [(names.get(region.slug, region.label), region) for region in votes.regions]


def votes_rows(votes: TreatyVotes) -> list[tuple]:
    """The chosen year's table as rows: all members and those outside the treaty, overall then per region."""
    year = votes.chosen
    if year is None:
        return []
    head = (year.year, year.resolution, year.date)
    rows = [(*head, "All members", AMONG_ALL, *year.all.as_tuple(), year.all.members)]
    rows.append((*head, "All members", AMONG_OUTSIDE, *year.outside.as_tuple(), year.outside.members))
    for region in votes.regions:
        rows.append((*head, region.label, AMONG_ALL, *region.all.as_tuple(), region.all.members))
        rows.append((*head, region.label, AMONG_OUTSIDE, *region.outside.as_tuple(), region.outside.members))
    return rows


class TreatyVotesView(VotesMixin, TemplateView):
    """`/treaties/<slug>/votes/?scheme=&year=`: each year's vote, and the chosen year by region."""

    template_name = "treaties/votes.html"

    def get_context_data(self, **kwargs) -> dict:
        votes = self.votes
        years = votes.years
        lines = (
            (_("Yes, all members"), lambda y: y.all.yes),
            (_("Yes, States outside the treaty"), lambda y: y.outside.yes),
            (_("Abstained, all members"), lambda y: y.all.abstain),
        )
        series = [
            Series(label, colour, [(y.date, pick(y)) for y in years], dash)
            for (label, pick), (colour, dash) in zip(lines, GROUP_STYLES, strict=False)
        ]
        return {
            **super().get_context_data(**kwargs),
            "treaty": self.treaty,
            "scheme": self.scheme,
            "form": self.form,
            "year": self.year,
            "votes": votes,
            "chosen": votes.chosen,
            "vote_regions": region_labels(votes, self.scheme),
            "chart": time_series_svg(
                series=series,
                title=_("General Assembly votes on the %(treaty)s, by year") % {"treaty": self.treaty.local_short_name},
            )
            if years
            else "",
            "series": series,
            "query": f"scheme={self.scheme.slug}" + (f"&year={votes.chosen.year}" if votes.chosen else ""),
        }


class TreatyVotesExportView(CsvExportMixin, VotesMixin, View):
    """votes.csv: the page's table of the chosen year, with the same `scheme` and `year`."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        chosen = self.votes.chosen
        return self.csv(
            VOTES_HEADER,
            votes_rows(self.votes),
            self.treaty.slug,
            "votes",
            self.scheme.slug,
            on=str(chosen.year) if chosen else "none",
        )
