"""The layout rules: same file roles per service, no service imports another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = sorted(
    p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists()
)
FILE_ROLES = {
    "__init__.py",
    "__main__.py",
    "agents.py",
    "api.py",
    "main.py",
    "pages.py",
    "repository.py",
    "schemas.py",
    "service.py",
    "settings.py",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_layout_lists_five_services() -> None:
    assert SERVICES == ["distribution", "intake", "notify", "signing", "verification"]


@pytest.mark.parametrize("service", SERVICES)
def test_service_has_every_file_role(service: str) -> None:
    present = {p.name for p in (ROOT / "services" / service).glob("*.py")}
    assert present >= FILE_ROLES, sorted(FILE_ROLES - present)


@pytest.mark.parametrize("service", SERVICES)
def test_service_imports_no_other_service(service: str) -> None:
    foreign = {
        f"{path.name}: {module}"
        for path in (ROOT / "services" / service).rglob("*.py")
        for module in imported_modules(path)
        if module.startswith("services.")
        and not module.startswith(f"services.{service}")
    }
    assert not foreign, sorted(foreign)


def test_shared_imports_no_service() -> None:
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "shared").rglob("*.py")
        for module in imported_modules(path)
        if module.startswith("services")
    }
    assert not offending, sorted(offending)
