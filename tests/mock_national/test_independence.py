"""The stand-in is "the other side": it shares no code with the portal it checks, so that it catches
what the portal gets wrong instead of agreeing with it."""

import ast
from pathlib import Path

import mock_national

PROJECT_PACKAGES = frozenset(
    {"core", "organizations", "disclosures", "dishonesty_records", "sharing", "portal", "hangzhou_integrity"}
)
# Ways to reach a module by name at run time.
IMPORTS_BY_NAME = frozenset({"import_module", "__import__", "get_model", "import_string"})


def _project_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.split(".")[0] in PROJECT_PACKAGES]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in PROJECT_PACKAGES:
                found.append(node.module)
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name in IMPORTS_BY_NAME:
                found += [
                    arg.value
                    for arg in node.args
                    if isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and arg.value.split(".")[0] in PROJECT_PACKAGES
                ]
    return found


def test_the_scan_catches_each_way_of_importing_the_project():
    source = (
        "import core\nfrom sharing.models import X\nimport disclosures.models as m\nimport_module('organizations')\n"
    )
    source += "from django.apps import apps\napps.get_model('dishonesty_records', 'DishonestyRecord')\n"
    assert set(_project_imports(source)) == {
        "core",
        "sharing.models",
        "disclosures.models",
        "organizations",
        "dishonesty_records",
    }
    assert _project_imports("from django.core import mail\nfrom . import config\nimport json\n") == []


def test_the_stand_in_imports_nothing_of_the_project():
    root = Path(mock_national.__file__).parent
    sources = sorted(root.rglob("*.py"))
    assert len(sources) > 10  # the scan saw the package, not an empty directory
    offenders = {
        f"{path.relative_to(root)}: {module}"
        for path in sources
        for module in _project_imports(path.read_text(encoding="utf-8"))
    }
    assert not offenders, offenders
