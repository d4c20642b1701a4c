"""Makes one realistic disclosure row at a time from seeded random choices (benchmark and demo data)."""

from __future__ import annotations

import datetime
import decimal
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from core.calendar import WorkingCalendar, add_months
from core.identifiers import USCC_ALPHABET, resident_id_check_character, uscc_check_character
from core.publication import PublicationStatus
from core.search import grams
from organizations.demo import DISTRICTS
from organizations.models import Organization

from .. import services
from ..choices import (
    IdType,
    LicenseState,
    PenaltyKind,
    SubjectKind,
)
from ..models import LONG_TERM
from .vocabulary import (
    _LICENSE_CODES,
    _LICENSE_DEFAULTS,
    _PENALTY_DEFAULTS,
    _PUBLISH_DELAY_WEIGHTS,
    AUTHORITY_KINDS,
    BR,
    CG,
    CL,
    CP,
    DISTRICT_ABBREVIATIONS,
    DRAFT,
    DT,
    FILL,
    GIVEN_CHARS,
    ID_AREAS,
    INDUSTRIES_BY_PROFILE,
    LICENSES,
    LR,
    LS,
    PC,
    PLATE_ALPHABET,
    PLATE_PREFIXES,
    PR,
    PS,
    PUBLISHED,
    QD,
    SHOPS_BY_PROFILE,
    SURNAMES,
    TRADE_CHARS,
    VIOLATIONS,
    WITHDRAWAL_REASONS,
    YUAN_PER_WAN,
    ZONE_PROFILES,
    F,
    Violation,
    W,
)


@dataclass
class Authority:
    pk: int
    name: str
    profile: str
    prefix: str
    division: str
    district: str  # "" for city-level bodies: subjects then come from any district


def _authority_for(org: Organization) -> tuple[Authority, float] | None:
    for keyword, profile, abbreviation, city_weight, district_weight in AUTHORITY_KINDS:
        if keyword not in org.name:
            continue
        district = next((d for d in DISTRICT_ABBREVIATIONS if d in org.name), "")
        if profile == "zone":
            prefix = "杭" + org.short_name[:2]
        elif profile == "street":
            street = org.name.replace(district, "")[:2]
            prefix = DISTRICT_ABBREVIATIONS.get(district, "杭") + street + abbreviation
        elif district:
            prefix = DISTRICT_ABBREVIATIONS[district] + abbreviation
        else:
            prefix = "杭" + abbreviation
        division = org.division_code if district else ""
        weight = district_weight if district else city_weight
        return Authority(org.pk, org.name, profile, prefix, division, district), weight
    return None


def load_authorities() -> list[tuple[Authority, float]]:
    organizations = list(Organization.objects.order_by("path"))
    if not organizations:
        raise CommandError(
            "There are no organizations to decide the penalties. Run `python manage.py seed_demo` first."
        )
    chosen = [a for a in map(_authority_for, organizations) if a is not None]
    if not chosen:  # e.g. a test tree of "测试单位": every organization decides a little of everything
        chosen = [(Authority(o.pk, o.name, "market", "杭" + o.short_name[:4], "", ""), 1.0) for o in organizations]
    return chosen


