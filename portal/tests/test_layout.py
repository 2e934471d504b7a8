"""The layout rules of the README, checked: imports between apps point one
way (home -> evaluation -> registration/training -> portal), portal imports no app except
in urls.py, and no module imports itself back through a circle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "home", "registration", "training", "evaluation")
# Which apps each app's code may import (besides itself).
ALLOWED = {
    "portal": set(),
    "registration": {"portal"},
    "training": {"portal"},
    "evaluation": {"portal", "registration", "training"},
    "home": {"portal", "registration", "training", "evaluation"},
}
# The URL configuration wires every app's views together.
PORTAL_EXCEPTIONS = {"portal/urls.py"}


def source_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/tests/" in relative or "/migrations/" in relative:
                continue
            yield relative, path


def module_name(relative):
    name = relative[: -len(".py")].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def imports(relative, path, top_level_only=False):
    """The absolute names of the modules this file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = module_name(relative)
    package = module if relative.endswith("__init__.py") else module.rpartition(".")[0]
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            yield target
            # "from package import module" imports the module too
            yield from (f"{target}.{alias.name}" for alias in node.names)


def test_imports_between_apps_point_one_way():
    wrong = []
    for relative, path in source_files():
        app = relative.split("/")[0]
        for target in imports(relative, path):
            other = target.split(".")[0]
            if other in APPS and other != app and other not in ALLOWED[app]:
                if relative not in PORTAL_EXCEPTIONS:
                    wrong.append(f"{relative} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_no_import_circles_between_modules():
    files = dict(source_files())
    modules = {module_name(relative): relative for relative in files}
    graph = {}
    for module, relative in modules.items():
        targets = {t for t in imports(relative, files[relative], top_level_only=True) if t in modules}
        graph[module] = targets - {module}

    def is_package_of(package, module):
        return module.startswith(package + ".")

    circles = []
    state = {}

    def visit(module, trail):
        state[module] = "open"
        for target in graph[module]:
            # A package's __init__ re-exporting its own modules is not a circle.
            if is_package_of(module, target) or is_package_of(target, module):
                continue
            if state.get(target) == "open":
                circles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not circles, "\n".join(circles)


@pytest.mark.parametrize("app", ["registration", "training"])
def test_every_sub_package_is_in_the_readme(app):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    standard = {"migrations", "tests", "management", "templatetags"}
    packages = sorted(
        p.parent.relative_to(ROOT).as_posix()
        for p in (ROOT / app).glob("*/__init__.py")
        if p.parent.name not in standard
    )
    missing = [package for package in packages if f"`{package}/`" not in readme]
    assert not missing, f"README's layout table lacks {missing}"
