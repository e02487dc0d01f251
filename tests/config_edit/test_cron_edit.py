"""A cron schedule saved to the config file: the other kind's keys go, comments stay; what is wrong is said."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from agent.config import CompanyConfig, load_config
from agent.config_edit import ScheduleEdit, save_schedule, schedule_problems, upcoming_fires
from agent.core.cron_check import CronProblem, cron_problem
from agent.errors import ConfigError
from agent.runtime.scheduler import Scheduler

TEXT = """\
# my installation: keep this comment
[agent]
home = "home"
log_dir = "logs"

[[company]]
name = "Ogrodnik"
database = "ogrodnik.sqlite"

# the garden shop: keep me
[company.schedule]
enabled = true
from_hour = 6   # opening
to_hour = 22
every_minutes = 30
# which jobs: keep me
jobs = ["orders", "offers"]
operator = "ADMIN"
# cron = "*/15 8-17 * * 1-5"   (an example the operator keeps)

[[company]]
name = "Sklep Rowerowy"
database = "rowery.sqlite"
[company.schedule]
cron = "*/15 8-17 * * 1-5"   # weekdays only
"""

WARSAW = ZoneInfo("Europe/Warsaw")


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_a_cron_replaces_the_window_in_place_and_every_other_line_stays(config_path: Path) -> None:
    edit = replace(ScheduleEdit.of(load_config(config_path).company("Ogrodnik").schedule), cron="  0 7  * * 1-6 ")
    save_schedule(config_path, "Ogrodnik", edit)

    expected = TEXT.replace("from_hour = 6   # opening\nto_hour = 22\nevery_minutes = 30\n", 'cron = "0 7 * * 1-6"\n')
    assert config_path.read_text(encoding="utf-8") == expected
    schedule = load_config(config_path).company("Ogrodnik").schedule
    assert schedule.cron == "0 7 * * 1-6" and schedule.enabled and schedule.jobs == ("orders", "offers")


def test_window_to_cron_to_window_gives_the_original_text_back(config_path: Path) -> None:
    window = ScheduleEdit.of(load_config(config_path).company("Ogrodnik").schedule)
    save_schedule(config_path, "Ogrodnik", replace(window, cron="30 9 * * *"))
    assert "from_hour" not in config_path.read_text(encoding="utf-8").split("[[company]]")[1]
    save_schedule(config_path, "Ogrodnik", window)
    # The comment that sat on the from_hour line went with that line; everything else is byte for byte.
    assert config_path.read_text(encoding="utf-8") == TEXT.replace("from_hour = 6   # opening", "from_hour = 6")


def test_a_changed_cron_keeps_the_comment_on_its_line(config_path: Path) -> None:
    save_schedule(config_path, "Sklep Rowerowy", ScheduleEdit(enabled=True, cron="0 8-16 * * 1-5"))
    text = config_path.read_text(encoding="utf-8")
    assert 'cron = "0 8-16 * * 1-5"   # weekdays only' in text
    assert text.split("[[company]]")[1] == TEXT.split("[[company]]")[1]
    assert load_config(config_path).company("Sklep Rowerowy").schedule.cron == "0 8-16 * * 1-5"


@pytest.mark.parametrize(("expression", "problem"), [
    ("", CronProblem("empty", "")),
    ("   ", CronProblem("empty", "")),
    ("* * * *", CronProblem("count", "4")),
    ("*/15 8-25 * * 1-5", CronProblem("field", "8-25", "hour")),
    ("61 * * * *", CronProblem("field", "61", "minute")),
    ("*/0 * * * *", CronProblem("field", "*/0", "minute")),
    ("0 8 0 * *", CronProblem("field", "0", "day")),
    ("0 8 1 13 *", CronProblem("field", "13", "month")),
    ("0 8 * * mon-fry", CronProblem("field", "mon-fry", "weekday")),
    ("@sometimes", CronProblem("invalid", "@sometimes")),
    ("*/15 8-17 * * 1-5", None),
    ("0 8 * * mon-fri", None),
    ("@daily", None),
])
def test_what_is_wrong_with_a_cron_names_the_field(expression: str, problem: CronProblem | None) -> None:
    assert cron_problem(expression) == problem


def test_a_bad_cron_is_refused_with_its_field_and_an_example_and_the_file_is_untouched(config_path: Path) -> None:
    edit = ScheduleEdit(enabled=True, cron="*/15 8-25 * * 1-5")
    message = schedule_problems(edit)["cron"]
    assert "hour" in message and "8-25" in message and "0-23" in message and "*/15 8-17 * * 1-5" in message
    with pytest.raises(ConfigError, match="cron"):
        save_schedule(config_path, "Ogrodnik", edit)
    assert config_path.read_text(encoding="utf-8") == TEXT


def test_a_cron_edit_ignores_the_window_numbers(config_path: Path) -> None:
    """The form keeps the hidden window's inputs; with a cron they are neither checked nor saved."""
    edit = ScheduleEdit(enabled=True, from_hour=99, to_hour=99, every_minutes=0, cron="0 8 * * *")
    assert schedule_problems(edit) == {}
    save_schedule(config_path, "Ogrodnik", edit)
    assert "99" not in config_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("expression", ["0 8 * * *", "0 24 * * *", "*/15 8-17 * * 1-5", "0 8 * * 8", "* * * *",
                                        "@weekly", "0 8 30 2 *", "0 0 1 1 * 0"])
