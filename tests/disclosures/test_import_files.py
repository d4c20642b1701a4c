"""The import upload checks a file's bytes: a .csv must be text, an .xlsx a real workbook."""

import pytest
from django.conf import settings
from django.urls import reverse

from disclosures.models import ImportJob
from tests import files
from tests.files import upload
from tests.permissions import OWN_ORG

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("处罚.xlsx", files.zip_of({"a.txt": b"x"}), "处罚.xlsx is a ZIP archive, not an Excel workbook (.xlsx)."),
        ("处罚.xlsx", files.HTML, "处罚.xlsx is a web page (HTML), not an Excel workbook (.xlsx)."),
        ("处罚.csv", files.xlsx(), "处罚.csv is an Excel workbook (.xlsx), not a CSV text file (UTF-8 or GB18030)."),
        ("处罚.csv", files.WINDOWS_PROGRAM, "处罚.csv is a program, not a CSV text file (UTF-8 or GB18030)."),
    ],
)
def test_the_upload_form_refuses_a_file_whose_bytes_are_not_its_kind(client, world, name, content, message):
    client.force_login(world.user(OWN_ORG))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("disclosures:import_upload"),
        {
            "kind": "penalty",
            "organization": world.department.pk,
            "mode": "all_or_nothing",
            "file": upload(name, content),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert not ImportJob.objects.exists()


def test_a_real_workbook_and_a_real_csv_are_taken(client, world):
    client.force_login(world.user(OWN_ORG))
    for name, content in (("处罚.xlsx", files.xlsx()), ("处罚.csv", b"CF_XDR_MC,CF_WSH\n")):
        response = client.post(
            reverse("disclosures:import_upload"),
            {
                "kind": "penalty",
                "organization": world.department.pk,
                "mode": "all_or_nothing",
                "file": upload(name, content),
            },
        )
        assert response.status_code == 302, response.context["form"].errors
    assert ImportJob.objects.count() == 2
