"""The public complaint pages: filing (/complaints/new/) and tracking with code + secret (/complaints/track/)."""

import datetime
import logging
import secrets

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints import services
from complaints.choices import Category, EventKind, Status
from complaints.models import Complainant, Complaint, ComplaintEvent
from core.captcha import solved_for_tests
from tests.complaints.factories import cast_for, file_complaint
from tests.dishonesty_records.factories import Clock
from tests.factories import make_organization

pytestmark = pytest.mark.django_db
D = datetime.date
FILE = reverse("complaints:file")
RECEIPT = reverse("complaints:receipt")
TRACK = reverse("complaints:track")
VIEW = reverse("complaints:track_view")


def act_url(act):
    return reverse("complaints:track_act", args=[act])


@pytest.fixture
def ip():
    """A fresh visitor address per test: the rate-limit counters are per address."""
    return f"fd00:77::{secrets.token_hex(2)}:{secrets.token_hex(2)}:{secrets.token_hex(2)}"


def form_data(about, **changes):
    return {
        "anonymous": "0",
        "category": Category.BROKEN_PLEDGE,
        "organization": str(about.pk),
        "title": "承诺的“一次告知”没有兑现",
        "facts": "今年九月去窗口办理企业登记，工作人员先后三次要求补交不同材料，没有一次性告知。",
        "happened_on": "2026-09-10",
        "place": "市民中心三楼",
        "name": "张三",
        "phone": "13800000000",
        "email": "zhang@example.com",
        **solved_for_tests("captcha"),
        **changes,
    }


def track(client, complaint_or_code, secret, ip):
    code = getattr(complaint_or_code, "tracking_code", complaint_or_code)
    return client.post(TRACK, {"code": code, "secret": secret}, REMOTE_ADDR=ip)


# --- filing -------------------------------------------------------------------------------------------


def test_the_form_lists_the_active_organizations_as_a_tree_in_chinese_by_default(client, world, ip):
    world.other_department.is_active = False
    world.other_department.save()
    response = client.get(FILE, REMOTE_ADDR=ip)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert world.department.name in html and world.other_department.name not in html
    assert f">\u3000\u3000{world.department.name}</option>" in html  # indented two levels under the city
    assert 'enctype="multipart/form-data"' in html and "js/complaints-file.js" in html
    assert 'name="captcha_0"' in html
    assert html.count('name="category"') == len(Category.values)


def test_the_organization_select_costs_the_same_queries_for_5_or_50_organizations(client, world, ip):
    counts = {}
    for extra in (0, 45):
        for _ in range(extra):
            make_organization(parent=world.district)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(FILE, REMOTE_ADDR=ip).content.decode()
        counts[html.count("<option ")] = len(queries)
    assert sorted(counts)[1] - sorted(counts)[0] == 45 and len(set(counts.values())) == 1, counts


def test_filing_shows_the_code_and_secret_once_and_mails_them(
    client, world, ip, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FILE, form_data(world.department), REMOTE_ADDR=ip)
    assert response.status_code == 302 and response["Location"] == RECEIPT
    complaint = Complaint.objects.get()
    assert complaint.organization == world.department and complaint.channel == "web"
    assert complaint.happened_on == D(2026, 9, 10)
    assert Complainant.objects.get(complaint=complaint).email == "zhang@example.com"

    receipt = client.get(RECEIPT).content.decode()
    code = complaint.tracking_code
    secret = receipt.split("data-receipt-secret>")[1].split("<")[0]
    assert code in receipt and services.complaint_find(code=code, secret=secret) == complaint
    assert complaint.accept_due.isoformat() in receipt
    again = client.get(RECEIPT).content.decode()
    assert secret not in again and code not in again

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["zhang@example.com"]
    assert code in mail.body and secret in mail.body and "http://testserver" + TRACK in mail.body


def test_anonymous_filing_keeps_no_identity_even_if_typed(client, world, ip, mailoutbox):
    response = client.post(FILE, form_data(world.department, anonymous="1", consent_to_share="on"), REMOTE_ADDR=ip)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.anonymous and not complaint.consent_to_share
    assert not Complainant.objects.exists() and not mailoutbox


