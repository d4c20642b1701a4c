"""How a demo pledge is described: what it says, and how it travels (reports, an ending, an evaluation)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from core.identifiers import is_valid_uscc, uscc_check_character

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Report:
    progress: int
    note: str
    on: datetime.date
    milestone: int | None = None  # index into the pledge's milestones: the report marks it done
    reason: str = ""  # when progress goes down
    evidence: str = ""  # a file name: a small PDF is attached


@dataclass(frozen=True)
class DemoPledge:
    organization: str  # short name
    kind: str
    title: str
    content: str
    starts_on: datetime.date
    due_on: datetime.date
    fields: dict = field(default_factory=dict)  # theme, service_area, year, counterparty, indicator …
    parent: str = ""  # the title of the whole this is a part of (same organization)
    civil_servant: str = ""  # a civil servant's pledge: their name
    publish: bool = True
    milestones: tuple = ()  # (title, due_on or None, working days or None)
    reports: tuple[Report, ...] = ()
    ppp: tuple = ()  # (stage, person, from_on): a later row for the same stage is a handover
    ending: tuple = ()  # ("settle", outcome, note, on) | ("change", ground, by, document, reason, compensation)
    #                    | ("withdraw", reason)
    evaluation: tuple = ()  # (score, comment)


def company_uscc(division: str, serial: int) -> str:
    """A company's code (authority 9, kind 1) with correct check characters; not a real company's."""
    body8 = f"MA2{serial:05d}"
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body8]
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    first17 = f"91{division}{body8}" + {10: "X", 11: "0"}.get(check, str(check))
    code = first17 + uscc_check_character(first17)
    if not is_valid_uscc(code):
        raise ValueError(code)
    return code
