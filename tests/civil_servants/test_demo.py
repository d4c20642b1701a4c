"""The demo's credit files: varied histories, made through the services."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from civil_servants.models import Completion, FileOpening, IntegrityScore
from civil_servants.selectors.education import courses_due
from civil_servants.services import eligibility
from dishonesty_records.choices import Stage
from dishonesty_records.models import DishonestyRecord
from organizations.models import CivilServant, User

pytestmark = pytest.mark.django_db


def test_the_demo_files_are_clean_restricted_incomplete_and_pending(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "servant" in out.getvalue()  # the servant's own log-in is printed
    personnel = User.objects.get(username="personnel")
    restricted = CivilServant.objects.get(name="罗文斌")
    clean = CivilServant.objects.get(name="杨志强")
    assert not eligibility.eligibility_check(civil_servant=restricted, purpose="promotion", actor=personnel).eligible
    assert eligibility.eligibility_check(civil_servant=clean, purpose="promotion", actor=personnel).eligible
    assert (
        Completion.objects.filter(civil_servant__name="徐明").count()
        < Completion.objects.filter(civil_servant=clean).count()
    )
    assert DishonestyRecord.objects.filter(civil_servant__name="黄晓梅", stage=Stage.OBJECTED).exists()
    assert IntegrityScore.objects.filter(civil_servant=restricted).exists()
    own = CivilServant.objects.get(name="刘建国")
    assert FileOpening.objects.filter(civil_servant=own, opened_by=personnel).exists()
    client.force_login(User.objects.get(username="servant"))
    page = client.get(reverse("civil_servants:my_file")).content.decode()
    assert "刘建国" in page and "吴组织" in page  # who looked at the file
    assert own.is_leading_cadre and "领导干部守信践诺专题研讨班" in page  # a 科长: the leaders' course is due
    newcomer = CivilServant.objects.select_related("organization").get(name="徐明")
    owed = {due.course.title: due.completed_on for due in courses_due(newcomer, year=timezone.localdate().year)}
    assert "新录用公务员初任培训：政务诚信" in owed and owed["新录用公务员初任培训：政务诚信"] is None
    call_command("seed_demo", stdout=io.StringIO())
    assert FileOpening.objects.filter(civil_servant=own, opened_by=personnel).count() == 1  # run again: nothing new
