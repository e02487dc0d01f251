"""Broken config files and damaged databases: a clear message naming the file, a usage or error
exit code, no traceback, and every file byte for byte as it was."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

import pytest

from agent.config import load_config
from agent.erp.seed import seed_company
from agent.erp.sqlite import SqliteErp
from agent.errors import ConfigError
from agent.state.store import StateDB
from agent.texts.phrases import problem_line

BAD_CONFIGS = Path(__file__).parents[1] / "foundation" / "bad_configs"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


async def _marketsync(folder: Path, *args: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "agent", *args,
        cwd=folder,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await proc.communicate()
    return proc.returncode if proc.returncode is not None else -1, out.decode(errors="replace")


async def test_every_broken_config_is_named_and_nothing_changes(tmp_path: Path) -> None:
    configs = sorted(BAD_CONFIGS.glob("*.toml"))
    assert len(configs) >= 20
    for source in configs:
        folder = tmp_path / source.stem
        folder.mkdir()
        (folder / "config.toml").write_bytes(source.read_bytes())
    before = {source.stem: _snapshot(tmp_path / source.stem) for source in configs}
    results = await asyncio.gather(
        *(_marketsync(tmp_path / s.stem, "--config", "config.toml", "sync", "Ogrodnik", "--orders") for s in configs)
    )
    for source, (code, out) in zip(configs, results, strict=True):
        expected = _shown(tmp_path / source.stem / "config.toml", source)
        assert code == 2, (source.name, out)
        assert "config.toml" in out and expected in out and "Traceback" not in out, (source.name, out)
        assert _snapshot(tmp_path / source.stem) == before[source.stem], source.name


def _shown(path: Path, source: Path) -> str:
    """The line `source` expects (its first line names it in English), as the command shows it: in Polish,
    as none of these files has a language line that parses."""
    expected = source.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").strip()
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    found = caught.value
    index = next(i for i, line in enumerate(found.problems) if expected in line)
    return problem_line("pl", found.findings[index]).split(": ", 1)[1]  # without the file's absolute path


def _config(folder: Path) -> Path:
    path = folder / "config.toml"
    path.write_text(
        '[agent]\nhome = "home"\nlog_dir = "logs"\ntoken_store = "file"\n\n'
        '[marketplace]\nbase_url = "http://127.0.0.1:9/api"\n\n'
        '[[company]]\nname = "Ogrodnik"\ndatabase = "ogrodnik.sqlite"\nprice_type = "detaliczna"\n',
        encoding="utf-8",
    )
    return path


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _newer(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("which", ["company", "state"])
@pytest.mark.parametrize("damage", [_garbage, _truncated, _newer], ids=["garbage", "truncated", "newer"])
async def test_a_damaged_database_is_named_and_left_as_it_was(tmp_path: Path, which: str, damage: object) -> None:
    _config(tmp_path)
    company = tmp_path / "ogrodnik.sqlite"
    await (await SqliteErp.open(company)).close()
    await asyncio.to_thread(seed_company, company, products=30, seed=1)
    async with StateDB(tmp_path / "home" / "state.sqlite") as state:
        await state.quarantine_order("Ogrodnik", 1, "test", "{}")
    target = company if which == "company" else tmp_path / "home" / "state.sqlite"
    assert callable(damage)
    damage(target)
    before = target.read_bytes()
    code, out = await _marketsync(tmp_path, "--config", "config.toml", "sync", "Ogrodnik", "--orders")
    assert code != 0 and "Traceback" not in out, out
    assert target.name in out, out
    assert target.read_bytes() == before
