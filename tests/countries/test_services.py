"""Writes on the countries side go through services, which mark every treaty's summaries in the same transaction."""

import datetime

import pytest
from django.db import transaction

from countries import services
from countries.models import Country, Forum, ForumMembership, Region, RegionAssignment, RegionScheme
from countries.signals import counting_changed
from treaties.models import SummaryMark, Treaty

pytestmark = pytest.mark.django_db


@pytest.fixture
def unmarked(reference_data):
    SummaryMark.objects.update(pending=False)
    return Treaty.objects.get(slug="ottawa")


def pending() -> bool:
    return SummaryMark.objects.filter(pending=True).exists()


def test_signal_is_sent_inside_the_transaction(unmarked):
    seen = []

    def receiver(sender, **kwargs):
        seen.append((sender, transaction.get_connection().in_atomic_block))

    counting_changed.connect(receiver)
    try:
        membership = ForumMembership(
            forum=Forum.objects.get(slug="cd"), country=Country.objects.get(iso3="NZL"), role="observer", source="test"
        )
        membership.start_precision = "unknown"
        services.forum_membership_save(membership=membership)
    finally:
        counting_changed.disconnect(receiver)
    assert seen == [(ForumMembership, True)]


def test_a_failed_change_leaves_no_mark(unmarked):
    assignment = RegionAssignment.objects.filter(scheme__slug="m49").first()
    pk = assignment.pk
    with pytest.raises(RuntimeError), transaction.atomic():
        services.region_assignment_delete(assignment=assignment)
        assert pending()
        raise RuntimeError("roll back")
    assert not pending()
    assert RegionAssignment.objects.filter(pk=pk).exists()


def test_admin_membership_add_goes_through_the_service(editor_client, editor, unmarked):
    cd, nzl = Forum.objects.get(slug="cd"), Country.objects.get(iso3="NZL")
    data = {
        "forum": cd.pk,
        "country": nzl.pk,
        "role": "observer",
        "start_date": "2001-02-03",
        "start_precision": "day",
        "end_date": "",
        "end_note": "",
        "source": "test roster",
        "start_source": "",
        "note": "",
    }
    response = editor_client.post("/admin/countries/forummembership/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    membership = ForumMembership.objects.get(forum=cd, country=nzl, role="observer")
    assert membership.history.get().history_user == editor
    assert SummaryMark.objects.get(pk=unmarked.pk).pending


def test_admin_country_lifespan_change_marks_but_a_rename_does_not(admin_client, unmarked):
    country = Country.objects.get(iso3="SSD")
    url = f"/admin/countries/country/{country.pk}/change/"
    page = admin_client.get(url)
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(
        {
            "former_names-TOTAL_FORMS": "0",
            "former_names-INITIAL_FORMS": "0",
            "valid_from": "2011-07-09",
            "official_name": "renamed",
        }
    )
    assert admin_client.post(url, data).status_code == 302
    assert not pending()
    data["valid_from"] = "2011-07-10"
    data["read_version"] = Country.objects.get(pk=country.pk).version  # the version the first save left
    assert admin_client.post(url, data).status_code == 302
    assert pending()
    country.refresh_from_db()
    assert country.valid_from == datetime.date(2011, 7, 10)


def test_admin_scheme_with_a_new_region_inline_marks(admin_client, unmarked):
    scheme = RegionScheme.objects.get(slug="un-groups")
    url = f"/admin/countries/regionscheme/{scheme.pk}/change/"
    regions = list(scheme.regions.order_by("pk"))
    data = {"slug": scheme.slug, "name": scheme.name, "description": scheme.description, "source": scheme.source}
    data.update({"regions-TOTAL_FORMS": str(len(regions) + 1), "regions-INITIAL_FORMS": str(len(regions))})
    for i, region in enumerate(regions):
        data.update(
            {
                f"regions-{i}-id": region.pk,
                f"regions-{i}-scheme": scheme.pk,
                f"regions-{i}-name": region.name,
                f"regions-{i}-slug": region.slug,
                f"regions-{i}-code": region.code,
            }
        )
    n = len(regions)
    data.update({f"regions-{n}-scheme": scheme.pk, f"regions-{n}-name": "Others", f"regions-{n}-slug": "others"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert Region.objects.filter(scheme=scheme, slug="others").exists()
    assert pending()


def test_admin_bulk_delete_goes_through_the_service(admin_client, unmarked):
    ids = list(ForumMembership.objects.filter(forum__slug="asean").values_list("pk", flat=True)[:2])
    response = admin_client.post(
        "/admin/countries/forummembership/",
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not ForumMembership.objects.filter(pk__in=ids).exists()
    assert pending()
