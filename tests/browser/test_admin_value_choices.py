"""The admin's event form offers the values of the kind chosen, in real Chromium (issue 10, point 14)."""

import datetime

import pytest
from django.contrib.auth.models import User

from treaties.models import Treaty

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(page, reference_data):
    User.objects.create_superuser("root", password="correct horse battery")
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    return page


OFFERED = "() => Array.from(document.querySelectorAll('#id_value option:enabled')).map((o) => o.value)"


def test_the_value_menu_follows_the_kind(staff_page, screenshot):
    page = staff_page
    page.goto("/admin/treaties/statusevent/add/")
    # The record holds a family of treaties and this user has saved none yet: no treaty is chosen for them.
    treaty = page.locator(".field-treaty .select2-selection__rendered")
    assert treaty.inner_text().strip() == ""
    assert page.locator("#id_treaty").input_value() == ""
    # They find it by name through the autocomplete.
    page.locator(".field-treaty .select2-selection").click()
    page.locator(".select2-search__field").fill("Ottawa")
    page.locator(".select2-results__option", has_text="Ottawa Convention").click()
    assert "Ottawa Convention" in treaty.inner_text()
    assert page.locator("#id_treaty").input_value() == str(Treaty.objects.get(slug="ottawa").pk)
    page.select_option("#id_kind", "stance")
    assert page.evaluate(OFFERED) == ["supporter", "undecided", "opposed"]
    assert page.locator("#id_value").input_value() == "supporter"
    page.select_option("#id_value", "opposed")
    screenshot("admin-value-follows-kind-stance")

    page.select_option("#id_kind", "export_moratorium")
    assert page.evaluate(OFFERED) == ["comprehensive", "limited", "de_facto"]
    assert page.locator("#id_value").input_value() == "comprehensive"  # "opposed" does not fit a moratorium

    page.select_option("#id_kind", "withdrawal_notice")
    assert page.evaluate(OFFERED) == ["", "consent"]
    page.select_option("#id_kind", "signature")
    assert page.evaluate(OFFERED) == [""]

    # The calendar writes dates as the public pages do.
    page.locator(".field-date .datetimeshortcuts a").first.click()  # "Today"
    assert page.locator("#id_date").input_value() == datetime.date.today().isoformat()  # noqa: DTZ011
    assert page.watch.errors == []
