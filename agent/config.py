"""The configuration: one TOML file loaded into frozen dataclasses.

`load_config(path)` reads the file with tomllib and validates every key; it raises `ConfigError`
whose `problems` list every finding (file, line, key, what was found, what is allowed). Unknown
keys are errors with a "did you mean". `config.example.toml` documents each key and is loaded by a
test, so the two cannot drift. Paths in the file are relative to the file itself.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent import paths
from agent.config_findings import not_toml, one_problem
from agent.config_reader import Problems, SourceIndex, TableReader, found_allowed
from agent.domain import DEFAULT_JOBS, DEFAULT_TIMEZONE, JOB_ORDER, LEAD_TIMES, JobName, LeadTime, ScheduleConfig
from agent.errors import ConfigError, ConfigProblem, Phrase, mask_url

Language = Literal["pl", "en"]
TokenStore = Literal["auto", "keyring", "file"]
ErpKind = Literal["embedded", "optima"]

DEFAULT_BASE_URL = "http://127.0.0.1:8765/api"
# Optima's defaults: whatever is paid before shipping becomes a bank transfer, cash on delivery cash.
# The keys are the live payment types (and cashOnDelivery, which an order tells by its payment status).
DEFAULT_PAYMENT_FORMS: Mapping[str, str] = MappingProxyType(
    {
        "fastTransfer": "przelew",
        "traditionalTransfer": "przelew",
        "card": "przelew",
        "blik": "przelew",
        "prePayment": "przelew",
        "installment": "przelew",
        "cashOnDelivery": "gotówka",
    }
)
# The keys before the live payment types were known, and what each became.
_OLD_PAYMENT_KEYS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "online": ("fastTransfer", "card", "blik", "installment"),
        "transfer": ("traditionalTransfer", "prePayment"),
    }
)


@dataclass(frozen=True, slots=True)
class AgentConfig:
    """`[agent]`: where the agent keeps its things and how it speaks."""

    home: Path
    """State database, tokens and lock files."""
    log_dir: Path
    """Daily rotating log files."""
    timezone: str = DEFAULT_TIMEZONE
    """Time zone of schedules and of times shown to operators."""
    language: Language = "pl"
    max_parallel_runs: int = 8
    """Automatic runs of different companies at once."""
    token_store: TokenStore = "auto"
    """Where tokens live: the OS keyring, a 0600 file, or the keyring when one works (auto)."""
    log_retention_days: int = 30
    log_json: bool = False
    """Also write JSON lines (one object per log record) next to the text log."""
    max_end_percent: int = 20
    """A run that would end more than this share (%) of a company's active offers stops and asks."""


@dataclass(frozen=True, slots=True)
class MarketplaceConfig:
    """`[marketplace]`: which wszystko.pl to talk to."""

    base_url: str = DEFAULT_BASE_URL
    requests_per_minute: int = 600
    """Client-side limit per account, so the server's 429 stays rare."""


@dataclass(frozen=True, slots=True)
class OfferDefaults:
    """`[company.offer_defaults]`: terms an offer gets unless its product names its own."""

    shipping_tariff: str | None = None
    return_policy: str | None = None
    complaint_policy: str | None = None
    guarantee: str | None = None
    lead_time: LeadTime | None = None


@dataclass(frozen=True, slots=True)
class OptimaConfig:
    """`[company.optima]`: where a company's Comarch ERP Optima database is (SQL Server, schema CDN)."""

    server: str = ""
    """Host, or host\\INSTANCE for a named instance such as SQL Server Express ("SKLEP-PC\\OPTIMA")."""
    port: int | None = None
    database: str = ""
    """The company database ("CDN_Firma"), not the configuration database."""
    user: str = ""
    password: str = field(default="", repr=False)
    """The SQL login's password; empty with `password_keyring` (the system keyring holds it)."""
    password_keyring: bool = False
    import_folder: Path | None = None
    """Where order XML files are written for Optima's "Import dokumentów z pliku XML"."""
    parameters: Mapping[str, str] = field(default_factory=dict)
    """Marketplace parameter id -> Optima attribute (DefAtrybuty) code."""
    image_attributes: tuple[str, ...] = ()
    """Optima binary attribute codes holding the product's images, in offer order."""
    state_dir: Path = Path()
    """The agent's own files for this company (change hashes, lease, catalogue copy), under home."""