def test_the_form_accepts_a_cron_exactly_when_the_loader_does(tmp_path: Path, expression: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[[company]]\nname = "A"\ndatabase = "a.sqlite"\n[company.schedule]\ncron = "{expression}"\n',
                    encoding="utf-8")
    try:
        load_config(path)
        loader_ok = True
    except ConfigError:
        loader_ok = False
    assert (cron_problem(expression) is None) == loader_ok


def test_the_upcoming_fires_are_what_the_scheduler_plans() -> None:
    # Friday 27 November 2026, 17:50 in Warsaw: the weekday cron next fires on Monday morning.
    now = datetime(2026, 11, 27, 16, 50, tzinfo=UTC)
    edit = ScheduleEdit(enabled=False, cron="*/15 8-17 * * 1-5")
    fires = upcoming_fires(edit, now, WARSAW)
    assert [f.astimezone(WARSAW).strftime("%a %H:%M") for f in fires] == ["Mon 08:00", "Mon 08:15", "Mon 08:30"]

    company = CompanyConfig(name="A", database=Path("a.sqlite"), schedule=replace(edit.as_schedule(), enabled=True))

    async def never(_: object) -> None:  # pragma: no cover - a planned fire is never reached here
        raise AssertionError

    scheduler = Scheduler([company], "Europe/Warsaw", on_fire=never, clock=lambda: now)
    assert scheduler.next_fire("A") == fires[0]


def test_no_upcoming_fire_for_a_bad_or_never_firing_edit() -> None:
    now = datetime(2026, 11, 27, 16, 50, tzinfo=UTC)
    assert upcoming_fires(ScheduleEdit(cron="0 8 30 2 *"), now, WARSAW) == ()
    assert upcoming_fires(ScheduleEdit(cron="0 25 * * *"), now, WARSAW) == ()
    assert upcoming_fires(ScheduleEdit(from_hour=8, to_hour=8), now, WARSAW) == ()
    window = upcoming_fires(ScheduleEdit(from_hour=18, to_hour=20, every_minutes=45), now, WARSAW)
    assert [f.astimezone(WARSAW).strftime("%d %H:%M") for f in window] == ["27 18:00", "27 18:45", "27 19:30"]


def test_keys_the_table_lacks_are_added_in_the_forms_order_around_the_operators_comments(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[company]]\nname = "A"\ndatabase = "a.sqlite"\n\n[company.schedule]\n# who runs it\n'
                    'operator = "KASIA"  # the shop\n\n# trailing: keep me\n\n'
                    '[[company]]\nname = "B"\ndatabase = "b.sqlite"\n[company.schedule]\ncron = "0 8 * * *"',
                    encoding="utf-8")
    save_schedule(path, "A", ScheduleEdit(enabled=True, cron="0 9 * * *", jobs=("orders",), operator="KASIA"))
    save_schedule(path, "B", ScheduleEdit(enabled=True, every_minutes=20))

    assert path.read_text(encoding="utf-8") == (
        '[[company]]\nname = "A"\ndatabase = "a.sqlite"\n\n[company.schedule]\nenabled = true\n'
        'cron = "0 9 * * *"\njobs = ["orders"]\n# who runs it\noperator = "KASIA"  # the shop\n\n'
        '# trailing: keep me\n\n[[company]]\nname = "B"\ndatabase = "b.sqlite"\n[company.schedule]\n'
        'enabled = true\nfrom_hour = 6\nto_hour = 22\nevery_minutes = 20\n'
        'jobs = ["orders", "offers", "stock", "prices"]\noperator = "ADMIN"\n')
    assert load_config(path).company("B").schedule.every_minutes == 20


def test_a_new_schedule_table_keeps_a_blank_line_before_the_next_company(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[company]]\nname = "A"\ndatabase = "a.sqlite"\n\n'
                    '[[company]]\nname = "B"\ndatabase = "b.sqlite"\n', encoding="utf-8")
    save_schedule(path, "A", ScheduleEdit(enabled=True, cron="0 9 * * *"))
    assert 'operator = "ADMIN"\n\n[[company]]\nname = "B"' in path.read_text(encoding="utf-8")
