from django.db import models
from django.utils.translation import gettext_lazy as _


class ExamGround(models.TextChoices):
    """Why an applicant may not sit the civil service exam: 公务员法 第二十六条, and the exam-misconduct rules
    (公务员录用考试违纪违规行为处理办法)."""

    CRIMINAL_PUNISHMENT = "criminal_punishment", _("Criminal punishment (因犯罪受过刑事处罚)")
    PARTY_EXPULSION = "party_expulsion", _("Expelled from the Communist Party of China (被开除中国共产党党籍)")
    DISMISSAL = "dismissal", _("Dismissed from public employment (被开除公职)")
    JOINT_PUNISHMENT = "joint_punishment", _("Listed for joint punishment of dishonesty (被依法列为失信联合惩戒对象)")
    OTHER_STATUTORY = "other_statutory", _("Other statutory grounds (法律规定不得录用为公务员的其他情形)")
    EXAM_SERIOUS = "exam_serious", _("Serious exam misconduct: five years (严重违纪违规，五年内不得报考)")
    EXAM_ORGANISED = (
        "exam_organised",
        _("Organised cheating or sitting the exam for another: long-term or life-time (特别严重，长期或终身不得报考)"),
    )


# How long each ground bars: for ever, while listed (its end date given), or five years from the decision.
PERMANENT_GROUNDS = frozenset({ExamGround.CRIMINAL_PUNISHMENT, ExamGround.PARTY_EXPULSION, ExamGround.DISMISSAL})
UNTIL_GIVEN_GROUNDS = frozenset({ExamGround.JOINT_PUNISHMENT})  # barred while listed: the listing's end date
OPTIONAL_UNTIL_GROUNDS = frozenset({ExamGround.OTHER_STATUTORY, ExamGround.EXAM_ORGANISED})  # none: for life
FIVE_YEAR_GROUNDS = frozenset({ExamGround.EXAM_SERIOUS})
EXAM_BAR_YEARS = 5


class FilePurpose(models.TextChoices):
    """Why a credit file is opened: asked every time, logged, and shown to the servant."""

    APPOINTMENT_REVIEW = "appointment_review", _("Appointment review (任用审查)")
    ANNUAL_APPRAISAL = "annual_appraisal", _("Annual appraisal (年度考核)")
    PROMOTION = "promotion", _("Promotion (晋升)")
    AWARD = "award", _("Award or honour (评优评先)")
    DISCIPLINE_CASE = "discipline_case", _("Discipline case (纪律审查)")
    SUPERVISION = "supervision", _("Supervision (监督检查)")
    OWN_FILE = "own_file", _("The servant's own file (本人查阅)")


class EligibilityPurpose(models.TextChoices):
    APPOINTMENT = "appointment", _("Appointment (任用)")
    PROMOTION = "promotion", _("Promotion (晋升)")
    AWARD = "award", _("Award (奖励)")
    HONOURS = "honours", _("Honours (评优评先)")


class RestrictionCode(models.TextChoices):
    """Why an eligibility check found a servant restricted (kept with the check, shown to the servant)."""

    DISHONESTY_RECORD = "dishonesty_record", _("A dishonesty record in its publicity period")
    HONOURS_INELIGIBILITY = "honours_ineligibility", _("Barred from awards and honours (取消评优评先资格)")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("An explanation or rectification overdue")
    DISCIPLINE = "discipline", _("A disciplinary sanction in its period")


class CareerEntryKind(models.TextChoices):
    COMMENDATION = "commendation", _("Commendation (奖励)")
    DISCIPLINE = "discipline", _("Disciplinary sanction (处分)")


class DisciplineSeverity(models.TextChoices):
    """公务员法 第六十二条; the periods in which a sanction bars promotion (第六十四条)."""

    WARNING = "warning", _("Warning (警告)")
    DEMERIT = "demerit", _("Demerit (记过)")
    MAJOR_DEMERIT = "major_demerit", _("Major demerit (记大过)")
    DEMOTION = "demotion", _("Demotion (降级)")
    REMOVAL = "removal", _("Removal from post (撤职)")
    DISMISSAL = "dismissal", _("Dismissal (开除)")


# 公务员法 第六十四条: the months a sanction lasts (during which promotion is barred).
DISCIPLINE_MONTHS = {
    DisciplineSeverity.WARNING: 6,
    DisciplineSeverity.DEMERIT: 12,
    DisciplineSeverity.MAJOR_DEMERIT: 18,
    DisciplineSeverity.DEMOTION: 24,
    DisciplineSeverity.REMOVAL: 24,
}


class CourseAudience(models.TextChoices):
    ALL = "all", _("All civil servants")
    LEADERS = "leaders", _("Leading cadres (领导干部)")
    NEW_ENTRANTS = "new_entrants", _("New entrants (新录用人员)")
