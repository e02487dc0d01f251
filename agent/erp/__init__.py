"""The ERP side: the port the sync jobs use (`port`), and its embedded SQLite implementation.

`SqliteErp.open(path)` opens one company database (see `schema` for the tables and change
tracking); `seed` and `touch` fill and stir it with realistic Polish sample data.
"""
