"""Issue 12 item 14: the layering the applicant's journey stands on, checked on the
source (AST), so a new import that breaks it fails here rather than in review."""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
APPS = ("applicants", "credentials", "exams", "certificates", "verification")


def _imports(path: pathlib.Path) -> list[tuple[int, str]]:
    """Every module a file imports, at any depth (function-level imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def test_the_ground_floor_imports_no_app() -> None:
    """``ecfmg_portal/`` is what every app builds on; it never reaches up into one."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / "ecfmg_portal").rglob("*.py"))
        for line, module in _imports(path)
        if module.split(".")[0] in APPS
    ]
    assert offenders == []


def test_certificate_services_and_tasks_import_one_way() -> None:
    """Tasks call services; services queue tasks by name (certificates/jobs.py)."""
    services = ast.parse((ROOT / "certificates" / "services.py").read_text(encoding="utf-8"))
    for node in ast.walk(services):
        if isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
            assert not (
                node.level == 1 and (node.module == "tasks" or (node.module is None and "tasks" in names))
            )
            assert node.module != "certificates.tasks"
    jobs = _imports(ROOT / "certificates" / "jobs.py")
    assert not [module for _, module in jobs if module.startswith("certificates")]


def test_no_url_name_is_guessed() -> None:
    """A link is reversed from the one name it has; nothing tries names until one works."""
    offenders = [
        str(path.relative_to(ROOT))
        for app in (*APPS, "ecfmg_portal")
        for path in (ROOT / app).rglob("*.py")
        if "tests" not in path.parts and "NoReverseMatch" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
