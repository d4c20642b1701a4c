from django.db import models
from django.utils.translation import gettext_lazy as _


class PledgeKind(models.TextChoices):
    """Who pledges what, as the plan names it (§3, §10, §12, §14, principle 4)."""

    DEPARTMENT = "department", _("Department pledge (部门承诺)")
    CIVIL_SERVANT = "civil_servant", _("Civil servant's pledge before taking office (公务员任职承诺)")
    STREET = "street", _("Street or township public pledge (街道乡镇公开承诺)")
    PRACTICAL_MATTER = "practical_matter", _("Practical thing done for the people (为民办实事)")
    INVESTMENT_PROMISE = "investment_promise", _("Investment-promotion policy promise (招商引资政策承诺)")
    INVESTMENT_CONTRACT = "investment_contract", _("Investment-promotion contract (招商引资合同)")
    PPP_DUTY = "ppp_duty", _("PPP project: the government side's duty (PPP 项目政府方责任)")
    PROCUREMENT_CONTRACT = "procurement_contract", _("Government procurement contract performance (政府采购合同履约)")


INVESTMENT_KINDS = frozenset({PledgeKind.INVESTMENT_PROMISE, PledgeKind.INVESTMENT_CONTRACT})


class DepartmentTheme(models.TextChoices):
    DUTY = "duty", _("Performing duties in full (履职尽责)")
    LAWFUL_ADMINISTRATION = "lawful_administration", _("Lawful administration (依法行政)")
    BETTER_SERVICE = "better_service", _("Better service (优化服务)")
    OPEN_GOVERNMENT = "open_government", _("Open government (政务公开)")
    OTHER = "other", _("Other (其他)")


class ServiceArea(models.TextChoices):
    """The fourteen public services streets and townships pledge on (§14)."""

    EMPLOYMENT = "employment", _("Employment (就业)")
    PROPERTY_MANAGEMENT = "property_management", _("Property management (物业)")
    SCHOOLING = "schooling", _("Schooling (就学)")
    FAMILY_PLANNING = "family_planning", _("Family planning (计生)")
    ELDERLY_CARE = "elderly_care", _("Elderly care (养老)")
    DISABILITY = "disability", _("Help for the disabled (助残)")
    POVERTY_RELIEF = "poverty_relief", _("Poverty relief (扶贫)")
    MEDICAL_INSURANCE = "medical_insurance", _("Medical insurance (医保)")
    HOUSING = "housing", _("Housing (住房)")
    TRANSPORT = "transport", _("Getting around (出行)")
    PARKING = "parking", _("Parking (停车)")
    SAFETY = "safety", _("Fire and theft prevention (防火防盗)")
    MILITARY_FAMILIES = "military_families", _("Support for military families (拥军优属)")
    CONVENIENCE = "convenience", _("Convenience services (便民服务)")


class PPPStage(models.TextChoices):
    PREPARATION = "preparation", _("Preparation (筹备)")
    TENDERING = "tendering", _("Tendering and bidding (招标投标)")
    PROCUREMENT = "procurement", _("Government procurement (政府采购)")
    FINANCING = "financing", _("Financing (融资)")
    IMPLEMENTATION = "implementation", _("Implementation (实施)")


class Fulfilment(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    FULFILLED = "fulfilled", _("Fulfilled")
    PARTLY_FULFILLED = "partly_fulfilled", _("Partly fulfilled")
    OVERDUE = "overdue", _("Overdue")
    BREACHED = "breached", _("Breached")
    CHANGED_LAWFULLY = "changed_lawfully", _("Changed by lawful procedure")


OPEN_FULFILMENTS = frozenset({Fulfilment.IN_PROGRESS, Fulfilment.OVERDUE})
# Where a settlement may go from an open pledge; a lawful change has its own service.
SETTLED_FULFILMENTS = frozenset({Fulfilment.FULFILLED, Fulfilment.PARTLY_FULFILLED, Fulfilment.BREACHED})


class LawfulGround(models.TextChoices):
    """The grounds on which a government promise may lawfully be changed (§12)."""

    NATIONAL_INTEREST = "national_interest", _("National interest (国家利益)")
    PUBLIC_INTEREST = "public_interest", _("Public interest (公共利益)")
    OTHER_STATUTORY = "other_statutory", _("Other statutory grounds (其他法定事由)")
