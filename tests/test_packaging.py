"""`pip install .` ships every package, and the catalogs' sources as `bot.locales`."""

import tomllib

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


def test_no_test_module_imports_another() -> None:
    """What tests share lives in helper modules (harness, driver, factories, seeds, kits)."""
    tests = PROJECT_ROOT / "tests"
    offenders = [
        f"{path.name}: {line.strip()}"
        for path in sorted(tests.glob("*.py"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith(("from tests.test_", "import tests.test_"))
    ]
    assert offenders == []