def test_field_errors_come_back_under_their_fields_in_chinese(client, world, ip):
    response = client.post(FILE, form_data(world.department, title="", phone="", email=""), REMOTE_ADDR=ip)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["title"] == ["此项为必填项。"]
    assert "phone" in form.errors
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("how", ["query", "cookie"])
def test_field_errors_in_english(client, world, ip, how):
    url = FILE
    if how == "query":
        url += "?language=en"
    else:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(url, form_data(world.department, title=""), REMOTE_ADDR=ip)
    assert response.context["form"].errors["title"] == ["This field is required."]
    assert '<html lang="en">' in response.content.decode()
    assert "choose your attachments again" in response.content.decode()


def test_a_wrong_captcha_saves_nothing(client, world, ip):
    data = form_data(world.department)
    data["captcha_1"] = "WRONG"
    response = client.post(FILE + "?language=en", data, REMOTE_ADDR=ip)
    assert response.status_code == 400
    assert "captcha" in response.context["form"].errors
    assert not Complaint.objects.exists()


def test_a_flood_from_one_address_gets_429(client, world, ip, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "complaint_file": "2/10m"}
    for _ in range(2):
        assert client.post(FILE, form_data(world.department), REMOTE_ADDR=ip).status_code == 302
    response = client.post(FILE + "?language=en", form_data(world.department), REMOTE_ADDR=ip)
    assert response.status_code == 429
    assert "Too many requests from your address" in response.content.decode()
    assert Complaint.objects.count() == 2


def test_an_unknown_organization_is_a_field_error(client, world, ip):
    response = client.post(FILE + "?language=en", form_data(world.department, organization="999999"), REMOTE_ADDR=ip)
    assert response.status_code == 400
    assert "organization" in response.context["form"].errors
    assert "Choose an organization from the list: this one is not on it." in response.content.decode()


def test_non_utf8_bytes_are_a_field_error(client, world, ip):
    boundary = "XBOUNDARYX"
    fields = {**form_data(world.department), "title": None}
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
        if value is not None
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n'.encode() + b"\xff\xfe\xc3(\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    response = client.post(
        FILE + "?language=en", body, content_type=f"multipart/form-data; boundary={boundary}", REMOTE_ADDR=ip
    )
    assert response.status_code == 400
    assert response.context["form"].errors["title"] == ["Part of this text could not be read: send it in UTF-8."]
    assert not Complaint.objects.exists()


def test_a_renamed_exe_is_refused_by_content(client, world, ip):
    exe = SimpleUploadedFile("receipt.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "application/pdf")
    response = client.post(FILE + "?language=en", form_data(world.department, attachments=[exe]), REMOTE_ADDR=ip)
    assert response.status_code == 400
    assert response.context["form"].errors["attachments"]
    assert not Complaint.objects.exists()


def test_a_file_over_10_mb_is_a_field_error_not_a_crash(client, world, ip):
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "application/pdf")
    response = client.post(FILE + "?language=en", form_data(world.department, attachments=[big]), REMOTE_ADDR=ip)
    assert response.status_code == 413
    errors = response.context["form"].errors["attachments"]
    assert errors == ["Larger than 10 MB, not received: scan.pdf."]
    assert not Complaint.objects.exists()


def test_a_body_past_the_limits_is_a_field_error_not_a_400(client, world, ip, settings, monkeypatch):
    from complaints.views import public

    monkeypatch.setattr(public, "BODY_MAX", 2000)
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * 5000, "application/pdf")
    response = client.post(FILE + "?language=en", form_data(world.department, attachments=[big]), REMOTE_ADDR=ip)
    assert response.status_code == 413
    assert "too large" in response.context["form"].errors["attachments"][0]

    monkeypatch.setattr(public, "BODY_MAX", 10**9)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(FILE + "?language=en", form_data(world.department, facts="长" * 2000), REMOTE_ADDR=ip)
    assert response.status_code == 413
    assert "far longer" in response.context["form"].non_field_errors()[0]
    assert not Complaint.objects.exists()


def test_a_post_that_is_not_multipart_is_refused_with_the_form(client, world, ip):
    response = client.post(
        FILE + "?language=en", "title=x", content_type="application/x-www-form-urlencoded", REMOTE_ADDR=ip
    )
    assert response.status_code == 400
    assert "not sent as expected" in response.content.decode()


