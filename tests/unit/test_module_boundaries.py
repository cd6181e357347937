"""The rooms of docbatch stay apart: parsing, engines and sinks never reach up into the
orchestration (runner, pipeline, outputs, projection, CLI), no module takes another's private
names (the evaluations, benchmarks and scripts beside it neither), and no module outgrows the
house limit of 500 lines."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "docbatch"
#: Rooms that must not depend on the orchestration.
LOWER = ("parse", "engines", "sinks")
#: The orchestration: it imports the rooms above, never the other way round.
UPPER = ("docbatch.runner", "docbatch.pipeline", "docbatch.source_pages", "docbatch.page_answer", "docbatch.outputs",
         "docbatch.projection", "docbatch.cli")
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports (relative imports resolved; ``from x import y`` counts as x and x.y)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            out.add(source)
            out.update(f"{source}.{alias.name}" for alias in node.names)
    return out


def lower_modules() -> list[Path]:
    return sorted(p for room in LOWER for p in (PACKAGE / room).rglob("*.py"))


def test_the_resolver_sees_relative_imports() -> None:
    engines_base = PACKAGE / "engines" / "base.py"
    assert "docbatch.config" in imported(engines_base)  # ``from ..config import EngineSettings``
    assert module_name(PACKAGE / "parse" / "identity" / "__init__.py") == "docbatch.parse.identity"


def test_parsing_engines_and_sinks_never_import_the_orchestration() -> None:
    modules = lower_modules()
    assert len(modules) > 10 and all(m.suffix == ".py" for m in modules)
    bad = {str(path.relative_to(PACKAGE.parent)): sorted(m for m in imported(path)
                                                          if any(m == u or m.startswith(u + ".") for u in UPPER))
           for path in modules}
    assert not {k: v for k, v in bad.items() if v}, "modules importing the orchestration"


def test_no_module_is_over_the_house_limit() -> None:
    over = {str(p.relative_to(PACKAGE.parent)): n for p in sorted(PACKAGE.rglob("*.py"))
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not over, f"modules over {MAX_LINES} lines: {over}"


def private_imports(path: Path) -> list[str]:
    """The underscore names ``path`` takes from another module: what a module keeps private is its own."""
    return [f"{node.module}.{alias.name}"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
            if isinstance(node, ast.ImportFrom) and node.module != "__future__"
            for alias in node.names if alias.name.startswith("_") and not alias.name.startswith("__")]


def test_no_module_imports_another_modules_private_names() -> None:
    bad = {str(p.relative_to(PACKAGE.parent)): names for p in sorted(PACKAGE.rglob("*.py"))
           if (names := private_imports(p))}
    assert not bad, f"private names imported across modules: {bad}"


#: The tools beside the package (not in the wheel): they hold each other's helpers to the same rule.
TOOLS = ("evals", "benchmarks", "scripts")


def test_no_evaluation_benchmark_or_script_imports_another_modules_private_names() -> None:
    modules = sorted(p for room in TOOLS for p in (PACKAGE.parent / room).rglob("*.py"))
    assert len(modules) > 10
    bad = {str(p.relative_to(PACKAGE.parent)): names for p in modules if (names := private_imports(p))}
    assert not bad, f"private names imported across modules: {bad}"
