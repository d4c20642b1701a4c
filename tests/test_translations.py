"""Every user-facing string has a zh-hans translation, and the committed .mo matches the .po."""

import ast
import gettext
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


@dataclass
class Entry:
    msgid: str
    msgstr: str = ""
    plural: str | None = None
    fuzzy: bool = False
    context: str | None = None


def _po_entries(path: Path) -> list[Entry]:
    """A small .po reader: singular and plural entries (zh has one plural form, msgstr[0])."""
    entries: list[Entry] = []
    entry, field, fuzzy, context = None, None, False, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgctxt "):
            context = ast.literal_eval(line[8:])
        elif line.startswith("msgid "):
            entry, field = Entry(ast.literal_eval(line[6:]), fuzzy=fuzzy, context=context), "msgid"
        elif line.startswith("msgid_plural ") and entry:
            entry.plural, field = ast.literal_eval(line[13:]), "plural"
        elif line.startswith(("msgstr ", "msgstr[0] ")) and entry:
            entry.msgstr, field = ast.literal_eval(line.split(" ", 1)[1]), "msgstr"
        elif line.startswith("msgstr["):
            field = None  # further plural forms: not used by zh
        elif line.startswith('"') and entry and field in ("msgid", "msgstr", "plural"):
            value = ast.literal_eval(line)
            if field == "msgid":
                entry.msgid += value
            elif field == "plural":
                entry.plural += value
            else:
                entry.msgstr += value
        elif not line.strip():
            if entry and entry.msgid:
                entries.append(entry)
            entry, field, fuzzy, context = None, None, False, None
    return entries


def test_every_message_is_translated_to_chinese():
    entries = _po_entries(LOCALE / "django.po")
    assert len(entries) > 100
    missing = [e.msgid for e in entries if not e.msgstr or e.fuzzy]
    assert not missing, f"untranslated or fuzzy: {missing[:10]}"


def test_the_compiled_catalogue_matches_the_po_file():
    entries = _po_entries(LOCALE / "django.po")
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    def lookup(entry: Entry) -> str:
        if entry.context is not None:
            if entry.plural:
                return compiled.npgettext(entry.context, entry.msgid, entry.plural, 1)
            return compiled.pgettext(entry.context, entry.msgid)
        return compiled.ngettext(entry.msgid, entry.plural, 1) if entry.plural else compiled.gettext(entry.msgid)

    stale = [e.msgid for e in entries if lookup(e) != e.msgstr]
    assert not stale, f"run `make messages`: {stale[:5]}"