def test_markup_in_a_title_comes_back_as_text(client, world, ip):
    filed = file_complaint(world.department, title="<script>alert(1)</script>")
    track(client, filed.complaint, filed.secret, ip)
    html = client.get(VIEW).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    response = client.post(FILE + "?language=en", form_data(world.department, facts="<b>x</b>"), REMOTE_ADDR=ip)
    assert "<b>x</b>" not in response.content.decode()


# --- tracking -----------------------------------------------------------------------------------------


@pytest.fixture
def cast(world, monkeypatch):
    clock = Clock(monkeypatch, D(2026, 7, 1))
    people = cast_for(world)
    people["clock"] = clock
    return people


def replied(world, cast, **changes):
    filed = file_complaint(world.department, **changes)
    services.complaint_accept(complaint=filed.complaint, handling_organization=world.department, actor=cast["intake"])
    services.complaint_reply(
        complaint=filed.complaint, text="经核查，已责令窗口一次性告知并向您致歉。", actor=cast["handler"]
    )
    return filed


def test_a_wrong_pair_gets_one_neutral_message(client, world, ip):
    filed = file_complaint(world.department)
    for code, secret in ((filed.complaint.tracking_code, "WRONGSECRT"), ("HZ-00000-00000", filed.secret)):
        response = client.post(TRACK + "?language=en", {"code": code, "secret": secret}, REMOTE_ADDR=ip)
        assert response.status_code == 400
        assert response.context["form"].non_field_errors() == ["No complaint matches this code and secret."]
    assert client.get(VIEW).status_code == 302  # nothing in the session


def test_guessing_is_limited_and_logged_without_the_secret(client, world, ip, caplog):
    filed = file_complaint(world.department)
    code = filed.complaint.tracking_code
    for _ in range(10):
        assert track(client, code, "WRONGSECRT", ip).status_code == 400
    with caplog.at_level(logging.WARNING, logger="complaints.tracking"):
        response = client.post(TRACK + "?language=en", {"code": code, "secret": "GUESSGUESS"}, REMOTE_ADDR=ip)
    assert response.status_code == 429 and "Too many requests" in response.content.decode()
    logged = [r.getMessage() for r in caplog.records if r.name == "complaints.tracking"]
    assert len(logged) == 1
    assert code[-4:] in logged[0] and code not in logged[0] and "GUESSGUESS" not in logged[0]
    # while the address is over the limit even the right pair is refused: guessing on gains nothing
    assert track(client, code, filed.secret, ip).status_code == 429
    assert track(client, code, filed.secret, "fd00:78::1:2:3").status_code == 302  # another address is not


def test_successful_look_ups_are_not_counted(client, world, ip):
    filed = file_complaint(world.department)
    for _ in range(15):
        assert track(client, filed.complaint, filed.secret, ip).status_code == 302


def test_the_tracking_page_shows_status_organizations_timeline_and_deadlines(client, world, cast, ip):
    filed = replied(world, cast)
    response = track(client, filed.complaint, filed.secret, ip)
    assert response.status_code == 302 and response["Location"] == VIEW
    html = client.get(VIEW + "?language=en").content.decode()
    assert "Replied" in html and world.department.name in html
    assert "经核查" in html
    assert cast["handler"].username not in html and str(cast["handler"]) not in html
    assert "张三" not in html and "13800000000" not in html  # the complainant's own identity is not shown
    assert "with your name" in html
    assert "Counted 15 calendar days from the day after 2026-07-01" in html
    assert "Rate the handling" in html and "Ask for a review" in html
    assert "Add information" not in html  # closed


def test_the_session_expires_after_30_minutes(client, world, ip, monkeypatch):
    filed = file_complaint(world.department)
    track(client, filed.complaint, filed.secret, ip)
    assert client.get(VIEW).status_code == 200
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 60)
    assert client.get(VIEW)["Location"] == TRACK


def test_add_information_and_its_errors(client, world, ip):
    filed = file_complaint(world.department)
    track(client, filed.complaint, filed.secret, ip)
    response = client.post(act_url("add") + "?language=en", {"text": ""})
    assert response.status_code == 400
    assert response.context["acts"]["add"].errors["text"] == ["Write what you want to add."]
    response = client.post(act_url("add"), {"text": "补充：第三次去时的受理单号为 2026-0912。"})
    assert response.status_code == 302
    assert ComplaintEvent.objects.filter(complaint=filed.complaint, kind=EventKind.INFORMATION_ADDED).exists()