@dataclass(frozen=True, slots=True)
class CompanyConfig:
    """`[[company]]`: one company ("firma") with its ERP database and sync settings."""

    name: str
    database: Path
    """Absolute path of the company's ERP SQLite file (erp = "embedded")."""
    erp: ErpKind = "embedded"
    optima: OptimaConfig | None = None
    """Set exactly when erp = "optima"."""
    price_type: str = "detaliczna"
    warehouses: tuple[str, ...] = ()
    """Warehouse codes whose stock is offered; empty means all."""
    stock_buffer: int = 0
    ro_series: str = "RO"
    shipping_product: str = "USŁUGA-WYSYŁKA"
    create_contractors: bool = True
    match_contractors: bool = True
    order_check_days: int = 14
    """Days back that cancellations are checked and orders reconciled with the ERP's ROs."""
    payment_forms: Mapping[str, str] = field(default_factory=lambda: DEFAULT_PAYMENT_FORMS)
    offer_defaults: OfferDefaults = OfferDefaults()
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)


@dataclass(frozen=True, slots=True)
class Config:
    """The whole configuration of one installation."""

    path: Path
    agent: AgentConfig
    marketplace: MarketplaceConfig
    companies: tuple[CompanyConfig, ...]

    def company(self, name: str) -> CompanyConfig:
        """The company called `name` (case-insensitive); ConfigError listing the known names otherwise."""
        for company in self.companies:
            if company.name.casefold() == name.casefold():
                return company
        known = ", ".join(c.name for c in self.companies)
        what = Phrase("config.no_company", {"name": name, "known": known or Phrase("config.none_configured")})
        raise one_problem(ConfigProblem(str(self.path), None, what))


