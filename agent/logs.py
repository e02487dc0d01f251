"""Logging: loguru, configured once at the entry point, with every secret redacted.

Sinks: the console (INFO, or DEBUG with --verbose) and a file per day in the log dir
(`marketsync-YYYY-MM-DD.log`, kept `retention_days` days), optionally JSON lines beside it.
Every record passes the redactor first: tokens, device codes, passwords, `Bearer` headers and any
URL's query string (the marketplace's token endpoints carry secrets there) become `***`, and so
does any exact value registered with `register_secret` (the token store registers each token it
reads). The standard library's `logging` is routed into loguru so its records are redacted too,
and httpx2's own request logging stays at WARNING because its lines carry full URLs.

A line a person reads is logged with `say(level, key, **facts)`: the console, the daily file and the
TUI's log pane show it in the configured language (the `said` field the patcher fills in), while the
record's message stays English and the JSON lines keep `key`, the facts and the UTC time as fields.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import threading
from collections.abc import Mapping
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loguru import logger

from agent.domain import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    from loguru import Record

MASK = "***"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization headers.
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=\-]{4,}"), r"\1" + MASK),
    # Any query string of a URL: token endpoints carry deviceCode / refreshToken there.
    (re.compile(r"(?i)\b(https?://[^\s?#\"'<>]+)\?[^\s\"'<>]*"), r"\1?" + MASK),
    # key=value, key: value, "key": "value" for secret-looking keys (JSON bodies, form data, reprs).
    (
        re.compile(
            r"(?i)([\"']?\b(?:access_?token|refresh_?token|device_?code|id_?token|password|passwd|"
            r"client_?secret|secret|authorization)[\"']?\s*[:=]\s*[\"']?)([^\s\"'&,;}\]]+)"
        ),
        r"\1" + MASK,
    ),
)
_QUERY_SECRET = re.compile(r"(?i)([?&](?:deviceCode|refreshToken|code|token)=)[^&\s\"']+")


class Redactor:
    """Replaces secrets in text: known exact values first, then secret-looking patterns."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def register(self, secret: str | None) -> None:
        """Never let this exact value reach a sink (ignored if too short to be a secret)."""
        if secret and len(secret) >= 8:
            with self._lock:
                self._secrets.add(secret)

    def redact(self, text: str) -> str:
        if not text:
            return text
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        text = _QUERY_SECRET.sub(r"\1" + MASK, text)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


REDACTOR = Redactor()


def register_secret(secret: str | None) -> None:
    """Mark a value (a token, a device code) as secret for every log sink."""
    REDACTOR.register(secret)


def redact(text: str) -> str:
    """The text with every known or secret-looking value masked."""
    return REDACTOR.redact(text)


def _patch(record: Record) -> None:
    record["message"] = REDACTOR.redact(record["message"])
    extra = record["extra"]
    for key, value in list(extra.items()):
        if isinstance(value, str):
            extra[key] = REDACTOR.redact(value)
        elif isinstance(value, dict):
            extra[key] = {k: REDACTOR.redact(v) if isinstance(v, str) else v for k, v in value.items()}
    exc = record["exception"]
    if exc is not None and exc.value is not None:
        # The exception's text is printed by the sink; redact it by replacing its args.
        with contextlib.suppress(AttributeError, TypeError):
            exc.value.args = tuple(REDACTOR.redact(a) if isinstance(a, str) else a for a in exc.value.args)


def worded(language: str, value: object, zone: str = "UTC") -> object:
    """A fact of a log line as the line shows it: a phrase or an error in `language`, a moment in
    `zone`, a number as it is."""
    from agent.texts.phrases import value_in

    return value_in(language, value, zone)


def line_in(language: str, key: str, facts: dict[str, object], zone: str = "UTC") -> str:
    """The log line `key` in `language`, its facts worded (moments in `zone`), every secret masked."""
    from agent.texts import text

    try:
        said = text(language, key, **{name: worded(language, v, zone) for name, v in facts.items()})
    except (KeyError, IndexError, ValueError):
        # A line must never break the code that logs it: a sentence missing a fact shows the facts as they are.
        said = f"{key} {facts}"
    return REDACTOR.redact(said)


def say(level: str, key: str, /, *, company: str | None = None, exception: bool = False, **facts: object) -> None:
    """Log the line `key` of the catalogue (`agent.texts.log_en` / `log_pl`) with its facts.

    The record's message is the English line; `key` and `facts` ride along as extra fields, and the
    patcher `setup_logging` installs words the line again in the configured language for the console,
    the daily file and the TUI. `exception`: attach the exception being handled (its traceback).
    """
    _log(level, key, facts, company=company, exception=exception)