def test_rating_once_after_the_reply(client, world, cast, ip):
    filed = file_complaint(world.department)
    track(client, filed.complaint, filed.secret, ip)
    early = client.post(act_url("rate") + "?language=en", {"satisfaction": "5"})
    assert early.status_code == 400
    assert "once you have the reply" in early.content.decode()

    services.complaint_accept(complaint=filed.complaint, handling_organization=world.department, actor=cast["intake"])
    services.complaint_reply(complaint=filed.complaint, text="经核查，已责令窗口一次性告知。", actor=cast["handler"])
    missing = client.post(act_url("rate") + "?language=en", {"satisfaction": ""})
    assert missing.context["acts"]["rate"].errors["satisfaction"]
    assert client.post(act_url("rate"), {"satisfaction": "4", "comment": "处理及时"}).status_code == 302
    html = client.get(VIEW + "?language=en").content.decode()
    assert "4 of 5 stars" in html and "处理及时" in html and "Rate the handling" not in html
    twice = client.post(act_url("rate") + "?language=en", {"satisfaction": "5"})
    assert "You rated the handling already." in twice.content.decode()
    filed.complaint.refresh_from_db()
    assert filed.complaint.satisfaction == 4


def test_review_once_and_not_too_late(client, world, cast, ip):
    filed = replied(world, cast)
    track(client, filed.complaint, filed.secret, ip)
    html = client.get(VIEW + "?language=en").content.decode()
    filed.complaint.refresh_from_db()
    assert f"until {filed.complaint.review_request_due.isoformat()}" in html
    short = client.post(act_url("review") + "?language=en", {"reason": "不满意"})
    assert short.context["acts"]["review"].errors["reason"]
    reason = "答复没有说明何时补正，问题仍未解决。"
    assert client.post(act_url("review"), {"reason": reason}).status_code == 302
    filed.complaint.refresh_from_db()
    assert filed.complaint.status == Status.REVIEW_REQUESTED
    twice = client.post(act_url("review") + "?language=en", {"reason": reason})
    assert twice.status_code == 400
    assert "A review was asked for already" in twice.content.decode()


def test_review_too_late(client, world, cast, ip):
    filed = replied(world, cast)
    filed.complaint.refresh_from_db()
    cast["clock"].set(filed.complaint.review_request_due + datetime.timedelta(days=1))
    track(client, filed.complaint, filed.secret, ip)
    last = filed.complaint.review_request_due.isoformat()
    assert f"ended on {last}" in client.get(VIEW + "?language=en").content.decode()
    response = client.post(act_url("review") + "?language=en", {"reason": "答复没有说明何时补正，问题仍未解决。"})
    assert response.status_code == 400
    assert f"The period to ask for a review ended on {last}." in response.content.decode()


def test_a_merged_complaint_reads_the_shared_reply(client, world, cast, ip):
    first = file_complaint(world.department)
    second = file_complaint(world.department, title="同一件事：一次告知没有兑现", anonymous=True)
    services.complaint_merge(complaint=second.complaint, into=first.complaint, actor=cast["intake"])
    services.complaint_accept(complaint=first.complaint, handling_organization=world.department, actor=cast["intake"])
    services.complaint_reply(complaint=first.complaint, text="经核查，已统一整改并答复。", actor=cast["handler"])
    track(client, second.complaint, second.secret, ip)
    html = client.get(VIEW + "?language=en").content.decode()
    assert "Handled together with another report" in html
    assert "经核查，已统一整改并答复。" in html and "anonymously" in html
    assert "Rate the handling" in html


def test_the_tracking_page_reads_a_fixed_number_of_queries(client, world, cast, ip):
    counts = {}
    for steps in (3, 30):
        filed = replied(world, cast)
        for n in range(steps):
            ComplaintEvent.objects.create(complaint=filed.complaint, kind=EventKind.INFORMATION_ADDED, text=f"补充 {n}")
        track(client, filed.complaint, filed.secret, ip)
        client.get(VIEW)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(VIEW).status_code == 200
        counts[steps] = len(queries)
    assert counts[3] == counts[30], counts
