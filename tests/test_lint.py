"""The code passes the same lint in CI as `make lint` locally."""
import shutil
import subprocess
import sys

from bot import paths


def test_ruff_passes():
    ruff = shutil.which("ruff", path=str(paths.ROOT / ".venv" / "bin")) or shutil.which("ruff")
    command = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    result = subprocess.run([*command, "check", "bot", "actions", "tests"], cwd=paths.ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_actions_modules_import_each_other_without_a_cycle():
    """Every import between modules of ``actions/``, also inside functions, goes one way (issue 17)."""
    import ast

    from bot import paths

    graph: dict[str, set[str]] = {}
    for path in (paths.ROOT / "actions").glob("*.py"):
        if path.stem == "__init__":
            continue
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.startswith("actions."):
                    imported.add(node.module.split(".")[1])
                elif node.module == "actions":
                    imported |= {alias.name for alias in node.names}
        graph[path.stem] = imported & {p.stem for p in (paths.ROOT / "actions").glob("*.py")}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in graph.get(start, ()))

    assert not [module for module in graph if reaches(module, module, {module})]