def load_config(path: Path) -> Config:
    """Read and validate the file at `path`; ConfigError lists every problem found."""
    path = path.expanduser().resolve()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise one_problem(
            ConfigProblem(str(path), None, Phrase("config.no_file")),
            hint="copy config.example.toml there, or pass --config PATH",
            hint_phrase=Phrase("config.no_file_hint"),
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise one_problem(ConfigProblem(str(path), None, Phrase("config.unreadable", {"error": exc}))) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise one_problem(not_toml(path, exc)) from None
    problems = Problems(path, SourceIndex(text.splitlines()))
    config = _build(path, data, problems)
    if problems.items:
        found = problems.sorted_items()
        raise ConfigError(found[0], problems=tuple(found), findings=tuple(problems.sorted_findings()))
    return config


def _build(path: Path, data: Mapping[str, Any], problems: Problems) -> Config:
    top = TableReader(data, "", problems)
    agent = _agent(path, top.table("agent"), problems)
    marketplace = _marketplace(top.table("marketplace"), problems)
    raw_companies = data.get("company", [])
    top.unknown_keys(known=("company",))
    companies: list[CompanyConfig] = []
    if not isinstance(raw_companies, list) or not all(isinstance(c, dict) for c in raw_companies):
        what = Phrase(
            "config.found_allowed",
            {"found": Phrase("config.found.plain"), "allowed": Phrase("config.allowed.company_tables")},
        )
        problems.add("", "company", what)
        raw_companies = []
    for index, raw in enumerate(raw_companies):
        company = _company(path, raw, index, problems, agent.home)
        if company is None:
            continue
        if any(c.name.casefold() == company.name.casefold() for c in companies):
            problems.add("company", "name", Phrase("config.duplicate_name", {"name": company.name}), index)
        companies.append(company)
    return Config(path=path, agent=agent, marketplace=marketplace, companies=tuple(companies))


def _relative(base: Path, value: str) -> Path:
    candidate = Path(value).expanduser()
    return candidate if candidate.is_absolute() else (base.parent / candidate).resolve()


def _agent(path: Path, data: Mapping[str, Any], problems: Problems) -> AgentConfig:
    r = TableReader(data, "agent", problems)
    home_text = r.string("home", None)
    log_text = r.string("log_dir", None)
    # The environment beats the file for home, so a demo or a test can redirect one installation.
    env_home = paths.default_home() if os.environ.get(paths.ENV_HOME) else None
    home = env_home or (_relative(path, home_text) if home_text else paths.default_home())
    log_dir = _relative(path, log_text) if log_text else paths.default_log_dir()
    timezone = r.string("timezone", DEFAULT_TIMEZONE)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        r.problem("timezone", found_allowed(timezone, Phrase("config.allowed.timezone")))
        timezone = DEFAULT_TIMEZONE
    config = AgentConfig(
        home=home,
        log_dir=log_dir,
        timezone=timezone,
        language=cast(Language, r.string("language", "pl", choices=("pl", "en"))),
        max_parallel_runs=r.integer("max_parallel_runs", 8, low=1, high=64),
        token_store=cast(TokenStore, r.string("token_store", "auto", choices=("auto", "keyring", "file"))),
        log_retention_days=r.integer("log_retention_days", 30, low=1, high=3650),
        log_json=r.boolean("log_json", False),
        max_end_percent=r.integer("max_end_percent", 20, low=0, high=100),
    )
    r.unknown_keys()
    return config


def _marketplace(data: Mapping[str, Any], problems: Problems) -> MarketplaceConfig:
    r = TableReader(data, "marketplace", problems)
    base_url = r.string("base_url", DEFAULT_BASE_URL)
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        r.problem("base_url", found_allowed(mask_url(base_url), Phrase("config.allowed.url")))
        base_url = DEFAULT_BASE_URL
    config = MarketplaceConfig(
        base_url=base_url.rstrip("/"),
        requests_per_minute=r.integer("requests_per_minute", 600, low=1, high=100_000),
    )
    r.unknown_keys()
    return config


def _company(path: Path, data: Mapping[str, Any], index: int, problems: Problems, home: Path) -> CompanyConfig | None:
    r = TableReader(data, "company", problems, occurrence=index)
    name = r.string("name", "")
    if not name.strip():
        r.problem("name", Phrase("config.missing_name"))
    erp = cast(ErpKind, r.string("erp", "embedded", choices=("embedded", "optima")))
    database = r.string("database", "")
    if not database and erp == "embedded":
        r.problem("database", Phrase("config.missing_database"))
    optima_raw = r.table("optima")
    state_dir = home / "optima" / paths.company_file_name(name)
    optima = _optima(path, optima_raw, index, problems, state_dir) if erp == "optima" else None
    if optima is None and optima_raw:
        r.problem("optima", Phrase("config.optima_while_embedded"))
    defaults = CompanyConfig(name="", database=Path())
    forms_raw = r.table("payment_forms")
    forms = dict(DEFAULT_PAYMENT_FORMS)
    current = {k: v for k, v in forms_raw.items() if k not in _OLD_PAYMENT_KEYS}
    fr = TableReader(current, "company.payment_forms", problems, occurrence=index)
    for key in DEFAULT_PAYMENT_FORMS:
        forms[key] = fr.string(key, forms[key])
    for old, new in _OLD_PAYMENT_KEYS.items():
        if old in forms_raw:
            keys = Phrase("config.and_list", {"first": ", ".join(new[:-1]), "last": new[-1]})
            fr.problem(old, Phrase("config.old_payment_type", {"old": old, "new": keys}))
    fr.unknown_keys()
    company = CompanyConfig(
        name=name.strip(),
        database=_relative(path, database) if database else Path(),
        erp=erp,
        optima=optima,
        price_type=r.string("price_type", defaults.price_type),
        warehouses=r.strings("warehouses", ()),
        stock_buffer=r.integer("stock_buffer", 0, low=0, high=1_000_000),
        ro_series=r.string("ro_series", defaults.ro_series),
        shipping_product=r.string("shipping_product", defaults.shipping_product),
        create_contractors=r.boolean("create_contractors", True),
        match_contractors=r.boolean("match_contractors", True),
        order_check_days=r.integer("order_check_days", 14, low=1, high=90),
        payment_forms=MappingProxyType(forms),
        offer_defaults=_offer_defaults(r.table("offer_defaults"), index, problems),
        schedule=_schedule(r.table("schedule"), index, problems),
    )
    r.unknown_keys()
    return company if name.strip() and (database or erp == "optima") else None


def _optima(path: Path, data: Mapping[str, Any], index: int, problems: Problems, state_dir: Path) -> OptimaConfig:
    r = TableReader(data, "company.optima", problems, occurrence=index)
    server = r.string("server", "")
    database = r.string("database", "")
    user = r.string("user", "")
    password = r.string("password", "")
    keyring = r.boolean("password_keyring", False)
    port_value = r.integer("port", 0, low=0, high=65535)
    folder = r.string("import_folder", "")
    for key, value in (("server", server), ("database", database), ("user", user)):
        if not value:
            r.problem(key, Phrase(f"config.optima_missing.{key}"))
    if password and keyring:
        r.problem("password", Phrase("config.password_twice"))
    elif not password and not keyring:
        r.problem("password", Phrase("config.password_missing"))
    mapping_raw = r.table("parameters")
    mr = TableReader(mapping_raw, "company.optima.parameters", problems, occurrence=index)
    parameters = {key: str(mr.string(key, "")) for key in mapping_raw}
    config = OptimaConfig(
        server=server,
        port=port_value or None,
        database=database,
        user=user,
        password=password,
        password_keyring=keyring,
        import_folder=_relative(path, folder) if folder else None,
        parameters=MappingProxyType(parameters),
        image_attributes=r.strings("image_attributes", ()),
        state_dir=state_dir,
    )
    r.unknown_keys()
    return config


def _offer_defaults(data: Mapping[str, Any], index: int, problems: Problems) -> OfferDefaults:
    r = TableReader(data, "company.offer_defaults", problems, occurrence=index)
    result = OfferDefaults(
        shipping_tariff=r.string("shipping_tariff", None),
        return_policy=r.string("return_policy", None),
        complaint_policy=r.string("complaint_policy", None),
        guarantee=r.string("guarantee", None),
        lead_time=cast(LeadTime | None, r.string("lead_time", None, choices=LEAD_TIMES)),
    )
    r.unknown_keys()
    return result


def _schedule(data: Mapping[str, Any], index: int, problems: Problems) -> ScheduleConfig:
    r = TableReader(data, "company.schedule", problems, occurrence=index)
    cron = r.string("cron", None)
    window_keys = [k for k in ("from_hour", "to_hour", "every_minutes") if r.has(k)]
    if cron is not None:
        from croniter import croniter

        if not croniter.is_valid(cron):
            r.problem("cron", found_allowed(cron, Phrase("config.allowed.cron")))
            cron = None
        elif window_keys:
            r.problem("cron", Phrase("config.cron_and_window", {"keys": ", ".join(window_keys)}))
    schedule = ScheduleConfig(
        enabled=r.boolean("enabled", False),
        from_hour=r.integer("from_hour", 6, low=0, high=23),
        to_hour=r.integer("to_hour", 22, low=0, high=24),
        every_minutes=r.integer("every_minutes", 30, low=1, high=1440),
        jobs=cast(tuple[JobName, ...], r.strings("jobs", DEFAULT_JOBS, choices=JOB_ORDER)),
        operator=r.string("operator", "ADMIN"),
        cron=cron,
    )
    if cron is None and schedule.from_hour == schedule.to_hour:
        r.problem("to_hour", Phrase("config.empty_window", {"hour": schedule.from_hour}))
    if not schedule.jobs:
        r.problem("jobs", Phrase("config.no_jobs", {"jobs": ", ".join(JOB_ORDER)}))
    r.unknown_keys()
    return schedule
