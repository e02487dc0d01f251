"""The effective configuration as a person reads it (`marketsync config check`), secrets masked."""

from __future__ import annotations

from agent.config import Config, OptimaConfig
from agent.errors import mask_url
from agent.texts import text


def _describe_optima(o: OptimaConfig | None) -> list[str]:
    if o is None:
        return []
    return [
        "[company.optima]",
        f'server = "{o.server}"',
        *([f"port = {o.port}"] if o.port else []),
        f'database = "{o.database}"',
        f'user = "{o.user}"',
        'password = "***"' if o.password else "password_keyring = true",
        *([f'import_folder = "{o.import_folder}"'] if o.import_folder else []),
        f"image_attributes = {list(o.image_attributes)}",
        "[company.optima.parameters]",
        *(f'{k} = "{v}"' for k, v in o.parameters.items()),
    ]


def describe(config: Config) -> str:
    """The effective configuration as TOML-like text, secrets masked (for `config check`)."""
    a, m = config.agent, config.marketplace
    lines = [
        "# " + text(a.language, "config.effective", path=config.path),
        "[agent]",
        f'home = "{a.home}"',
        f'log_dir = "{a.log_dir}"',
        f'timezone = "{a.timezone}"',
        f'language = "{a.language}"',
        f"max_parallel_runs = {a.max_parallel_runs}",
        f'token_store = "{a.token_store}"',
        f"log_retention_days = {a.log_retention_days}",
        f"log_json = {str(a.log_json).lower()}",
        f"max_end_percent = {a.max_end_percent}",
        "",
        "[marketplace]",
        f'base_url = "{mask_url(m.base_url)}"',
        f"requests_per_minute = {m.requests_per_minute}",
    ]
    for c in config.companies:
        s, d = c.schedule, c.offer_defaults
        lines += [
            "",
            "[[company]]",
            f'name = "{c.name}"',
            f'erp = "{c.erp}"',
            *([f'database = "{c.database}"'] if c.erp == "embedded" else []),
            f'price_type = "{c.price_type}"',
            f"warehouses = {list(c.warehouses)}",
            f"stock_buffer = {c.stock_buffer}",
            f'ro_series = "{c.ro_series}"',
            f'shipping_product = "{c.shipping_product}"',
            f"create_contractors = {str(c.create_contractors).lower()}",
            f"match_contractors = {str(c.match_contractors).lower()}",
            f"order_check_days = {c.order_check_days}",
            "[company.payment_forms]",
            *(f'{k} = "{v}"' for k, v in c.payment_forms.items()),
            "[company.offer_defaults]",
            *(
                f'{k} = "{v}"'
                for k, v in (
                    ("shipping_tariff", d.shipping_tariff),
                    ("return_policy", d.return_policy),
                    ("complaint_policy", d.complaint_policy),
                    ("guarantee", d.guarantee),
                    ("lead_time", d.lead_time),
                )
                if v is not None
            ),
            "[company.schedule]",
            f"enabled = {str(s.enabled).lower()}",
            *(
                [f'cron = "{s.cron}"']
                if s.cron
                else [
                    f"from_hour = {s.from_hour}",
                    f"to_hour = {s.to_hour}",
                    f"every_minutes = {s.every_minutes}",
                ]
            ),
            f"jobs = {list(s.jobs)}",
            f'operator = "{s.operator}"',
            *_describe_optima(c.optima),
        ]
    return "\n".join(lines)
