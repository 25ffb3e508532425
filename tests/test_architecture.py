"""The house rules of ``course/``, read from the source with :mod:`ast` (nothing imported).

docs/ARCHITECTURE.md draws the rooms; this module holds them to it:

* every module belongs to a room, and imports go one way between rooms: foundation ->
  data -> measures -> registry -> charts -> widgets -> grading -> publishing -> command
  line (a room may import from the rooms before it, never after);
* inside grading, the stages import one way too (:data:`STAGES`), and a stage that is a
  package is imported through its ``__init__`` only — the names in its ``__all__`` —
  so the trust boundary, ``course.grading.untrusted``, hands out only its checked, plain
  types; no room imports another's ``_private`` names;
* no import circle, counting the imports inside functions (a lazy import that closes a
  loop is a circle all the same);
* no module-level ``__getattr__`` (lazy back-import) except the package root's
  documented convenience: ``course.data`` etc. reached as attributes of ``course``;
* the hub is self-contained: only the command line imports it, and it imports only the
  foundation and the student edition.

Each rule is also run on a small made-up package that breaks it, so a rule that could
never fail would be noticed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from course.paths import PROJECT_ROOT

#: The rooms, in import order: a module may import from its own room and the rooms above
#: it in this list. A module is in the room of the longest prefix that names it.
ROOMS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("course.errors", "course.paths", "course.cellruns")),
    ("data", ("course.data",)),
    ("measures", ("course.measures", "course.models")),
    ("registry", ("course.registry", "course.readings", "course.claims")),
    ("charts", ("course.charts",)),
    ("widgets", ("course.widgets",)),
    ("grading", ("course.grading",)),
    ("publishing", ("course.publish",)),
    ("command line", ("course.cli", "course.__main__")),
]

#: The package root may reach every room lazily: ``course.setup()`` and attribute access
#: (``course.data.load``) — the documented convenience for notebooks (course/__init__.py).
ROOT = "course"

#: Grading's stages and the stages each may import from.
STAGES: dict[str, set[str]] = {
    "untrusted": set(),
    "testing": set(),
    "sandbox": {"untrusted"},
    "author": {"untrusted", "testing"},
    "run": {"untrusted", "testing", "sandbox", "author"},
    "check": {"untrusted", "testing", "sandbox", "author", "run"},
    "book": {"untrusted", "testing", "author", "run"},
    "gradescope": {"untrusted", "testing", "sandbox", "author", "run"},
}

#: What the hub may import, and who may import it.
HUB = "course.publish.hub"
HUB_MAY_IMPORT = ("course.errors", "course.paths", "course.publish.release", HUB)
HUB_IMPORTED_BY = ("course.cli", HUB)


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the module imported (a package's __init__ is the package's name)
    names: tuple[str, ...]  # for `from target import names`; () for `import target`
    line: int
    bound: tuple[str, ...] = ()  # local names bound to a course module by this import
    via: str = ""  # `from via import target's last part`: the package it was named through

    def where(self) -> str:
        return f"{self.source} (line {self.line})"


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` (its folder is ``root / package``), by dotted name."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _resolve(source: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = source.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(source: str, path: Path, modules: dict[str, Path], package: str) -> list[Import]:
    """The imports of one module that name a module of ``package`` (wherever they are)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == package or alias.name.startswith(package + "."):
                    bound = (alias.asname,) if alias.asname else ()
                    out.append(Import(source, alias.name, (), node.lineno, bound))
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(source, is_package, node)
            if target != package and not target.startswith(package + "."):
                continue
            plain = []
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:  # `from pkg import submodule`
                    out.append(Import(source, f"{target}.{alias.name}", (), node.lineno,
                                      (alias.asname or alias.name,), via=target))
                else:
                    plain.append(alias.name)
            if plain:
                out.append(Import(source, target, tuple(plain), node.lineno))
    return out