def say_facts(level: str, key: str, facts: Mapping[str, object], *, company: str | None = None) -> None:
    """`say` with the facts gathered in a mapping (a job's counts, say)."""
    _log(level, key, dict(facts), company=company, exception=False)


def _log(level: str, key: str, facts: dict[str, object], *, company: str | None, exception: bool) -> None:
    bound = logger.bind(key=key, facts=facts) if company is None else logger.bind(key=key, facts=facts, company=company)
    # depth 2: the record names the caller of `say`, not this module.
    bound.opt(depth=2, exception=exception).log(level, line_in("en", key, facts))


def human_line(record: Record) -> str:
    """What a person reads of a record: its line in the configured language when logging is set up."""
    said = record["extra"].get("said")
    return said if isinstance(said, str) else record["message"]


class _InterceptHandler(logging.Handler):
    """Sends standard-library log records to loguru, so they are redacted and filed too."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        logger.opt(depth=6, exception=record.exc_info).log(level, record.getMessage())


# The time fields come from the patcher `setup_logging` installs: the configured zone, offset written.
_FILE_FORMAT = "{extra[local_time]} | {extra[level]: <8} | {extra[company]} | {name}:{line} | {extra[said]}"
_CONSOLE_FORMAT = (
    "<green>{extra[local_clock]}</green> <level>{extra[level]: <7}</level> {extra[company]} {extra[said]}"
)


def _plain(value: object) -> object:
    """A fact fit for a JSON line: numbers, booleans and None as they are, anything else as masked text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return REDACTOR.redact(str(value))


def quiet_http_loggers() -> None:
    """httpx2 / httpcore log whole URLs at INFO and DEBUG: keep them at WARNING."""
    for name in ("httpx2", "httpx", "httpcore", "hpack", "uvicorn.access"):
        logging.getLogger(name).setLevel(logging.WARNING)


def setup_logging(
    log_dir: Path | None,
    *,
    verbose: bool = False,
    retention_days: int = 30,
    json_lines: bool = False,
    console: bool = True,
    console_stream: Any = None,
    timezone: str = DEFAULT_TIMEZONE,
    console_quiet: bool = False,
    language: str = "pl",
) -> None:
    """Configure every sink. Call once, from the entry point only.

    Console and file lines are in `language` and show the time in `timezone` with its offset; JSON
    lines keep the English message, the line's key and facts, and the time in UTC (`extra.utc`).
    `console_quiet`: the console shows warnings and errors only (unless `verbose`), for a command that
    prints its own progress to a person.
    """
    from agent.texts import level_word
    from agent.texts.clock import local_time

    def patch(record: Record) -> None:
        _patch(record)
        extra = record["extra"]
        key, facts = extra.get("key"), extra.get("facts")
        if isinstance(key, str) and isinstance(facts, dict):
            extra["said"] = line_in(language, key, facts, timezone)
            # The JSON sink writes the facts as they are: each one worded in English (moments in UTC), numbers kept.
            extra["facts"] = {name: _plain(worded("en", v)) for name, v in facts.items()}
        else:
            extra["said"] = record["message"]
        name = record["level"].name
        extra["level"] = level_word(language, name)
        moment = record["time"]
        extra["utc"] = moment.astimezone(UTC).isoformat(timespec="milliseconds")
        millis = f"{moment.microsecond // 1000:03d}"
        record["extra"]["local_time"] = local_time(moment, timezone, pattern=f"%Y-%m-%d %H:%M:%S.{millis}")
        record["extra"]["local_clock"] = local_time(moment, timezone, pattern="%H:%M:%S")

    logger.remove()
    logger.configure(patcher=patch, extra={"company": "-"})
    if console:
        logger.add(
            console_stream or sys.stderr,
            level="DEBUG" if verbose else ("WARNING" if console_quiet else "INFO"),
            format=_CONSOLE_FORMAT,
            colorize=None,
            backtrace=False,
            diagnose=False,
        )
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        logger.add(
            log_dir / "marketsync-{time:YYYY-MM-DD}.log",
            level="DEBUG",
            format=_FILE_FORMAT,
            rotation="00:00",
            retention=f"{retention_days} days",
            encoding="utf-8",
            enqueue=False,
            backtrace=False,
            diagnose=False,  # diagnose would print variable values, tokens among them
        )
        if json_lines:
            logger.add(
                log_dir / "marketsync-{time:YYYY-MM-DD}.jsonl",
                level="DEBUG",
                serialize=True,
                rotation="00:00",
                retention=f"{retention_days} days",
                encoding="utf-8",
                backtrace=False,
                diagnose=False,
            )
    logging.basicConfig(handlers=[_InterceptHandler()], level=logging.INFO, force=True)
    quiet_http_loggers()
