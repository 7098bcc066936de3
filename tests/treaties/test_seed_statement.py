"""The seed of the project, as a campaigner would enter it: the statement of 27 June 1997 counting who was
"on board" before anyone had ratified, imported as a CSV through `manage.py import_events` and through the
admin, then read back from the region pages and the country page.

Eight declared supporters (Philippines, New Zealand, Malaysia, Cambodia, Nepal, Papua New Guinea, Solomon
Islands, Vanuatu) and four export positions (India and Pakistan comprehensive, Russia limited, China "no
exports since 1994", de facto, known only to the year). Stances lapse after three years under the Ottawa
Convention, so Nepal, which never joined, is no longer on board by its 1997 stance on 2001-01-01.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from countries.models import Region, RegionScheme
from treaties.exports import EVENT_HEADER
from treaties.models import StatusEvent, Treaty
from treaties.selectors import region_country_rows

pytestmark = pytest.mark.django_db
STATEMENT = "Statement of 27 June 1997 on the States committed to a ban (the project's seed)"
SUPPORTERS = ("PHL", "NZL", "MYS", "KHM", "NPL", "PNG", "SLB", "VUT")
EXPORTS = (
    ("IND", "comprehensive", "1997-06-27", "day"),
    ("PAK", "comprehensive", "1997-06-27", "day"),
    ("RUS", "limited", "1997-06-27", "day"),
    ("CHN", "de_facto", "1994-01-01", "year"),
)
IMPORT_URL = "/admin/treaties/statusevent/import/"


def seed_csv() -> bytes:
    """The statement as the event CSV a campaigner writes: the export's columns, date precision last."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EVENT_HEADER, lineterminator="\n")
    writer.writeheader()
    blank = dict.fromkeys(EVENT_HEADER, "")
    for iso3 in SUPPORTERS:
        writer.writerow(
            blank
            | {
                "iso3": iso3,
                "treaty": "ottawa",
                "kind": "stance",
                "value": "supporter",
                "date": "1997-06-27",
                "source": STATEMENT,
                "date_precision": "day",
            }
        )
    for iso3, value, date, precision in EXPORTS:
        writer.writerow(
            blank
            | {
                "iso3": iso3,
                "treaty": "ottawa",
                "kind": "export_moratorium",
                "value": value,
                "date": date,
                "source": STATEMENT,
                "date_precision": precision,
            }
        )
    return out.getvalue().encode()


def on_board(region_name: str, on: str) -> set[str]:
    """The participants of an M49 region on board the Ottawa Convention on `on`, by the region page's selector."""
    treaty = Treaty.objects.get(slug="ottawa")
    scheme = RegionScheme.objects.get(slug="m49")
    region = Region.objects.get(scheme=scheme, name=region_name)
    rows = region_country_rows(treaty=treaty, scheme=scheme, region=region, on=_d(on), count="in_force")
    return {row.country.iso3 for row in rows if row.status.on_board}


def _d(text: str):
    import datetime

    return datetime.date.fromisoformat(text)


def import_with_command(tmp_path, client, editor) -> None:
    path = tmp_path / "statement.csv"
    path.write_bytes(seed_csv())
    out = io.StringIO()
    call_command("import_events", str(path), "--user", editor.username, stdout=out, stderr=io.StringIO())
    assert "12" in out.getvalue()


def import_with_admin(tmp_path, client, editor) -> None:
    preview = client.post(IMPORT_URL, {"file": SimpleUploadedFile("statement.csv", seed_csv(), "text/csv")})
    assert preview.status_code == 200
    result = preview.context["result"]
    assert (len(result.created), result.errors) == (12, [])
    response = client.post(IMPORT_URL, {"digest": preview.context["digest"], "filename": "statement.csv"})
    assert response.status_code == 302


@pytest.mark.parametrize("importer", [import_with_command, import_with_admin], ids=["import_events", "admin"])
def test_the_seed_statement(editor_client, editor, reference_data, tmp_path, importer):
    # What the shipped record already says on that day: nobody had signed yet; any shipped stance counts too.
    asia_before, oceania_before = on_board("Asia", "1997-07-01"), on_board("Oceania", "1997-07-01")
    assert not {"PHL", "MYS", "KHM", "NPL"} & asia_before
    assert not {"NZL", "PNG", "SLB", "VUT"} & oceania_before

    importer(tmp_path, editor_client, editor)
    assert StatusEvent.objects.filter(source=STATEMENT).count() == 12

    # On 1997-07-01: four in Asia and four in Oceania on board by their declared support; an export
    # moratorium is national policy and puts nobody on board.
    asia, oceania = on_board("Asia", "1997-07-01"), on_board("Oceania", "1997-07-01")
    assert asia - asia_before == {"PHL", "MYS", "KHM", "NPL"}
    assert oceania - oceania_before == {"NZL", "PNG", "SLB", "VUT"}
    assert len(asia) == 4 and len(oceania) == 4
    assert not {"IND", "PAK", "CHN"} & asia

    # The region page says the same, with the moratoria of the States outside the treaty. (It shows its table
    # from the treaty's adoption on 1997-09-18: read it the day before it opened for signature.)
    page = editor_client.get("/regions/m49/asia/", {"treaty": "ottawa", "date": "1997-12-02"})
    assert page.status_code == 200
    assert page.context["counts"]["on_board"] == 4
    outside = sum(1 for row in page.context["rows"] if not row.status.is_party)
    note = page.content.decode().split('<p class="positions-note">', 1)[1].split("</p>", 1)[0]
    assert f"3 of the {outside} States outside the treaty have an export moratorium" in " ".join(note.split())

    # China's page: a policy on exports, known to the year.
    china = editor_client.get("/countries/CHN/", {"date": "1997-07-01"}).content.decode()
    assert "no exports since 1994 (de facto)" in china
    assert "Policy on exports" in china

    # Stances lapse after three years: Nepal, which never joined, is off board by 2001-01-01.
    assert "NPL" in on_board("Asia", "2000-06-26")
    assert "NPL" not in on_board("Asia", "2001-01-01")
    nepal = editor_client.get("/regions/m49/asia/", {"treaty": "ottawa", "date": "2001-01-01"})
    row = next(r for r in nepal.context["rows"] if r.country.iso3 == "NPL")
    assert not row.status.on_board and row.status.stance == ""
