"""`pip install .` ships every package, and the catalogs' sources as `bot.locales`; every
dependency is pinned in constraints.txt."""

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot import PROJECT_ROOT


def configured() -> dict:
    with (PROJECT_ROOT / "pyproject.toml").open("rb") as source:
        return tomllib.load(source)["tool"]["setuptools"]


def test_every_python_folder_is_a_listed_package() -> None:
    found = set()
    for top in ("bot", "handlers", "storage"):
        for init in (PROJECT_ROOT / top).rglob("*.py"):
            if "__pycache__" not in init.parts:
                found.add(".".join(init.parent.relative_to(PROJECT_ROOT).parts))
    assert found | {"bot.locales"} == set(configured()["packages"])


def test_the_catalogs_ship_as_bot_locales() -> None:
    settings = configured()
    assert settings["package-dir"]["bot.locales"] == "locales"
    assert (PROJECT_ROOT / "locales" / "__init__.py").exists()
    assert "*/LC_MESSAGES/*.po" in settings["package-data"]["bot.locales"]


def test_every_test_module_is_in_the_folder_of_its_kind() -> None:
    """tests/unit, tests/e2e and tests/http (docs/testing.md); only conftest.py sits above them."""
    tests = PROJECT_ROOT / "tests"
    assert sorted(path.name for path in tests.glob("*.py")) == ["__init__.py", "conftest.py"]
    folders = {
        path.name for path in tests.iterdir() if path.is_dir() and path.name != "__pycache__"
    }
    assert folders == {"unit", "e2e", "http"}
    for folder in folders:
        assert (tests / folder / "__init__.py").exists(), folder
        assert all(
            path.name.startswith("test_")
            for path in (tests / folder).glob("*.py")
            if path.name != "__init__.py"
        ), folder


def test_no_test_module_imports_another() -> None:
    """What tests share lives in testkit/ (harness, driver, factories, seeds, kits) and their
    fixtures in tests/conftest.py: nothing in tests/ imports from `tests`."""
    tests = PROJECT_ROOT / "tests"
    offenders = [
        f"{path.relative_to(tests)}: {line.strip()}"
        for path in sorted(tests.rglob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.lstrip().startswith(("from tests.", "from tests ", "import tests"))
    ]
    assert offenders == []


def _pins() -> dict[str, list[str]]:
    """constraints.txt: each package's pinned version(s) (one per Python range when they differ)."""
    pins: dict[str, list[str]] = {}
    for line in (PROJECT_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith((" ", "#")):
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", line
            pins.setdefault(canonicalize_name(requirement.name), []).append(spec.version)
    return pins


def test_every_dependency_is_pinned_within_what_pyproject_allows() -> None:
    """What the project runs and tests with is pinned (the Makefile installs from it); a
    dependency added to pyproject.toml without `make lock` fails here."""
    with (PROJECT_ROOT / "pyproject.toml").open("rb") as source:
        project = tomllib.load(source)["project"]
    pins = _pins()
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    for tool in ("pip", "setuptools", "uv"):  # constraints.in: what installs and locks
        wanted.append(Requirement(tool))
    for requirement in wanted:
        versions = pins.get(canonicalize_name(requirement.name))
        assert versions, f"{requirement.name} is not pinned: run `make lock`"
        assert all(requirement.specifier.contains(v, prereleases=True) for v in versions), (
            requirement,
            versions,
        )
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-c constraints.txt -e '.[dev]'" in makefile


def test_every_router_module_is_in_the_independence_contract() -> None:
    """A new module in handlers/ is kept from importing the others like the rest."""
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    contracts = pyproject["tool"]["importlinter"]["contracts"]
    (independent,) = [c for c in contracts if c["type"] == "independence"]
    routers = {f"handlers.{p.stem}" for p in (PROJECT_ROOT / "handlers").glob("*.py")}
    assert set(independent["modules"]) == routers - {"handlers.__init__"}