# --- identifiers --------------------------------------------------------------------------------

ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE_VALUES = {c: (int(c) if c.isdigit() else ord(c) - 55) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_BASE = len(USCC_ALPHABET)  # 31
_SPACE_MA = _BASE**6
_STEP = 7919  # prime, coprime with 31 and 10: index * step walks every code once
_LICENSE_BODY_OFFSET = 50_000_000  # licences' subjects take codes after the penalties' ones


def organization_code_check(body8: str) -> str:
    """GB 11714 check character of an organization code (the 9th character)."""
    check = 11 - sum(_ORG_CODE_VALUES[c] * w for c, w in zip(body8, ORG_CODE_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(authority: str, kind: str, division: str, body8: str) -> str:
    first17 = f"{authority}{kind}{division}{body8}{organization_code_check(body8)}"
    return first17 + uscc_check_character(first17)


def make_resident_id(area: str, birth: datetime.date, sequence: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return first17 + resident_id_check_character(first17)


# --- the generator ------------------------------------------------------------------------------


@dataclass
class Subject:
    name: str
    kind: str
    uscc: str = ""
    registration: str = ""
    representative: str = ""
    representative_id: str = ""
    id_number: str = ""
    grams: str = field(default="", repr=False)


class Generator:
    """Makes rows as dicts keyed by field attname, chunk by chunk.

    A chunk is a range of row indexes with its own random streams (seeded from the run's seed, the
    kind and the chunk number), so chunks can be made in any process and in any order and still give
    the same rows. Decision numbers run on per (authority, year): the caller walks the chunks' plans
    in order and hands each chunk the counters it starts from (see `plan` and `rows`).
    """

    def __init__(self, *, authorities, seed: int, today: datetime.date, now: datetime.datetime):
        self.seed = seed
        self.today = today
        self.now = now
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.authorities = [a for a, _w in authorities]
        self.authority_weights = _cumulative([w for _a, w in authorities])
        offsets = random.Random(f"{seed}:offsets")
        self.ma_offset = offsets.randrange(_SPACE_MA)
        self.numeric_offset = offsets.randrange(10**8)
        self.body_index = 0
        self._use_rng(random.Random(seed))
        self.recent_subjects: list[Subject] = []
        self.number_counters: dict[tuple[int, str, int], int] = defaultdict(int)
        # Three years back, plus a few weeks so that some records' publicity has already ended.
        self.start = add_months(today, -36) - datetime.timedelta(days=10)
        self.days = [self.start + datetime.timedelta(days=i) for i in range((today - self.start).days + 1)]
        self.calendar = WorkingCalendar.load(self.start, today + datetime.timedelta(days=60))
        # Decisions fall on working days (a few on weekends); the same cumulative weights place every row.
        self.day_weights = _cumulative([1.0 if self.calendar.is_working_day(d) else 0.06 for d in self.days])
        self.rules = services.load_publicity_rules()
        self._midnights: dict[datetime.date, datetime.datetime] = {}
        self._deadlines: dict[datetime.date, tuple[datetime.date, bool]] = {}
        self._publicity: dict[tuple, tuple] = {}
        self.districts = [(name, code) for name, code, _suffix, _streets in DISTRICTS]

    # chunks -------------------------------------------------------------------------------------

    def plan(self, kind: str, chunk: int, start: int, end: int, total: int) -> list[tuple[int, datetime.date]]:
        """(authority index, decision date) of rows start…end-1: cheap, so the caller can number them."""
        rng = random.Random(f"{self.seed}:{kind}:{chunk}:plan")
        weights, top, days = self.authority_weights, self.authority_weights[-1], self.day_weights
        day_top = days[-1]
        return [
            (_bisect(weights, rng.random() * top), self.days[_bisect(days, (i + rng.random()) / total * day_top)])
            for i in range(start, end)
        ]

    def rows(self, kind: str, chunk: int, start: int, end: int, total: int, counters: dict):
        """The rows of one chunk; `counters` are the decision-number counters it starts from."""
        self._use_rng(random.Random(f"{self.seed}:{kind}:{chunk}"))
        self.recent_subjects = []
        self.number_counters = defaultdict(int, counters)
        make, body_base = (self.penalty, 0) if kind == "penalty" else (self.license, _LICENSE_BODY_OFFSET)
        for index, (authority, decided_on) in enumerate(self.plan(kind, chunk, start, end, total), start=start):
            self.body_index = body_base + index
            yield make(self.authorities[authority], decided_on)

    def _use_rng(self, rng: random.Random) -> None:
        self.rng = rng
        self._random = rng.random

    # helpers ------------------------------------------------------------------------------------

    def pick(self, sequence):
        return sequence[int(self._random() * len(sequence))]

    def between(self, low: int, high: int) -> int:
        """A random integer in [low, high) (random.randrange is four times slower)."""
        return low + int(self._random() * (high - low))

    def deadline(self, decided_on: datetime.date) -> tuple[datetime.date, bool]:
        cached = self._deadlines.get(decided_on)
        if cached is None:
            record = SimpleNamespace(decided_on=decided_on)
            services.apply_deadline(record, self.calendar)
            cached = self._deadlines[decided_on] = (record.publish_deadline, record.deadline_provisional)
        return cached

    def publicity(self, kind: str, decided_on, penalty_kinds=(), domain="") -> tuple:
        key = (kind, decided_on, tuple(penalty_kinds), domain)
        cached = self._publicity.get(key)
        if cached is None:
            record = SimpleNamespace(decided_on=decided_on, penalty_kinds=list(penalty_kinds), safety_domain=domain)
            services.apply_publicity(kind, record, self.rules)
            cached = self._publicity[key] = (record.publicity_min_ends_on, record.publicity_ends_on)
        return cached

    def person_name(self) -> str:
        rng = self.rng
        given = self.pick(GIVEN_CHARS) + (self.pick(GIVEN_CHARS) if rng.random() < 0.72 else "")
        return self.pick(SURNAMES) + given

    def resident_id(self, area: str | None = None) -> str:
        birth = datetime.date(1962, 1, 1) + datetime.timedelta(days=self.between(0, 40 * 365))
        return make_resident_id(area or self.pick(ID_AREAS), birth, self.between(1, 1000))

    def trade_name(self) -> str:
        length = 2 if self.rng.random() < 0.7 else 3
        return "".join(self.pick(TRADE_CHARS) for _ in range(length))

    def next_body(self) -> str:
        """Characters 9–16 of a USCC: mostly the newer "MA" codes, some older numeric organization codes.

        Derived from the row's index (a row makes at most one new subject), so no two rows of a run
        share a code whichever process made them.
        """
        if self._random() < 0.75:
            n, chars = (self.ma_offset + self.body_index * _STEP) % _SPACE_MA, []
            for _ in range(6):
                n, r = divmod(n, _BASE)
                chars.append(USCC_ALPHABET[r])
            return "MA" + "".join(chars)
        return f"{(self.numeric_offset + self.body_index * _STEP) % 10**8:08d}"

    def plate(self) -> str:
        return self.pick(PLATE_PREFIXES) + "".join(self.pick(PLATE_ALPHABET) for _ in range(5))

    def subject(self, authority: Authority, violation: Violation) -> Subject:
        rng = self.rng
        # Repeat offenders: one record in ten concerns a subject seen recently by the same kind of authority.
        if self.recent_subjects and rng.random() < 0.1:
            candidate = self.pick(self.recent_subjects)
            if _kind_allowed(violation, candidate.kind):
                return candidate
        roll, (legal, individual, _natural) = rng.random(), violation.subjects
        if authority.district:
            district, division = authority.district, authority.division
        else:
            district, division = self.pick(self.districts)
        profile = authority.profile if authority.profile in INDUSTRIES_BY_PROFILE else "urban"
        if roll < legal:
            industry = self.pick(INDUSTRIES_BY_PROFILE[profile])
            company = "股份有限公司" if rng.random() < 0.04 else "有限公司"
            style = rng.random()
            if industry.endswith(("诊所", "门诊部")):
                name = f"杭州{self.trade_name()}{industry}有限公司"
            elif style < 0.70:
                name = f"杭州{self.trade_name()}{industry}{company}"
            elif style < 0.82:
                name = f"浙江{self.trade_name()}{industry}{company}"
            elif style < 0.88:
                name = f"{self.trade_name()}（杭州）{industry}有限公司"
            else:
                name = f"杭州{self.trade_name()}{industry}有限公司{district[:-1] if len(district) == 3 else district}分公司"
            representative = self.person_name()
            subject = Subject(
                name,
                SubjectKind.LEGAL_PERSON,
                uscc=make_uscc("9", "1", division, self.next_body()),
                representative=representative,
                representative_id=self.resident_id() if rng.random() < 0.3 else "",
            )
        elif roll < legal + individual:
            owner = self.person_name()
            shop = self.pick(SHOPS_BY_PROFILE[profile])
            style = rng.random()
            if style < 0.35:
                name = f"{district}{owner[0]}记{shop}"
            elif style < 0.75:
                name = f"{district}{self.trade_name()}{shop}"
            else:
                name = f"杭州市{district}{self.trade_name()}{shop}"
            if rng.random() < 0.93:
                subject = Subject(
                    name,
                    SubjectKind.INDIVIDUAL_BUSINESS,
                    uscc=make_uscc("9", "2", division, self.next_body()),
                    representative=owner,
                )
            else:  # registered before 2016 and never re-issued: only the 15-digit registration number
                registration = f"{division}6{self.between(0, 10**8):08d}"
                subject = Subject(
                    name, SubjectKind.INDIVIDUAL_BUSINESS, registration=registration, representative=owner
                )
        else:
            area = division if rng.random() < 0.45 else None
            subject = Subject(self.person_name(), SubjectKind.NATURAL_PERSON, id_number=self.resident_id(area))
        subject.grams = grams(subject.name)
        if len(self.recent_subjects) < 5000:
            self.recent_subjects.append(subject)
        else:
            self.recent_subjects[self.between(0, 5000)] = subject
        return subject

    def decision_number(self, authority: Authority, letter: str, year: int) -> str:
        key = (authority.pk, letter, year)
        self.number_counters[key] += 1
        return f"{authority.prefix}{letter}〔{year}〕{self.number_counters[key]}号"

    def life_cycle(self, decided_on: datetime.date, publicity_ends_on) -> dict:
        """Status and times: most published within 0–10 days, recent ones partly still drafts."""
        rng, tz, seconds = self.rng, self.tz, datetime.timedelta(seconds=1)
        midnight = self._midnights.get(decided_on)
        if midnight is None:
            midnight = self._midnights[decided_on] = datetime.datetime.combine(decided_on, datetime.time(), tzinfo=tz)
        created_delay = 0 if rng.random() < 0.6 else self.between(1, 3)
        # Entered during office hours on the decision day or soon after, published 0–10 days after the decision.
        created_at = (
            midnight + self.between(86400 * created_delay + 8 * 3600, 86400 * created_delay + 17 * 3600) * seconds
        )
        delay = max(created_delay, _bisect(_PUBLISH_DELAY_WEIGHTS, rng.random() * _PUBLISH_DELAY_WEIGHTS[-1]))
        published_at = midnight + self.between(86400 * delay + 9 * 3600, 86400 * delay + 18 * 3600) * seconds
        if published_at <= created_at:
            published_at = created_at + self.between(1200, 14400) * seconds
        created_at = min(created_at, self.now - datetime.timedelta(minutes=5))
        age = (self.today - decided_on).days
        stuck = age <= 45 and rng.random() < 0.12  # entered but not reviewed: becomes overdue
        if published_at > self.now or stuck:
            return {
                "status": DRAFT,
                "version": 0,
                "published_at": None,
                "created_at": created_at,
                "updated_at": created_at,
            }
        row = {
            "status": PUBLISHED,
            "version": 1,
            "published_at": published_at,
            "created_at": created_at,
            "updated_at": published_at,
        }
        if rng.random() < 0.005:
            withdrawn_at = published_at + datetime.timedelta(days=self.between(1, 60), hours=self.between(0, 6))
            if withdrawn_at < self.now:
                row.update(
                    status=PublicationStatus.WITHDRAWN,
                    withdrawn_at=withdrawn_at,
                    withdrawal_reason=self.pick(WITHDRAWAL_REASONS),
                    updated_at=withdrawn_at,
                )
                return row
        if publicity_ends_on is not None and publicity_ends_on < self.today:
            ended_at = datetime.datetime.combine(  # the nightly sweep of the day after the last day
                publicity_ends_on + datetime.timedelta(days=1), datetime.time(1, 30), tzinfo=tz
            )
            ended_at = min(ended_at, self.now)
            row.update(status=PublicationStatus.PUBLICITY_ENDED, publicity_ended_at=ended_at, updated_at=ended_at)
        return row

    # penalties ----------------------------------------------------------------------------------

    def penalty(self, authority: Authority, decided_on: datetime.date) -> dict:
        rng = self.rng
        profile = authority.profile
        if profile == "zone":
            profile = self.pick(ZONE_PROFILES)
        violations = VIOLATIONS.get(profile) or VIOLATIONS["market"]
        violation = violations[_weighted_index(rng, [v.weight for v in violations])]
        sanction = violation.sanctions[_weighted_index(rng, [s.weight for s in violation.sanctions])]
        subject = self.subject(authority, violation)
        kinds = list(sanction.kinds)
        if subject.kind != SubjectKind.NATURAL_PERSON and DT in kinds:  # only people are detained
            kinds = [k for k in kinds if k != DT] or [PenaltyKind.WARNING]
        fine_yuan = gains_yuan = None
        parts: list[str] = []
        license_text = ""
        valid_until = None
        for kind in kinds:
            if kind == F:
                low, high, step = sanction.fine
                fine_yuan = max(low, round((low + (high - low) * rng.random() ** 2) / step) * step)
                parts.append(f"罚款人民币{fine_yuan}元")
            elif kind == W:
                parts.append("警告")
            elif kind == PC:
                parts.append("通报批评")
            elif kind in (CG, CP):
                if gains_yuan is None:
                    low, high = sanction.gains or (100, 5000)
                    gains_yuan = decimal.Decimal(self.between(low * 100, high * 100)) / 100
                if kind == CG:
                    parts.append(f"没收违法所得人民币{gains_yuan}元")
                else:
                    parts.append(f"没收{violation.property}")
            elif kind in (LS, LR):
                license_text = f"{violation.license}（编号：{self._license_number(violation.license, decided_on)}）"
                if kind == LS:
                    months = rng.choice((1, 3, 6))
                    parts.append(f"暂扣{violation.license}{months}个月")
                    valid_until = add_months(decided_on, months)
                else:
                    parts.append(f"吊销{violation.license}")
            elif kind == BR:
                years = rng.choice((1, 2, 3))
                parts.append(f"列入不良行为记录名单，{years}年内禁止参加政府采购活动")
                valid_until = add_months(decided_on, 12 * years)
            elif kind == PS:
                months = rng.choice((1, 2, 3))
                parts.append(f"责令停产整治{months}个月")
                valid_until = add_months(decided_on, months)
            elif kind == PR:
                months = rng.choice((3, 6, 12))
                parts.append(f"停止执业{months}个月")
                valid_until = add_months(decided_on, months)
            elif kind == DT:
                parts.append(f"行政拘留{rng.choice((3, 5, 7, 10))}日")
            elif kind == QD:
                parts.append("资质等级由二级降为三级")
            elif kind == CL:
                parts.append("责令关闭")
        content = (
            "；".join(f"{i}.{p}" for i, p in enumerate(parts, start=1)) + "。" if len(parts) > 1 else parts[0] + "。"
        )
        publish_deadline, provisional = self.deadline(decided_on)
        min_ends, ends = self.publicity("penalty", decided_on, kinds, violation.domain)
        row = {
            **_PENALTY_DEFAULTS,
            **self.life_cycle(decided_on, ends),
            "subject_name": subject.name,
            "subject_kind": subject.kind,
            "subject_uscc": subject.uscc,
            "business_registration_number": subject.registration,
            "legal_representative": subject.representative,
            "legal_representative_id_type": IdType.RESIDENT_ID if subject.representative_id else "",
            "legal_representative_id_number": subject.representative_id,
            "subject_id_type": IdType.RESIDENT_ID if subject.id_number else "",
            "subject_id_number": subject.id_number,
            "decision_number": self.decision_number(authority, "罚", decided_on.year),
            "decided_on": decided_on,
            "authority_id": authority.pk,
            "data_source_id": authority.pk,
            "subject_grams": subject.grams,
            "violation_type": violation.type,
            "violation_facts": self._facts(violation, fine_yuan, gains_yuan),
            "legal_basis": violation.basis,
            "penalty_kinds": kinds,
            "penalty_content": content,
            "fine_amount": None if fine_yuan is None else decimal.Decimal(fine_yuan) / YUAN_PER_WAN,
            "confiscated_amount": None if gains_yuan is None else gains_yuan / YUAN_PER_WAN,
            "suspended_license": license_text,
            "penalty_valid_until": valid_until,
            "safety_domain": violation.domain,
            "publish_deadline": publish_deadline,
            "deadline_provisional": provisional,
            "publicity_min_ends_on": min_ends,
            "publicity_ends_on": ends,
        }
        return row

    def _facts(self, violation: Violation, fine_yuan, gains_yuan) -> str:
        values = _Fill(self)
        if gains_yuan is not None:
            values["gain"] = str(gains_yuan)
        return self.pick(violation.facts).format_map(values)

    def _license_number(self, name: str, decided_on: datetime.date) -> str:
        year = decided_on.year - self.between(1, 6)
        return f"{_LICENSE_CODES.get(name, '浙杭')}{year}{self.between(0, 10**6):06d}"

    # licences -----------------------------------------------------------------------------------

    def license(self, authority: Authority, decided_on: datetime.date) -> dict:
        rng = self.rng
        profile = authority.profile
        if profile == "zone":
            profile = self.pick(ZONE_PROFILES)
        options = LICENSES.get(profile) or LICENSES["market"]
        spec = options[_weighted_index(rng, [o[0] for o in options])]
        _weight, document, category, certificate, code, content, years, subjects = spec
        violation = Violation(1, "", ("",), "", (), subjects=subjects)
        subject = self.subject(authority, violation)
        valid_until = LONG_TERM if years is None else add_months(decided_on, 12 * years) - datetime.timedelta(days=1)
        number = f"{code}{decided_on.year}{self.between(0, 10**6):06d}" if certificate else ""
        publish_deadline, provisional = self.deadline(decided_on)
        min_ends, ends = self.publicity("license", decided_on)
        return {
            **_LICENSE_DEFAULTS,
            **self.life_cycle(decided_on, ends),
            "subject_name": subject.name,
            "subject_kind": subject.kind,
            "subject_uscc": subject.uscc,
            "business_registration_number": subject.registration,
            "legal_representative": subject.representative,
            "legal_representative_id_type": IdType.RESIDENT_ID if subject.representative_id else "",
            "legal_representative_id_number": subject.representative_id,
            "subject_id_type": IdType.RESIDENT_ID if subject.id_number else "",
            "subject_id_number": subject.id_number,
            "decision_number": self.decision_number(authority, "许", decided_on.year),
            "decided_on": decided_on,
            "authority_id": authority.pk,
            "data_source_id": authority.pk,
            "subject_grams": subject.grams,
            "decision_document_name": document,
            "license_category": category,
            "certificate_name": certificate,
            "license_number": number,
            "content": content,
            "valid_from": decided_on,
            "valid_until": valid_until,
            "license_state": LicenseState.VALID if valid_until >= self.today else LicenseState.INVALID,
            "publish_deadline": publish_deadline,
            "deadline_provisional": provisional,
            "publicity_min_ends_on": min_ends,
            "publicity_ends_on": ends,
        }


class _Fill(dict):
    """Placeholder values of a facts template, made only when the template asks for them."""

    def __init__(self, generator: Generator):
        super().__init__()
        self.generator = generator

    def __missing__(self, key):
        g = self.generator
        between = g.between
        if key in ("total", "limit", "over"):
            limit = 49 if g.rng.random() < 0.6 else 31
            total = limit + g.rng.uniform(1.5, 30)
            self.update(total=f"{total:.2f}", limit=str(limit), over=f"{(total - limit) / limit * 100:.1f}")
            return self[key]
        numbers = {
            "gain": (200, 20000),
            "value": (300, 200000),
            "invest": (50, 20000),
            "workers": (2, 40),
            "area": (12, 2000),
            "area2": (5, 800),
            "pieces": (3, 900),
            "injured": (1, 4),
        }
        if key in numbers:
            value = str(between(*numbers[key]))
        elif key == "conc":
            value = f"{g.rng.uniform(60, 1000):.1f}"
        elif key == "tons":
            value = f"{g.rng.uniform(0.5, 300):.1f}"
        elif key == "plate":
            value = g.plate()
        elif key == "expired":
            value = f"{g.today.year - 1}年{between(1, 13)}月"
        else:
            value = g.pick(FILL[key])
        self[key] = value
        return value


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _bisect(cumulative: list[float], value: float) -> int:
    low, high = 0, len(cumulative) - 1
    while low < high:
        mid = (low + high) // 2
        if cumulative[mid] <= value:
            low = mid + 1
        else:
            high = mid
    return low


_CUMULATIVE_CACHE: dict[tuple, list[float]] = {}


def _weighted_index(rng: random.Random, weights) -> int:
    key = tuple(weights)
    cumulative = _CUMULATIVE_CACHE.get(key)
    if cumulative is None:
        cumulative = _CUMULATIVE_CACHE[key] = _cumulative(key)
    return _bisect(cumulative, rng.random() * cumulative[-1])


def _kind_allowed(violation: Violation, kind: str) -> bool:
    legal, individual, natural = violation.subjects
    return {
        SubjectKind.LEGAL_PERSON: legal,
        SubjectKind.INDIVIDUAL_BUSINESS: individual,
        SubjectKind.NATURAL_PERSON: natural,
    }[kind] > 0


_NUMBER_RE = re.compile(r"〔(\d{4})〕(\d+)号$")


def existing_number_counters(model, letter: str) -> dict[tuple[int, str, int], int]:
    """The highest serial already used per (authority, year), so a second run never collides."""
    counters: dict[tuple[int, str, int], int] = {}
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT authority_id, (regexp_match(decision_number, '〔(\\d{{4}})〕(\\d+)号$'))[1]::int AS y, "  # noqa: S608
                f"max((regexp_match(decision_number, '〔(\\d{{4}})〕(\\d+)号$'))[2]::bigint) "
                f"FROM {table} WHERE decision_number ~ '〔\\d{{4}}〕\\d+号$' GROUP BY 1, 2"
            )
            for authority_id, year, serial in cursor.fetchall():
                counters[(authority_id, letter, year)] = serial
        return counters
    for authority_id, number in model.objects.values_list("authority_id", "decision_number").iterator():
        match = _NUMBER_RE.search(number)
        if match:
            key = (authority_id, letter, int(match.group(1)))
            counters[key] = max(counters.get(key, 0), int(match.group(2)))
    return counters
