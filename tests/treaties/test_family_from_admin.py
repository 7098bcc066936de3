"""A campaigner adds another treaty of the chapter with no code change: the admin's treaty form, then the reader.

The Cluster Munitions page, copied to a temporary folder, stands for a treaty the tracker does not ship;
it is entered under another slug and name, as staff would from the treaty's text and the page's header.
"""

import datetime
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from tests.admin_forms import page_data
from treaties.choices import CountBasis
from treaties.depositary import read_status_page
from treaties.models import StatusEvent, Treaty
from treaties.selectors import treaty_status_rows

pytestmark = pytest.mark.django_db

PAGE = Path(settings.BASE_DIR) / "data" / "sources" / "untc" / "ccm.html"


def test_a_new_treaty_from_the_admin_form_and_the_reader_has_its_headers_counts(
    editor_client: Client, editor, reference_data, tmp_path
):
    copy = tmp_path / "cluster-status-2026.html"
    shutil.copy(PAGE, copy)
    header = read_status_page(copy.read_text(encoding="utf-8")).header

    # 1. The admin's treaty form, filled in from the treaty's text and the page's header; no threshold typed.
    form = page_data(editor_client.get("/admin/treaties/treaty/add/"))
    form.update(
        short_name="Cluster treaty (copy)",
        slug="cluster-copy",
        title="Convention on Cluster Munitions, entered again",
        depositary="Secretary-General of the United Nations",
        reference="UNTC MTDSG XXVI-6",
        adopted="2008-05-30",
        opened_for_signature="2008-12-03",
        signature_closes="2010-08-01",
        entry_into_force=header.entry_into_force.isoformat(),
        eif_instruments="30",
        eif_threshold_date="",
        late_eif_unit="month_start",
        late_eif_count="6",
        withdrawal_unit="months",
        withdrawal_count="6",
        provisional_application="on",
        source="Arts. 15-17: in force on the first day of the sixth month after the 30th instrument.",
    )
    response = editor_client.post("/admin/treaties/treaty/add/", form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    treaty = Treaty.objects.get(slug="cluster-copy")
    assert treaty.eif_threshold_date is None

    # 2. The reader: a dry run says what it would do and changes nothing; then it is applied.
    out = StringIO()
    call_command("read_depositary_page", str(copy), treaty="cluster-copy", dry_run=True, stdout=out, stderr=StringIO())
    assert "0 errors" in out.getvalue() and "would be recorded" in out.getvalue()
    assert not StatusEvent.objects.filter(treaty=treaty).exists()
    out = StringIO()
    call_command("read_depositary_page", str(copy), treaty="cluster-copy", user=editor.username, stdout=out)
    assert "Applied" in out.getvalue()

    # 3. The counts on the page's date, counted from deposit, equal the header's; the threshold came from the table.
    treaty.refresh_from_db()
    assert treaty.eif_threshold_date == datetime.date(2010, 2, 16)  # Burkina Faso and Moldova, the 29th and 30th
    rows = treaty_status_rows(treaty=treaty, on=header.status_as_at, count=CountBasis.DEPOSIT)
    signed = [r for r in rows if r.status.signature_date and r.status.status != "withdrawn"]
    parties = [r for r in rows if r.status.is_party]
    assert (len(signed), len(parties)) == (header.signatories, header.parties) == (107, 112)
    # Every State's entry into force is the rule applied to its deposit, and the treaty's own the depositary's.
    in_force = [r for r in rows if r.status.consent_date and r.status.consent_date > treaty.eif_threshold_date]
    assert all(r.status.in_force_date is not None for r in in_force)

    # 4. Its pages answer, under its own name.
    page = editor_client.get("/", {"treaty": "cluster-copy", "date": "2026-02-03", "count": "deposit"})
    assert page.status_code == 200 and "Cluster treaty (copy)" in page.content.decode()
    assert page.context["counts"].parties == 112
