"""One exception tree for the whole agent, named by what the caller does next.

    MarketsyncError                 base; `hint` says what to do, in words an operator understands
    ├── ConfigError                 fix the configuration (file, line, key named) -> exit 2
    ├── RetryLater                  a passing fault: back off, the next attempt may work
    │   ├── MarketplaceUnavailable  5xx, timeouts, dropped connections, open circuit breaker
    │   ├── RateLimited             429: wait `retry_after` seconds before the next request
    │   └── LeaseHeld               another run holds the company lease (who, since when)
    │       └── LeaseInterrupted    the last run died holding it: confirm, then take it over
    ├── RelinkAccount               the account's tokens no longer work ("Błąd połączenia"): link again
    ├── SkipItem                    this product / order / offer cannot go through; the others can
    │   ├── InvalidItem             breaks a publication rule or has bad data (field named)
    │   └── MalformedAnswer         the marketplace sent a body we cannot parse (raw payload kept)
    ├── StorageError                a database or file cannot be used (damaged, newer version, disk full)
    │   └── LeaseLost               a write's fencing token is stale: another run took the company over
    └── Bug                         our own fault: report it (an invariant broke)

A message never contains a token, a device code or a token-endpoint URL: use `strip_query` on any
URL before it goes into a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True, slots=True)
class Phrase:
    """A sentence kept as facts: a text key and the values it names, worded only when shown.

    The configuration is read before its language is known, so its findings are kept this way and
    `agent.texts.phrases` words them in whatever language the reader has. A value may be a Phrase.
    """

    key: str
    values: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Count:
    """A counted word kept as facts ("3 runs", "3 przebiegi"), worded with the language's plural form.

    `word` is the key of the counted word in the catalogue (its forms are `word.one`, `word.few`...).
    """

    n: int
    word: str


@dataclass(frozen=True, slots=True)
class At:
    """A moment kept as a fact, shown in the reader's configured time zone with its offset written.

    `clock`: the time of day only, without the date and the offset.
    """

    moment: datetime
    clock: bool = False


class MarketsyncError(Exception):
    """Base of every error the agent raises on purpose.

    The message is English (the machine log keeps it); `phrase`, when given, holds the same sentence
    as a text key and its facts, and `hint_phrase` the hint, so a front end or a person's log line
    words them in the operator's language (`agent.texts.hints`).
    """

    hint: str = ""
    phrase: Phrase | None = None
    hint_phrase: Phrase | None = None

    def __init__(
        self, message: str, *, hint: str | None = None, phrase: Phrase | None = None, hint_phrase: Phrase | None = None
    ) -> None:
        super().__init__(message)
        if hint is not None:
            self.hint = hint
        if phrase is not None:
            self.phrase = phrase
        if hint_phrase is not None:
            self.hint_phrase = hint_phrase

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        text = self.message
        return f"{text} ({self.hint})" if self.hint else text


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """One finding of a configuration load: where it is, which key, and what is wrong, as facts."""

    where: str
    """The file and line ("/etc/marketsync.toml:12"), or the file alone."""
    label: str | Phrase | None
    """The key ("agent.timezone") or table ("[company]"), a phrase (the top level), or None (the file)."""
    what: Phrase


class ConfigError(MarketsyncError):
    """The configuration is wrong; `problems` lists every finding (one line each, in English).

    `findings`, when given, holds the same findings as facts, so a front end can word them in the
    operator's language; `hint_phrase` likewise for a hint of its own.
    """

    hint = "fix the configuration file and run `marketsync config check`"

    def __init__(
        self,
        message: str,
        *,
        problems: tuple[str, ...] = (),
        hint: str | None = None,
        findings: tuple[ConfigProblem, ...] = (),
        hint_phrase: Phrase | None = None,
        phrase: Phrase | None = None,
    ) -> None:
        super().__init__(message, hint=hint, phrase=phrase, hint_phrase=hint_phrase)
        self.problems = problems or (message,)
        self.findings = findings


class RetryLater(MarketsyncError):
    """A passing fault; the same call may work later."""

    hint = "it will be retried; if it persists, check the network and the marketplace status"


class MarketplaceUnavailable(RetryLater):
    """The marketplace did not answer usefully (5xx, timeout, reset, open circuit breaker)."""


class RateLimited(RetryLater):
    """Over the marketplace's rate limit; no request before `retry_after` seconds elapse."""

    def __init__(
        self, message: str, *, retry_after: float, hint: str | None = None,
        phrase: Phrase | None = None, hint_phrase: Phrase | None = None,
    ) -> None:
        super().__init__(message, hint=hint, phrase=phrase, hint_phrase=hint_phrase)
        self.retry_after = retry_after


