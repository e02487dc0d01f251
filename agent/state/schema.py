"""The state database's schema, as an ordered list of migrations.

`MIGRATIONS[i]` takes the file from `PRAGMA user_version` i to i + 1. A migration is a tuple of
single statements (not a script) because `executescript` would commit the migration's own
transaction half way. Never edit a released migration: append a new one.
"""

from __future__ import annotations

_V1: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        company TEXT NOT NULL,
        trigger TEXT NOT NULL CHECK (trigger IN ('automatic', 'manual')),
        operator TEXT NOT NULL,
        jobs TEXT NOT NULL,
        force_full INTEGER NOT NULL,
        send_all_binary INTEGER NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        result TEXT NOT NULL
            CHECK (result IN ('running', 'success', 'partial', 'failed', 'interrupted')),
        totals TEXT NOT NULL DEFAULT '{}',
        error_summary TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX runs_by_company ON runs (company, id)",
    "CREATE INDEX runs_running ON runs (result) WHERE result = 'running'",
    """
    CREATE TABLE outcomes (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        job TEXT NOT NULL,
        item TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'skipped', 'failed')),
        error_class TEXT NOT NULL DEFAULT '',
        message TEXT NOT NULL DEFAULT '',
        hint TEXT NOT NULL DEFAULT '',
        payload TEXT
    )
    """,
    "CREATE INDEX outcomes_by_run ON outcomes (run_id, outcome)",
    """
    CREATE TABLE progress (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        job TEXT NOT NULL,
        done INTEGER NOT NULL,
        total INTEGER NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (run_id, job)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE checkpoints (
        company TEXT NOT NULL,
        job TEXT NOT NULL,
        value TEXT NOT NULL,
        run_id INTEGER NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (company, job)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE high_water (
        company TEXT NOT NULL,
        job TEXT NOT NULL,
        version INTEGER NOT NULL,
        run_id INTEGER NOT NULL,
        updated TEXT NOT NULL,
        PRIMARY KEY (company, job)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE offer_links (
        company TEXT NOT NULL,
        product_id INTEGER NOT NULL,
        external_id TEXT NOT NULL,
        offer_id INTEGER,
        content_hash TEXT,
        images TEXT NOT NULL DEFAULT '{}',
        price TEXT,
        quantity INTEGER,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'ended')),
        updated TEXT NOT NULL,
        PRIMARY KEY (company, product_id)
    )
    """,
    "CREATE INDEX offer_links_by_offer ON offer_links (company, offer_id)",
    """
    CREATE TABLE order_quarantine (
        company TEXT NOT NULL,
        order_id INTEGER NOT NULL,
        reason TEXT NOT NULL,
        payload TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        PRIMARY KEY (company, order_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE scheduler_lease (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('service', 'tui')),
        started TEXT NOT NULL,
        heartbeat TEXT NOT NULL,
        stale_after_s REAL NOT NULL
    )
    """,
    """
    CREATE TABLE schedule_state (
        company TEXT PRIMARY KEY,
        last_fire TEXT,
        next_fire TEXT,
        missed INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE connections (
        company TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('connected', 'connection_error', 'unknown')),
        reason TEXT NOT NULL DEFAULT '',
        changed TEXT NOT NULL
    ) WITHOUT ROWID
    """,
)

# Linking a company to a different seller account sets the old account's offer links aside (kept,
# never deleted: they say which offers stay live on the old account), so the next run creates the
# offers on the new account.
_V2: tuple[str, ...] = (
    """
    CREATE TABLE offer_links_set_aside (
        company TEXT NOT NULL,
        account TEXT NOT NULL,
        product_id INTEGER NOT NULL,
        external_id TEXT NOT NULL,
        offer_id INTEGER,
        status TEXT NOT NULL,
        set_aside TEXT NOT NULL,
        PRIMARY KEY (company, account, product_id)
    )
    """,
)

# An item outcome's message and hint, and a run's summary, kept as facts too (a text key and its
# values, as JSON), so they are worded in the reader's language; rows recorded before keep only
# their English text.
_V3: tuple[str, ...] = (
    "ALTER TABLE outcomes ADD COLUMN phrase TEXT",
    "ALTER TABLE outcomes ADD COLUMN hint_phrase TEXT",
    "ALTER TABLE runs ADD COLUMN summary_phrase TEXT",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3)
SCHEMA_VERSION = len(MIGRATIONS)
"""The `PRAGMA user_version` this code writes; a file with a higher one is refused."""