def exported(path: Path) -> set[str]:
    """The names in a module's ``__all__`` (read from its source)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return {e.value for e in node.value.elts if isinstance(e, ast.Constant)}
    return set()


def room_of(module: str, rooms=ROOMS) -> int | None:
    best, index = "", None
    for number, (_, prefixes) in enumerate(rooms):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, index = prefix, number
    return index


def stage_of(module: str, grading: str = "course.grading") -> str | None:
    if not module.startswith(grading + "."):
        return None
    return module[len(grading) + 1:].split(".")[0]


# ----------------------------------------------------------------------------- the rules


def unplaced(modules: dict[str, Path], rooms=ROOMS, root: str = ROOT) -> list[str]:
    return [m for m in modules if m != root and room_of(m, rooms) is None]


def upward(edges: list[Import], rooms=ROOMS, root: str = ROOT) -> list[str]:
    out = []
    for edge in edges:
        if edge.source == root or edge.target == root:
            continue
        have, want = room_of(edge.source, rooms), room_of(edge.target, rooms)
        if have is not None and want is not None and want > have:
            out.append(f"{edge.where()} imports {edge.target}: {rooms[have][0]} may not "
                       f"import from {rooms[want][0]}")
    return out


def across_stages(edges: list[Import], stages=STAGES, grading="course.grading") -> list[str]:
    out = []
    for edge in edges:
        have, want = stage_of(edge.source, grading), stage_of(edge.target, grading)
        if edge.source == grading and want:
            out.append(f"{edge.where()}: {grading}'s __init__ imports no stage")
        if have is None or want is None or have == want:
            continue
        if have not in stages or want not in stages:
            out.append(f"{edge.where()}: {have!r} or {want!r} is not a stage of {grading}")
        elif want not in stages[have]:
            out.append(f"{edge.where()} imports {edge.target}: the {have} stage may not "
                       f"import from the {want} stage")
    return out


def through_surfaces(edges: list[Import], modules: dict[str, Path],
                     grading="course.grading") -> list[str]:
    """A stage that is a package is imported by its name, and only names in its __all__."""
    out = []
    for edge in edges:
        want = stage_of(edge.target, grading)
        if want is None or stage_of(edge.source, grading) == want:
            continue
        surface = f"{grading}.{want}"
        if surface not in modules or modules[surface].name != "__init__.py":
            continue  # a stage that is one module: its public names are its surface
        if edge.target != surface:
            if edge.via == surface and edge.target.rsplit(".", 1)[1] in exported(
                    modules[surface]):
                continue  # a module the stage hands out by name (untrusted.answers)
            out.append(f"{edge.where()} imports {edge.target}: import it from {surface} "
                       "(its __init__) instead")
            continue
        missing = [n for n in edge.names if n not in exported(modules[surface])]
        if missing:
            out.append(f"{edge.where()} imports {missing} from {surface}, which does not "
                       "name them in __all__")
    return out


def private_names(edges: list[Import], modules: dict[str, Path], rooms=ROOMS,
                  grading="course.grading") -> list[str]:
    """No room (or grading stage) uses another's ``_private`` names."""
    def place(module: str):
        return (room_of(module, rooms), stage_of(module, grading))

    out = []
    for edge in edges:
        if place(edge.source) == place(edge.target):
            continue
        out += [f"{edge.where()} imports {n} from {edge.target}" for n in edge.names
                if n.startswith("_") and not n.startswith("__")]
        if edge.bound and not edge.names:
            tree = ast.parse(modules[edge.source].read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                        and node.value.id in edge.bound and node.attr.startswith("_") \
                        and not node.attr.startswith("__"):
                    out.append(f"{edge.source} (line {node.lineno}) uses "
                               f"{edge.target}.{node.attr}")
    return out


def circles(edges: list[Import]) -> list[list[str]]:
    """Import circles among the modules (depth-first search; each circle once)."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        if edge.source != edge.target:
            graph.setdefault(edge.source, set()).add(edge.target)
    found, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found


def lazy_getattr(modules: dict[str, Path], root: str = ROOT) -> list[str]:
    out = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if name != root and any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__"
                                for n in tree.body):
            out.append(f"{name} defines a module-level __getattr__ (a lazy import): import "
                       "what it names where it is used instead")
    return out


def hub_contained(edges: list[Import], hub=HUB, may=HUB_MAY_IMPORT, by=HUB_IMPORTED_BY):
    def under(module: str, prefixes) -> bool:
        return any(module == p or module.startswith(p + ".") for p in prefixes)

    out = []
    for edge in edges:
        if under(edge.source, (hub,)) and not under(edge.target, may):
            out.append(f"{edge.where()} imports {edge.target}: the hub imports only {may}")
        if under(edge.target, (hub,)) and not under(edge.source, by):
            out.append(f"{edge.where()} imports {edge.target}: only {by} import the hub")
    return out


# ----------------------------------------------------------------------------- the course


@pytest.fixture(scope="module")
def course():
    modules = module_files(PROJECT_ROOT, "course")
    edges = [e for name, path in modules.items()
             for e in imports_of(name, path, modules, "course")]
    return modules, edges


def test_every_module_belongs_to_a_room(course):
    modules, _ = course
    assert not unplaced(modules), ("modules in no room: add them to ROOMS in "
                                   f"tests/test_architecture.py: {unplaced(modules)}")


def test_imports_go_one_way_between_rooms(course):
    _, edges = course
    assert not upward(edges), "\n".join(upward(edges))


def test_grading_stages_import_one_way(course):
    modules, edges = course
    stages = {stage_of(m) for m in modules} - {None}
    assert stages == set(STAGES), f"grading's stages are {sorted(stages)}: update STAGES"
    assert not across_stages(edges), "\n".join(across_stages(edges))


def test_stages_are_imported_through_their_init(course):
    modules, edges = course
    problems = through_surfaces(edges, modules)
    assert not problems, "\n".join(problems)


def test_the_trust_boundary_is_imported_only_through_its_init(course):
    modules, edges = course
    boundary = "course.grading.untrusted"
    users = [e for e in edges if e.target.startswith(boundary)
             and not e.source.startswith(boundary)]
    assert {e.source for e in users} >= {"course.grading.sandbox", "course.grading.run.runner",
                                         "course.grading.book.gradebook"}
    surface = exported(modules[boundary])
    deep = [e.where() for e in users if e.target != boundary
            and not (e.via == boundary and e.target.rsplit(".", 1)[1] in surface)]
    assert not deep, f"import the trust boundary from {boundary} only: {deep}"


def test_no_room_uses_another_rooms_private_names(course):
    modules, edges = course
    problems = private_names(edges, modules)
    assert not problems, "\n".join(problems)


def test_no_import_circles(course):
    _, edges = course
    found = circles(edges)
    assert not found, "import circles: " + "; ".join(" -> ".join(c) for c in found)


def test_no_lazy_back_import_through_getattr(course):
    modules, _ = course
    assert not lazy_getattr(modules), lazy_getattr(modules)
    root = ast.parse(modules[ROOT].read_text(encoding="utf-8"))
    assert any(isinstance(n, ast.FunctionDef) and n.name == "__getattr__" for n in root.body), (
        "course/__init__.py no longer has its lazy attribute access: drop the exception "
        "for it here and in docs/ARCHITECTURE.md")


def test_the_hub_is_self_contained(course):
    _, edges = course
    assert not hub_contained(edges), "\n".join(hub_contained(edges))


# ------------------------------------------------------------- the rules can fail


FAKE = {
    "pkg/__init__.py": "def __getattr__(name):\n    import importlib\n"
                       "    return importlib.import_module('pkg.' + name)\n",
    "pkg/low.py": "from pkg import high\n",  # upward
    "pkg/high.py": "from pkg.low import thing\n",  # with low.py: a circle
    "pkg/stray.py": "x = 1\n",  # in no room
    "pkg/lazy.py": "def __getattr__(name):\n    raise AttributeError(name)\n",
    "pkg/grading/__init__.py": "from pkg.grading import run\n",
    "pkg/grading/untrusted/__init__.py": "from pkg.grading.untrusted.reader import read\n"
                                         "__all__ = ['read']\n",
    "pkg/grading/untrusted/reader.py": "def read():\n    pass\n\ndef _raw():\n    pass\n",
    "pkg/grading/author/__init__.py": "from pkg.grading.untrusted.reader import _raw\n"
                                      "__all__ = []\n",
    "pkg/grading/run/__init__.py": "from pkg.grading.book import x\n__all__ = []\n",
    "pkg/grading/book/__init__.py": "from pkg.grading.untrusted import nothing\n"
                                    "from pkg.grading import untrusted\nuntrusted._hidden\n"
                                    "__all__ = ['x']\nx = 1\n",
    "pkg/hub/__init__.py": "from pkg import low\n",
}
FAKE_ROOMS = [("low", ("pkg.low", "pkg.lazy", "pkg.hub")), ("high", ("pkg.high",)),
              ("grading", ("pkg.grading",))]
FAKE_STAGES = {"untrusted": set(), "author": {"untrusted"}, "run": {"untrusted", "author"},
               "book": {"untrusted", "author", "run"}}


@pytest.fixture
def fake(tmp_path):
    for name, text in FAKE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    modules = module_files(tmp_path, "pkg")
    edges = [e for name, path in modules.items() for e in imports_of(name, path, modules, "pkg")]
    return modules, edges


def test_each_rule_catches_what_it_forbids(fake):
    modules, edges = fake
    assert unplaced(modules, FAKE_ROOMS, root="pkg") == ["pkg.stray"]
    assert [p.split(" (")[0] for p in upward(edges, FAKE_ROOMS, root="pkg")] == ["pkg.low"]
    stages = across_stages(edges, FAKE_STAGES, grading="pkg.grading")
    assert any("pkg.grading's __init__ imports no stage" in p for p in stages)
    assert any("run stage may not import from the book stage" in p for p in stages)
    surfaces = through_surfaces(edges, modules, grading="pkg.grading")
    assert any("pkg.grading.author" in p and "import it from pkg.grading.untrusted" in p
               for p in surfaces)
    assert any("['nothing']" in p for p in surfaces)
    private = private_names(edges, modules, FAKE_ROOMS, grading="pkg.grading")
    assert any("imports _raw" in p for p in private)
    assert any("untrusted._hidden" in p for p in private)
    assert [c for c in circles(edges) if "pkg.low" in c and "pkg.high" in c]
    assert lazy_getattr(modules, root="pkg") == [
        "pkg.lazy defines a module-level __getattr__ (a lazy import): import what it names "
        "where it is used instead"]
    assert hub_contained(edges, hub="pkg.hub", may=("pkg.hub",), by=("pkg.cli",))
