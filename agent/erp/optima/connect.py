"""Opening a company's Optima database from its config: the SQL Server URL and the password.

The driver is pymssql (its wheels carry FreeTDS). A named instance ("SKLEP-PC\\OPTIMA", how SQL
Server Express usually installs with Optima) goes to the driver as the host: FreeTDS asks the SQL
Server Browser service for the instance's port. The password comes from the config or, with
`password_keyring = true`, from the system keyring (`marketsync optima set-password COMPANY`).
Neither the password nor the URL is ever logged.
"""

from __future__ import annotations

from sqlalchemy import URL, Engine, create_engine

from agent.config import CompanyConfig, OptimaConfig
from agent.domain import DEFAULT_TIMEZONE
from agent.erp.optima.adapter import OptimaErp
from agent.erp.optima.content import AttributeMapping
from agent.errors import ConfigError, Phrase, StorageError

KEYRING_SERVICE = "marketsync"
LOGIN_TIMEOUT_SECONDS = 15
QUERY_TIMEOUT_SECONDS = 300


def keyring_user(config: OptimaConfig) -> str:
    """The keyring entry of this company's SQL password (one per company and installation)."""
    return f"optima@{config.state_dir}"


def password(config: OptimaConfig) -> str:
    if not config.password_keyring:
        return config.password
    import keyring
    from keyring.errors import KeyringError

    try:
        found = keyring.get_password(KEYRING_SERVICE, keyring_user(config))
    except KeyringError as exc:
        kind = exc.__class__.__name__
        raise StorageError(
            f"the OS keyring cannot be read ({kind})", phrase=Phrase("err.keyring_unreadable", {"kind": kind})
        ) from None
    if found is None:
        raise ConfigError(
            "the Optima SQL password is not in the keyring yet",
            hint="run `marketsync optima set-password COMPANY`",
            phrase=Phrase("err.optima_no_password"),
            hint_phrase=Phrase("errhint.optima_set_password"),
        )
    return found


def engine_for(config: OptimaConfig) -> Engine:
    """A synchronous engine to the company database; connects only when first used."""
    url = URL.create(
        "mssql+pymssql",
        username=config.user,
        password=password(config),
        host=config.server,
        port=config.port,
        database=config.database,
    )
    return create_engine(
        url,
        pool_pre_ping=True,
        connect_args={
            "login_timeout": LOGIN_TIMEOUT_SECONDS,
            "timeout": QUERY_TIMEOUT_SECONDS,
            "appname": "marketsync",
        },
        hide_parameters=True,
    )


async def open_optima(company: CompanyConfig, *, timezone: str = DEFAULT_TIMEZONE) -> OptimaErp:
    """The Optima adapter for a company with erp = "optima"."""
    config = company.optima
    if config is None:  # pragma: no cover - load_config sets it exactly when erp = "optima"
        raise ConfigError(
            f'{company.name}: erp = "optima" needs a [company.optima] table',
            phrase=Phrase("err.optima_no_table", {"company": company.name}),
        )
    mapping = AttributeMapping(parameters=config.parameters, image_attributes=config.image_attributes)
    return await OptimaErp.open(
        engine_for(config),
        state_dir=config.state_dir,
        mapping=mapping,
        timezone=timezone,
        import_folder=config.import_folder,
    )
