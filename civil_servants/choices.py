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
