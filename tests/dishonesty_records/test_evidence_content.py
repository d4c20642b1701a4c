"""Evidence files are checked by their bytes, by the service and so through the web form and the API alike."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from dishonesty_records import services
from dishonesty_records.models import DishonestyRecord, Evidence
from tests import files
from tests.files import upload
from tests.permissions import OWN_ORG

from .factories import proposal_data

pytestmark = pytest.mark.django_db

RECORDS = "/api/v1/dishonesty-records/"


@pytest.fixture
def one_megabyte_limit(settings):
    settings.DISHONESTY_RECORDS = {**settings.DISHONESTY_RECORDS, "EVIDENCE_MAX_BYTES": 1 << 20}


def refused_uploads():
    return [
        (upload("判决书.pdf", files.HTML), "判决书.pdf is a web page (HTML), not a PDF document."),
        (upload("现场照片.png", files.ELF_PROGRAM), "现场照片.png is a program, not a PNG image."),
        (upload("现场照片2.png", files.WINDOWS_PROGRAM), "现场照片2.png is a program, not a PNG image."),
        (upload("空白.pdf", b""), "空白.pdf is empty."),
        (upload("扫描件.pdf", files.PDF + b" " * (1 << 20)), "扫描件.pdf is larger than 1 MB."),
    ]


def accepted_uploads():
    return [upload("判决书.pdf", files.PDF), upload("现场照片.png", files.png())]


def test_the_service_refuses_disguised_empty_and_oversized_files_naming_each(world, one_megabyte_limit):
    staff = world.user(OWN_ORG)
    refused = refused_uploads()
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        services.record_propose(
            data=proposal_data(world.department), actor=staff, files=[f for f, _m in refused] + accepted_uploads()
        )
    assert raised.value.message_dict["files"] == [message for _f, message in refused]
    assert not DishonestyRecord.objects.exists() and not Evidence.objects.exists()
    record = services.record_propose(data=proposal_data(world.department), actor=staff, files=accepted_uploads())
    assert sorted(record.evidence.values_list("original_name", flat=True)) == ["判决书.pdf", "现场照片.png"]


def test_the_web_form_shows_which_file_was_refused_and_why(client, world, one_megabyte_limit):
    client.force_login(world.user(OWN_ORG))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("dishonesty_records:staff_propose")
    post = {k: ("" if v is None else getattr(v, "pk", v)) for k, v in proposal_data(world.department).items()}
    for bad, message in refused_uploads():
        response = client.post(url, {**post, "files": [bad, *accepted_uploads()]})
        assert response.status_code == 200
        assert message in response.content.decode().replace("&#x27;", "'")
    assert not DishonestyRecord.objects.exists()
    response = client.post(url, {**post, "files": accepted_uploads()})
    assert response.status_code == 302
    assert DishonestyRecord.objects.get().evidence.count() == 2


def test_the_api_answers_400_naming_the_refused_file(api_client, world, one_megabyte_limit):
    api_client.force_login(world.user(OWN_ORG))
    payload = {
        k: (v.pk if hasattr(v, "pk") else v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in proposal_data(world.department).items()
        if v is not None
    }
    for bad, message in refused_uploads():
        response = api_client.post(RECORDS + "?language=en", {**payload, "files": [bad]}, format="multipart")
        assert response.status_code == 400
        assert response.json()["files"] == [message]
    assert not Evidence.objects.exists()
    response = api_client.post(RECORDS, {**payload, "files": accepted_uploads()}, format="multipart")
    assert response.status_code == 201, response.json()
    assert [f["original_name"] for f in response.json()["evidence"]] == ["判决书.pdf", "现场照片.png"]
