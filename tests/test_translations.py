"""Every user-facing string has a zh-hans translation, and the committed .mo matches the .po."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po_entries(path: Path) -> dict[str, str]:
    entries, msgid, msgstr, field, fuzzy = {}, None, None, None, False
    lines = [*path.read_text(encoding="utf-8").splitlines(), ""]
    for line in lines:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            msgid, msgstr, field = ast.literal_eval(line[6:]), None, "id"
        elif line.startswith("msgstr "):
            msgstr, field = ast.literal_eval(line[7:]), "str"
        elif line.startswith('"') and field:
            if field == "id":
                msgid += ast.literal_eval(line)
            else:
                msgstr += ast.literal_eval(line)
        elif not line.strip():
            if msgid:
                entries[msgid] = "" if fuzzy else (msgstr or "")
            msgid, msgstr, field, fuzzy = None, None, None, False
    return entries


def test_every_message_is_translated_to_chinese():
    entries = _po_entries(LOCALE / "django.po")
    assert len(entries) > 100
    missing = [msgid for msgid, msgstr in entries.items() if not msgstr]
    assert not missing, f"untranslated or fuzzy: {missing[:10]}"


def test_the_compiled_catalogue_matches_the_po_file():
    entries = _po_entries(LOCALE / "django.po")
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [msgid for msgid, msgstr in entries.items() if compiled.gettext(msgid) != msgstr]
    assert not stale, f"run `make messages`: {stale[:5]}"
