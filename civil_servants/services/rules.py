"""The scoring rules as versioned data: checked key by key, one version per effective date, never edited."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.choices import Fulfilment
from core.access import scope_for
from core.audit import actor_label, audit_log
from core.choices import Action
from dishonesty_records.choices import Category, Severity
from organizations.models import Organization

from ..models import AssessmentRuleSet

KNOWN_KEYS = {"base", "records", "training", "pledges", "decay"}
RECORD_KEYS = {*Severity.values, "categories"}
TRAINING_KEYS = {"per_missing", "share_points"}
PLEDGE_KEYS = {Fulfilment.FULFILLED, Fulfilment.PARTLY_FULFILLED, Fulfilment.BREACHED}
DECAY_KEYS = {"half_life_months", "linear_years"}


def _number(value, path: str, errors: list[str], *, positive: bool = False) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        errors.append(_("%(path)s: give a number.") % {"path": path})
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors.append(_("%(path)s: “%(value)s” is not a number.") % {"path": path, "value": value})
        return None
    if not number.is_finite() or abs(number) >= 10000:
        errors.append(_("%(path)s: give a number between -9999 and 9999.") % {"path": path})
        return None
    if positive and number <= 0:
        errors.append(_("%(path)s: give a number above zero.") % {"path": path})
        return None
    return str(number)


def _section(rules: dict, key: str, known: set[str], errors: list[str]) -> dict:
    section = rules.get(key, {})
    if not isinstance(section, dict):
        errors.append(_("%(path)s: give an object of named numbers.") % {"path": key})
        return {}
    for name in sorted(set(section) - known):
        errors.append(_("%(path)s: unknown key “%(key)s”.") % {"path": key, "key": name})
    return section


def rules_clean(value) -> dict:
    """The rules as stored (numbers as exact decimal strings), or ValidationError({"rules": [...]}) naming
    every bad key and value by its path (records.serious, training.per_missing …)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ValidationError({"rules": [_("The rules are not valid JSON: %(error)s") % {"error": exc}]}) from None
    if not isinstance(value, dict):
        raise ValidationError({"rules": [_("The rules must be a JSON object.")]})
    errors: list[str] = []
    for name in sorted(set(value) - KNOWN_KEYS):
        errors.append(_("Unknown key “%(key)s”: use base, records, training, pledges, decay.") % {"key": name})
    clean: dict = {}
    if "base" not in value:
        errors.append(_("base: give the points every servant starts from."))
    else:
        clean["base"] = _number(value["base"], "base", errors)
    records = _section(value, "records", RECORD_KEYS, errors)
    clean["records"] = {
        severity: _number(records[severity], f"records.{severity}", errors)
        for severity in Severity.values
        if severity in records
    }
    categories = records.get("categories", {})
    if not isinstance(categories, dict):
        errors.append(_("%(path)s: give an object of named numbers.") % {"path": "records.categories"})
        categories = {}
    clean_categories = {}
    for category, weights in categories.items():
        path = f"records.categories.{category}"
        if category not in Category.values:
            errors.append(_("%(path)s: unknown record category.") % {"path": path})
            continue
        if not isinstance(weights, dict) or set(weights) - set(Severity.values):
            errors.append(_("%(path)s: give the points per severity (general, serious).") % {"path": path})
            continue
        clean_categories[category] = {s: _number(n, f"{path}.{s}", errors) for s, n in weights.items()}
    if clean_categories:
        clean["records"]["categories"] = clean_categories
    training = _section(value, "training", TRAINING_KEYS, errors)
    clean["training"] = {
        k: _number(training[k], f"training.{k}", errors) for k in sorted(TRAINING_KEYS & set(training))
    }
    pledges = _section(value, "pledges", PLEDGE_KEYS, errors)
    clean["pledges"] = {k: _number(pledges[k], f"pledges.{k}", errors) for k in sorted(PLEDGE_KEYS & set(pledges))}
    decay = _section(value, "decay", DECAY_KEYS, errors)
    if len(DECAY_KEYS & set(decay)) > 1:
        errors.append(_("decay: give either half_life_months or linear_years, not both."))
    clean["decay"] = {
        k: _number(decay[k], f"decay.{k}", errors, positive=True) for k in sorted(DECAY_KEYS & set(decay))
    }
    if errors:
        raise ValidationError({"rules": errors})
    return clean


def may_manage_rules(actor) -> bool:
    """The city's personnel officers (a role over the root of the tree) and administrators; the system."""
    if actor is None:
        return True
    scope = scope_for(actor, Action.PERSONNEL)
    return scope.everything or any(len(path) == Organization.steplen for path in scope.subtree_paths)


def rule_set_active(on: datetime.date) -> AssessmentRuleSet | None:
    return AssessmentRuleSet.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


@transaction.atomic
def rule_set_create(*, effective_from, rules, note: str, actor) -> AssessmentRuleSet:
    """A new version of the rules from `effective_from`. Older versions are never edited: the day must be
    free, and not before the day the version in force today began (that period has been scored)."""
    if not may_manage_rules(actor):
        raise PermissionDenied(_("Only the city's personnel officers set the assessment rules."))
    errors: dict[str, list[str]] = {}
    try:
        clean = rules_clean(rules)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        clean = None
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("Say what changed and why.")]
    if not isinstance(effective_from, datetime.date):
        errors["effective_from"] = [_("Give the day the rules take effect.")]
    else:
        # One writer at a time: versions are numbered in order and days compared against the latest.
        existing = list(AssessmentRuleSet.objects.select_for_update().order_by("effective_from"))
        active = [rule_set for rule_set in existing if rule_set.effective_from <= timezone.localdate()]
        if any(rule_set.effective_from == effective_from for rule_set in existing):
            errors["effective_from"] = [
                _("Version %(version)s already takes effect on %(date)s: choose another day.")
                % {
                    "version": next(r.version for r in existing if r.effective_from == effective_from),
                    "date": effective_from.isoformat(),
                }
            ]
        elif active and effective_from < active[-1].effective_from:
            errors["effective_from"] = [
                _("Version %(version)s has been in force since %(date)s: a new version may start then or later.")
                % {"version": active[-1].version, "date": active[-1].effective_from.isoformat()}
            ]
    if errors:
        raise ValidationError(errors)
    version = (AssessmentRuleSet.objects.aggregate(n=Max("version"))["n"] or 0) + 1
    try:
        with transaction.atomic():
            rule_set = AssessmentRuleSet.objects.create(
                version=version,
                effective_from=effective_from,
                rules=clean,
                note=note,
                created_by_label=actor_label(actor)[:200],
            )
    except IntegrityError:
        raise ValidationError({"effective_from": [_("Another version was just saved: try again.")]}) from None
    audit_log(
        actor=actor,
        action="civil_servants.rule_set.create",
        target=rule_set,
        after={"version": version, "effective_from": effective_from.isoformat(), "rules": clean},
    )
    return rule_set


# --- the inputs ------------------------------------------------------------------------------------