class LeaseHeld(RetryLater):
    """Another run holds the company's lease; `status` carries who, what and since when."""

    hint = "wait for it to finish, or take it over explicitly"

    def __init__(
        self, message: str, *, status: object = None, hint: str | None = None,
        phrase: Phrase | None = None, hint_phrase: Phrase | None = None,
    ) -> None:
        super().__init__(message, hint=hint, phrase=phrase, hint_phrase=hint_phrase)
        self.status = status


class RelinkAccount(MarketsyncError):
    """The account's tokens were refused (`invalid_grant`, revoked): link the account again."""

    hint = "link the account again: `marketsync connect COMPANY`"


class SkipItem(MarketsyncError):
    """This one item cannot be processed; the run goes on with the others."""


class InvalidItem(SkipItem):
    """An item breaks a rule; `field` names what to fix."""

    def __init__(
        self, message: str, *, field: str = "", hint: str | None = None,
        phrase: Phrase | None = None, hint_phrase: Phrase | None = None,
    ) -> None:
        super().__init__(message, hint=hint, phrase=phrase, hint_phrase=hint_phrase)
        self.field = field


class MalformedAnswer(SkipItem):
    """The marketplace's answer did not parse; `payload` keeps the raw text for the run report."""

    hint = "the item is kept aside; report it if it repeats"

    def __init__(
        self, message: str, *, payload: str = "", hint: str | None = None,
        phrase: Phrase | None = None, hint_phrase: Phrase | None = None,
    ) -> None:
        super().__init__(message, hint=hint, phrase=phrase, hint_phrase=hint_phrase)
        self.payload = payload


class StorageError(MarketsyncError):
    """A database or file cannot be used: damaged, from a newer version, or the disk is full."""

    hint = "check the file named in the message; restore it from a backup if it is damaged"


class Bug(MarketsyncError):
    """An invariant broke: our fault, not the user's."""

    hint = "please report this with the log file"


def strip_query(url: str) -> str:
    """The URL without its query string and fragment, safe for a log line or a message."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def mask_url(url: str) -> str:
    """A URL fit to print: no user info, no query (either may carry a secret)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    masked = f"{parts.scheme}://{host}{parts.path}" if parts.scheme else url.split("?", maxsplit=1)[0]
    return masked + ("?***" if parts.query else "")


class LeaseLost(StorageError):
    """A write carried a fencing token that is no longer the company's: another run took the lease over.

    Nothing of the refused write was stored; the run must stop writing.
    """

    hint = "another run took over this company's sync; this run stopped without writing"


class LeaseInterrupted(LeaseHeld):
    """The company's last run died holding the lease (its process is gone): confirm before running.

    Nothing is running now; a new run must take the lease over explicitly.
    """

    hint = "the previous run was interrupted; run again to resume it (confirm, or pass --yes)"


class RunStopped(MarketsyncError):
    """The process is shutting down: the run stopped at a checkpoint between items (it resumes next time)."""

    hint = "the agent was stopping; the next run goes on from where this one stopped"


class TooManyEnds(MarketsyncError):
    """A run would end more of the active offers than `[agent] max_end_percent` allows, and nobody
    agreed: nothing was ended and the run stopped (a wrong database path looks exactly like this)."""

    hint = (
        "check the company's database path and which products are shared for sale; to end them anyway "
        "run `marketsync sync COMPANY --offers --allow-ends`"
    )


class AccountChangeRefused(MarketsyncError):
    """Linking would move the company to a different seller account, and that was not agreed (or a
    run of the company is going): the old link, its tokens and its offer links stay as they were."""

    hint = "to move the company to the other account, run `marketsync connect COMPANY --new-account`"
