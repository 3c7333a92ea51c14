"""The code passes the same lint in CI as `make lint` locally, and keeps its contracts: imports, settings, paths."""
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


def test_import_contracts_hold():
    """The import contract across the seam (issue 17), ``[tool.importlinter]`` in pyproject.toml: no cycles
    between the sub-packages or modules of any package (also through imports inside functions, which used to
    hide cycles: actions.guided <-> actions.help, bot.benchmarks.gateway <-> bot.benchmarks.stack); the gateways
    load neither Rasa nor the actions and share only ``bot.relay``; the directory never reaches the NLU or Rasa;
    ``bot.text`` is the shared bottom layer; nothing in ``bot`` imports ``actions`` but ``veiviser resources show``."""
    lint_imports = paths.ROOT / ".venv" / "bin" / "lint-imports"
    command = [str(lint_imports)] if lint_imports.exists() else [shutil.which("lint-imports") or "lint-imports"]
    result = subprocess.run([*command, "--no-cache"], cwd=paths.ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


def _environment_variables_in_the_code() -> dict[str, str]:
    """Each environment variable name the code of bot/ and actions/ mentions, with the first file naming it:
    an ALL_CAPS_NAME string (not an ``__all__`` entry), or an upper-case first argument of get/getenv/
    setdefault/pop (``env.setdefault("PYTHONWARNINGS", …)``)."""
    import ast
    import re

    name = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
    not_settings = {"LC_MESSAGES"}  # a folder of a catalogue's path
    found: dict[str, str] = {}
    for path in sorted([*(paths.ROOT / "bot").rglob("*.py"), *(paths.ROOT / "actions").rglob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        exported = {id(element) for node in ast.walk(tree) if isinstance(node, ast.Assign)
                    and any(isinstance(target, ast.Name) and target.id == "__all__" for target in node.targets)
                    for element in ast.walk(node.value)}
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and name.fullmatch(node.value) \
                    and id(node) not in exported:
                names.append(node.value)
            elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                    and isinstance(node.args[0].value, str) and re.fullmatch(r"[A-Z][A-Z0-9_]+", node.args[0].value):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if called in ("get", "getenv", "setdefault", "pop"):
                    names.append(node.args[0].value)
            for variable in names:
                if variable not in not_settings:
                    found.setdefault(variable, path.relative_to(paths.ROOT).as_posix())
    return found


def test_every_environment_variable_is_in_docs_settings():
    """docs/settings.md's table lists exactly the variables the code reads, so it cannot rot (issue 17)."""
    import re

    table = (paths.ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", table, flags=re.MULTILINE))
    in_code = _environment_variables_in_the_code()
    undocumented = {variable: path for variable, path in in_code.items() if variable not in documented}
    assert undocumented == {}, "read in the code, not in docs/settings.md"
    stale = documented - set(in_code)
    assert stale == set(), "in docs/settings.md, but no longer in the code"


def test_the_paths_come_from_bot_paths():
    """No module finds the checkout's folders by climbing from its own file, or the help directory
    without ``paths.resources()`` (which honours VEIVISER_RESOURCES); a module's own file beside it is fine."""
    import re

    climbing = re.compile(r"Path\(__file__\)[^\n]*(\.parents\[|\.parent\.parent)|paths\.ROOT / \"(resources|locales)\"")
    offenders = [path.relative_to(paths.ROOT).as_posix()
                 for path in sorted([*(paths.ROOT / "bot").rglob("*.py"), *(paths.ROOT / "actions").rglob("*.py")])
                 if path.name != "paths.py" and climbing.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_training_rule_covers_the_code_the_model_imports():
    """``make train`` retrains when code the model runs changes: every bot module that config.yml's components
    import (directly or not) is under the Makefile's MODEL_CODE or named in TRAIN_DATA (bot/paths.py, which
    only says where files are, aside)."""
    import re

    import grimp
    import yaml

    makefile = (paths.ROOT / "Makefile").read_text(encoding="utf-8")
    model_code = re.search(r"^MODEL_CODE\s*:=(.*)$", makefile, flags=re.MULTILINE).group(1).split()
    train_data = re.search(r"^TRAIN_DATA\s*:=((?:.*\\\n)*.*)$", makefile, flags=re.MULTILINE).group(1)
    config = yaml.safe_load(paths.CONFIG.read_text(encoding="utf-8"))
    components = {step["name"].rsplit(".", 1)[0] for step in config["pipeline"] + config["policies"]
                  if step["name"].startswith("bot.")}
    graph = grimp.build_graph("bot", cache_dir=None)
    modules = set(components)
    for component in components:
        modules |= {m for m in graph.find_upstream_modules(component) if m.startswith("bot.")}
    files = {m: (paths.PACKAGE.parent / m.replace(".", "/")).with_suffix(".py") for m in modules}
    files = {m: f if f.exists() else f.with_suffix("") / "__init__.py" for m, f in files.items()}
    uncovered = sorted(m for m, f in files.items() if m != "bot.paths"
                       and not any(f.is_relative_to(paths.PACKAGE.parent / folder) for folder in model_code)
                       and f.relative_to(paths.PACKAGE.parent).as_posix() not in train_data)
    assert uncovered == [], "add them to MODEL_CODE or TRAIN_DATA in the Makefile"
    assert "bot/languages.yml" in train_data and "config.yml" in train_data


def test_the_gateways_and_the_directory_never_load_rasa():
    """The contract across the seam (issue 17): the Telegram gateway and the web chat are their own light
    processes, the help directory is plain Python for coordinators' tools; none may load Rasa (or TensorFlow)
    by any path, the web chat not python-telegram-bot either, and the directory not even ``bot.nlu`` (what it
    shares with the NLU, text folding and names, is in ``bot.text``).
    Checked in a fresh interpreter, by what is actually loaded, so indirect imports count too.

    Much of this is also an import contract (``test_import_contracts_hold``), which reads the import statements;
    both are kept on purpose: this one sees what a run really loads (a package's ``__init__``, which Python runs
    before any of its modules, e.g. ``bot.language`` for ``bot.language.negotiate``, and imports made by name),
    the contracts see imports no test run reaches (inside functions, on paths taken rarely)."""
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
        "web chat": ["bot.web.server", "bot.web.chat", "bot.cli.web", "bot.relay.rasa", "bot.relay.buttons",
                     "bot.relay.shared_state", "bot.relay.logs"],
        "directory": ["bot.directory", "bot.directory.present", "bot.directory.coverage", "bot.directory.load"],
    }
    for side, modules in sides.items():
        result = subprocess.run([sys.executable, "-c", probe, *modules], cwd=paths.ROOT, capture_output=True,
                                text=True, check=True)
        loaded = json.loads(result.stdout.strip().splitlines()[-1])
        assert loaded == [], f"the {side} loads {loaded[:5]}"
