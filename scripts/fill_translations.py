"""Fill zh-hans catalogue entries from a dict file (msgid → msgstr, or [msgstr] for plurals), clearing fuzzy.

    .venv/bin/python scripts/fill_translations.py /tmp/zh.py
"""

import runpy
import sys

import polib

PO = "locale/zh_Hans/LC_MESSAGES/django.po"


def main(path: str) -> None:
    table = runpy.run_path(path)["T"]
    po = polib.pofile(PO)
    filled = 0
    for entry in po:
        if entry.obsolete or entry.msgid not in table:
            continue
        value = table[entry.msgid]
        if entry.msgid_plural:
            entry.msgstr_plural = {0: value[0] if isinstance(value, list) else value}
        else:
            entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        filled += 1
    po.save(PO)
    missing = [e.msgid for e in po if not e.obsolete and not e.translated()]
    print(f"filled {filled}; still untranslated {len(missing)}")
    for msgid in missing[:40]:
        print("  ", msgid)


if __name__ == "__main__":
    main(sys.argv[1])
