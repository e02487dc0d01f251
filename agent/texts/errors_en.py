"""English sentences of the errors the stores and adapters raise, worded from their facts.

Why part of a marketplace answer cannot be read (`shape.*`, `agent.marketplace.readers.Shape`), and
the errors of the token store, the OS keyring, Optima, the company database and the catalogue copy.
The English is the errors' message as raised (the `.jsonl` log keeps it); `agent.texts.errors_pl`
has the same keys in Polish.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # why part of a marketplace answer cannot be read (a field named as the answer names it)
    "shape.not_object": "{where} is not an object",
    "shape.not_list": "{where} is not a list",
    "shape.field": "{field}",
    "shape.missing_str": "`{field}` is missing or not a string",
    "shape.not_str": "`{field}` is not a string",
    "shape.missing_int": "`{field}` is missing or not an integer",
    "shape.missing_bool": "`{field}` is missing or not a boolean",
    "shape.missing_number": "`{field}` is missing or not a number",
    "shape.unknown_value": "`{field}` has an unknown value {value}",
    "shape.not_time": "`{field}` is not an ISO 8601 time",
    "shape.missing_id": "`{field}` is missing or not an id",
    "shape.no_items": "an order without items",
    "shape.element": "{what} {n}: {reason}",
    "shape.read_error": "{kind}: {detail}",
    "err.answer_not_json": "{call}: the answer is not JSON ({kind})",
    "err.answer_unexpected": "{call}: unexpected answer ({reason})",
    "err.order_malformed": "malformed order ({reason})",
    "err.orders_page_unreadable": "orders page {page}: {reason}",
    # a call of the marketplace as an unreadable answer names it
    "call.orders_page": "orders page {page}",
    "call.order": "order {order}",
    "call.statuses": "statuses of {n} order(s)",
    "call.device_registration": "device registration",
    "call.linking_tokens": "linking tokens",
    "call.connection_check": "connection check",
    # the token store, the OS keyring
    "err.keyring": "the OS keyring",
    "err.tokens_unreadable": "{where}: the stored tokens cannot be read",
    "errhint.link_again": "link the account again",
    "err.file_unreadable_as": "{path}: cannot be read ({detail})",
    "err.keyring_unreadable": "the OS keyring cannot be read ({kind})",
    "err.keyring_unwritable": "the OS keyring cannot be written ({kind})",
    "err.keyring_missing": 'token_store = "keyring" but no OS keyring is available',
    "errhint.keyring_missing": 'install or unlock a keyring, or set token_store = "file"',
    "err.link_no_connection": "connection check: the marketplace lists no connection",
    "err.categories_pages": "categories: {pages} pages is not believable",
    "err.token_unexpected": "token refresh: unexpected answer",
    "err.token_no_refresh": "token refresh: the answer has no refresh token",
    # Optima
    "err.optima_no_password": "the Optima SQL password is not in the keyring yet",
    "errhint.optima_set_password": "run `marketsync optima set-password {company}`",
    "err.optima_no_table": '{company}: erp = "optima" needs a [company.optima] table',
    "err.optima_unreachable": "Optima's database cannot be reached: {kind}",
    "err.optima_refused": "Optima's database refused a query: {kind}",
    "err.optima_no_import_folder": "orders cannot go to Optima: [company.optima] import_folder is not set",
    "errhint.optima_import_folder": "set import_folder to the folder Optima imports XML documents from",
    "err.optima_price_type_missing": 'price type "{name}" does not exist in Optima (price types: {known})',
    "errhint.optima_price_type": "set [company] price_type to one of them",
    "err.optima_warehouse_missing": "warehouse {missing} does not exist in Optima (warehouses: {known})",
    "errhint.optima_warehouses": "set [company] warehouses to Optima's warehouse symbols",
    "err.lease_file_busy": "{name} is busy (another run is taking the lease); try again",
    "err.lease_taken_over": (
        "another run took this company's lease over (token {stored}, this run {fence}); this run stops writing"
    ),
    # the company database and its lease
    "err.none": "none",
    "err.price_type_missing": 'price type "{name}" does not exist in the company database (there: {known})',
    "err.warehouses_missing": "warehouses {warehouses}: not all exist in the company database",
    "err.lease_token_moved": "{path}: the lease token is {current}, not {token}: another run took it",
    "err.lease_token_gone": "{path}: the lease of token {token} is no longer held (token now {current})",
    "err.fence_stale": "{path}: fencing token {fence} is stale (the lease now carries {stored})",
    "errhint.company_no_wal": "keep the company database on a local disk, not a network share",
    "err.seed_version": "{path}: schema version {version}, expected {expected}; open it first",
    "err.seed_not_empty": "{path}: already has {products} products",
    "errhint.seed_not_empty": "seed an empty company database (delete the file, or use --replace)",
    "err.sqlite_said": "{path}: {detail}",
    # the catalogue copy
    "err.catalogue_twice": "catalogue: two {kind} share the id {id}",
    "err.catalogue_parameters_of": "parameters of category {category}",
    # a kind as the copy's message names it: its identifier in English, its words in Polish
    "err.catalogue_kind.categories": "categories",
    "err.catalogue_kind.shipping_methods": "shipping_methods",
    "err.catalogue_kind.shipping_tariffs": "shipping_tariffs",
    "err.catalogue_kind.return_policies": "return_policies",
    "err.catalogue_kind.complaint_policies": "complaint_policies",
    "err.catalogue_kind.guarantees": "guarantees",
    "err.catalogue_kind.payment_methods": "payment_methods",
    # saving a schedule into the configuration file
    "err.config_not_toml": "{path}: not valid TOML: {detail}",
    "err.config_no_company": '{path}: no company "{company}"',
    "err.config_unwritable": "{path}: cannot be written: {detail}",
    # a run stopped by the process
    "err.run_stopped": "the agent is stopping; this run stopped between items",
}
