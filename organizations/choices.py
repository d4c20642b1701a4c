from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    GOVERNMENT = "government", _("People's government")
    DEPARTMENT = "department", _("Government department")
    STREET = "street", _("Street / township")
    DEVELOPMENT_ZONE = "development_zone", _("Development zone")
    OTHER = "other", _("Other public body")


class OrganizationLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    TOWNSHIP = "township", _("Street / township")


class Role(models.TextChoices):
    STAFF = "staff", _("Data entry staff")
    REVIEWER = "reviewer", _("Reviewer")
    SUPERVISOR = "supervisor", _("Supervisor")
    PERSONNEL_OFFICER = "personnel_officer", _("Personnel officer")
    COMPLAINT_INTAKE = "complaint_intake", _("Complaint intake officer")
    ADMINISTRATOR = "administrator", _("Administrator")


class ApiScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write drafts")
    REVIEW = "review", _("Review and publish")
    # The exam authority's system: may ask whether an applicant is barred from the exam, nothing else.
    EXAM_CHECK = "exam_check", _("Check exam applicants")
    # The 12345 city hotline: files complaints (channel "hotline") and is told how each goes; reads none.
    HOTLINE = "hotline", _("File complaints as the 12345 hotline")


class CivilServantRank(models.TextChoices):
    """职级 of the 2019 公务员职务与职级并行 ladder, lowest first."""

    CLERK_2 = "clerk_2", _("Grade-2 clerk (二级科员)")
    CLERK_1 = "clerk_1", _("Grade-1 clerk (一级科员)")
    PRINCIPAL_CLERK_4 = "principal_clerk_4", _("Grade-4 principal staff member (四级主任科员)")
    PRINCIPAL_CLERK_3 = "principal_clerk_3", _("Grade-3 principal staff member (三级主任科员)")
    PRINCIPAL_CLERK_2 = "principal_clerk_2", _("Grade-2 principal staff member (二级主任科员)")
    PRINCIPAL_CLERK_1 = "principal_clerk_1", _("Grade-1 principal staff member (一级主任科员)")
    RESEARCHER_4 = "researcher_4", _("Grade-4 researcher (四级调研员)")
    RESEARCHER_3 = "researcher_3", _("Grade-3 researcher (三级调研员)")
    RESEARCHER_2 = "researcher_2", _("Grade-2 researcher (二级调研员)")
    RESEARCHER_1 = "researcher_1", _("Grade-1 researcher (一级调研员)")
    INSPECTOR_2 = "inspector_2", _("Grade-2 inspector (二级巡视员)")
    INSPECTOR_1 = "inspector_1", _("Grade-1 inspector (一级巡视员)")
