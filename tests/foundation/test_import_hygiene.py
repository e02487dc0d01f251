"""Nothing in `agent` loads Textual: the headless service must run without it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import agent


def _agent_modules() -> list[str]:
    names = ["agent"]
    for info in pkgutil.walk_packages(agent.__path__, prefix="agent."):
        if info.name == "agent.__main__":
            continue
        names.append(info.name)
    return names


def test_there_are_modules_to_check() -> None:
    modules = _agent_modules()
    assert "agent.config" in modules and "agent.cli" in modules


def test_no_agent_module_imports_textual() -> None:
    modules = _agent_modules()
    script = (
        "import importlib, sys\n"
        "bad = []\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "    if any(m == 'textual' or m.startswith('textual.') or m == 'tui' or m.startswith('tui.')"
        " for m in sys.modules):\n"
        "        bad.append(name); break\n"
        "print(bad)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"these load textual or tui: {result.stdout}"
