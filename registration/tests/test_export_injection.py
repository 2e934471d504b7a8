"""OWASP's CSV-injection strings typed into the public forms come out of
every export as text: no live formula in any CSV or XLSX cell (read back)."""

import csv
import io

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from portal.exports import FORMULA_STARTS
from registration import aftercare, roles, services
from registration.models import Registration, Satisfaction, Status
from registration.tests.test_backoffice_actions import staff
from registration.tests.test_journey import fill, submit

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example","点此")',
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def cells(response, export_format):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if export_format == "csv":
        return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_formula_strings_from_the_public_form_are_never_live_in_an_export(export_format):
    for payload in PAYLOADS:
        registrant = Client()
        fill(
            registrant, address=f"湖里区{payload}", owner_name=payload, owner_contact=payload, site_manager_name=payload
        )
        submit(registrant)
    assert Registration.objects.count() == len(PAYLOADS)
    for work in Registration.objects.all():  # the rating reason is public input too
        services.change_status(work, Status.UNDER_WAY, actor_label="街道")
        services.change_status(work, Status.COMPLETED, actor_label="街道")
        aftercare.rate_service(work, Satisfaction.DISSATISFIED, PAYLOADS[work.pk % len(PAYLOADS)])
    district = Client()
    district.force_login(staff("district_export", roles.DISTRICT_ADMIN))
    for url in (reverse("works:index"), reverse("service_ratings:index")):
        found = cells(district.get(f"{url}?export={export_format}"), export_format)
        assert found
        if export_format == "xlsx":
            assert [cell.coordinate for cell in found if cell.data_type == "f"] == []
            texts = [cell.value for cell in found if isinstance(cell.value, str)]
        else:
            texts = found
        assert any("HYPERLINK" in text for text in texts)
        if export_format == "csv":
            assert [text for text in texts if text.startswith(FORMULA_STARTS)] == []
