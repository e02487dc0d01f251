"""Saving a schedule to the config file: comments and layout kept, checked by the real loader, atomic."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import load_config
from agent.config_edit import ScheduleEdit, save_schedule, schedule_problems
from agent.errors import ConfigError
from agent.texts.phrases import problem_line

TEXT = """\
# my installation: keep this comment
[agent]
home = "home"   # beside this file
log_dir = "logs"

[[company]]
name = "Ogrodnik"
database = "ogrodnik.sqlite"

# the garden shop runs all day
[company.schedule]
enabled = false
from_hour = 6   # opening
to_hour = 22
every_minutes = 30

[[company]]
name = "Sklep Rowerowy"
database = "rowery.sqlite"
[company.schedule]
cron = "*/15 8-17 * * 1-5"
"""


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_a_saved_schedule_keeps_comments_and_layout_and_loads(config_path: Path) -> None:
    edit = ScheduleEdit(enabled=True, from_hour=7, to_hour=21, every_minutes=15, jobs=("orders", "stock"),
                        operator="KASIA")
    config = save_schedule(config_path, "ogrodnik", edit)

    text = config_path.read_text(encoding="utf-8")
    for kept in ("# my installation: keep this comment", 'home = "home"   # beside this file',
                 "# the garden shop runs all day", 'name = "Sklep Rowerowy"', 'cron = "*/15 8-17 * * 1-5"'):
        assert kept in text
    schedule = load_config(config_path).company("Ogrodnik").schedule
    assert (schedule.enabled, schedule.from_hour, schedule.to_hour, schedule.every_minutes) == (True, 7, 21, 15)
    assert schedule.jobs == ("orders", "stock") and schedule.operator == "KASIA"
    assert config.path == config_path.resolve() and config.company("Ogrodnik").schedule == schedule
    # Only the schedule's lines changed; nothing was reordered.
    assert text.splitlines()[:10] == TEXT.splitlines()[:10]
    assert not [p for p in config_path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_window_replaces_a_cron_and_a_missing_table_is_added(tmp_path: Path, config_path: Path) -> None:
    save_schedule(config_path, "Sklep Rowerowy", ScheduleEdit(enabled=True, from_hour=22, to_hour=6))
    schedule = load_config(config_path).company("Sklep Rowerowy").schedule
    assert schedule.cron is None and (schedule.from_hour, schedule.to_hour) == (22, 6)

    bare = tmp_path / "bare.toml"
    bare.write_text('[[company]]\nname = "A"\ndatabase = "a.sqlite"\n', encoding="utf-8")
    save_schedule(bare, "A", ScheduleEdit(enabled=True, every_minutes=5))
    assert load_config(bare).company("A").schedule.every_minutes == 5


@pytest.mark.parametrize(("edit", "field", "words"), [
    (ScheduleEdit(from_hour=24), "from_hour", "0 to 23"),
    (ScheduleEdit(to_hour=25), "to_hour", "0 to 24"),
    (ScheduleEdit(from_hour=8, to_hour=8), "to_hour", "window is empty"),
    (ScheduleEdit(every_minutes=0), "every_minutes", "1 to 1440"),
    (ScheduleEdit(every_minutes=1441), "every_minutes", "1 to 1440"),
    (ScheduleEdit(jobs=()), "jobs", "at least one"),
    (ScheduleEdit(operator=" "), "operator", "empty"),
])
def test_a_broken_rule_is_refused_with_its_message_and_the_file_is_untouched(
        config_path: Path, edit: ScheduleEdit, field: str, words: str) -> None:
    assert words in schedule_problems(edit)[field]
    with pytest.raises(ConfigError) as caught:
        save_schedule(config_path, "Ogrodnik", edit)
    assert field in str(caught.value)
    assert config_path.read_text(encoding="utf-8") == TEXT


def test_the_form_rules_are_the_loaders_rules(tmp_path: Path) -> None:
    """Every edit the form allows loads; the rules refused above are refused by the loader too."""
    for from_hour, to_hour in ((0, 24), (23, 0), (8, 8), (0, 25)):
        path = tmp_path / f"c{from_hour}-{to_hour}.toml"
        path.write_text(f'[[company]]\nname = "A"\ndatabase = "a.sqlite"\n[company.schedule]\n'
                        f"from_hour = {from_hour}\nto_hour = {to_hour}\n", encoding="utf-8")
        form_ok = not schedule_problems(ScheduleEdit(from_hour=from_hour, to_hour=to_hour))
        try:
            load_config(path)
            loader_ok = True
        except ConfigError:
            loader_ok = False
        assert form_ok == loader_ok, (from_hour, to_hour)


def test_what_only_the_loader_refuses_leaves_the_file_untouched(tmp_path: Path) -> None:
    # The file already has a problem elsewhere: the loader's message names the real file, not the temp one.
    path = tmp_path / "config.toml"
    broken = TEXT.replace('log_dir = "logs"', 'log_dir = "logs"\nlanguage = "de"')
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        save_schedule(path, "Ogrodnik", ScheduleEdit(enabled=True))
    assert str(path.resolve()) in caught.value.problems[0] and "language" in caught.value.problems[0]
    # kept as facts too, for a front end to word in its language, naming the real file as well
    [finding] = caught.value.findings
    assert problem_line("pl", finding).startswith(f"{path.resolve()}:")
    assert 'agent.language: podano "de", dozwolone' in problem_line("pl", finding)
    assert path.read_text(encoding="utf-8") == broken
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_unknown_company_is_refused(config_path: Path) -> None:
    with pytest.raises(ConfigError, match="no company"):
        save_schedule(config_path, "Nikt", ScheduleEdit())
    assert config_path.read_text(encoding="utf-8") == TEXT
