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


def test_no_two_modules_import_each_other_not_even_inside_functions():
    """Imports between the modules of ``bot/`` and ``actions/`` go one way (issue 17): also the
    function-local ones, which used to hide cycles (actions.guided ↔ actions.help,
    bot.benchmarks.gateway ↔ bot.benchmarks.stack). A package's ``__init__`` is not a module here."""
    import ast

    from bot import paths

    modules = {}
    for package in ("bot", "actions"):
        for path in (paths.ROOT / package).rglob("*.py"):
            if path.stem != "__init__":
                modules[".".join(path.relative_to(paths.ROOT).with_suffix("").parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported |= {f"{node.module}.{alias.name}" for alias in node.names} | {node.module}
            elif isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
        graph[name] = (imported & set(modules)) - {name}

    def reaches(start: str, goal: str, seen: frozenset[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in graph[start])

    assert not [module for module in graph if reaches(module, module, frozenset({module}))]


def test_the_gateways_and_the_directory_never_load_rasa():
    """The contract across the seam (issue 17): the Telegram gateway and the web chat are their own light
    processes, the help directory is plain Python for coordinators' tools; none may load Rasa (or TensorFlow)
    by any path, the web chat not python-telegram-bot either, and the directory not even ``bot.nlu`` (what it
    shares with the NLU, text folding and names, is in ``bot.text``).
    Checked in a fresh interpreter, by what is actually loaded, so indirect imports count too."""
    import json

    from bot import paths

    probe = (
        "import importlib, json, sys\n"
        "for name in sys.argv[1:]: importlib.import_module(name)\n"
        "heavy = ('rasa', 'rasa_sdk', 'tensorflow') + (('telegram',) if 'bot.web.server' in sys.argv else ())\n"
        "upward = ('bot.nlu',) if 'bot.directory' in sys.argv else ()\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "                        or any(m == u or m.startswith(u + '.') for u in upward))))"
    )
    sides = {
        "gateway": ["bot.telegram.app", "bot.telegram.gateway", "bot.telegram.handlers", "bot.telegram.shared_state",
                    "bot.telegram.ops", "bot.telegram.request", "bot.cli.telegram"],
        "web chat": ["bot.web.server", "bot.web.chat", "bot.cli.web", "bot.relay.rasa", "bot.relay.buttons"],
        "directory": ["bot.directory", "bot.directory.present", "bot.directory.coverage", "bot.directory.load"],
    }
    for side, modules in sides.items():
        result = subprocess.run([sys.executable, "-c", probe, *modules], cwd=paths.ROOT, capture_output=True,
                                text=True, check=True)
        loaded = json.loads(result.stdout.strip().splitlines()[-1])
        assert loaded == [], f"the {side} loads {loaded[:5]}"
