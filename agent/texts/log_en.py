"""English texts of the log lines a person reads and of the agent's errors worded from their facts.

Each log line's English text is also the machine log's message (`agent.logs.say`); the `err.*`
sentences are the errors' messages (`MarketsyncError.phrase`), the `errhint.*` ones their hints.
"""

from __future__ import annotations

TEXTS: dict[str, str] = {
    # counted words: one / other
    "n.run.one": "run",
    "n.run.other": "runs",
    "n.schedule.one": "schedule",
    "n.schedule.other": "schedules",
    "n.company.one": "company",
    "n.company.other": "companies",
    "n.fire.one": "missed fire",
    "n.fire.other": "missed fires",
    "n.product.one": "product",
    "n.product.other": "products",
    "n.offer.one": "offer",
    "n.offer.other": "offers",
    "n.order.one": "order",
    "n.order.other": "orders",
    "n.ro.one": "RO",
    "n.ro.other": "ROs",
    "n.category.one": "category",
    "n.category.other": "categories",
    # words a log line names
    "log.level.WARNING": "WARNING",
    "log.level.ERROR": "ERROR",
    "log.no_jobs": "no jobs",
    "log.run.internal": "internal error {kind}: {detail}",
    "log.role.service": "service",
    "log.role.tui": "TUI",
    "log.trigger.automatic": "automatic",
    "log.trigger.manual": "manual",
    "log.result.success": "success",
    "log.result.partial": "partial",
    "log.result.failed": "failed",
    "log.result.interrupted": "interrupted",
    "log.lease_state.free": "free",
    "log.lease_state.running": "running",
    "log.lease_state.interrupted": "interrupted",
    "log.seat.nobody": "by nobody",
    "log.seat.held": "on host {host} (pid {pid}, {role}) since {since}",
    # the runtime
    "log.history.prune_failed": "pruning the run history failed: {error}",
    "log.history.pruned": "run history: {runs} finished over {days} days ago removed",
    "log.service.config_refused": "the changed config file was refused; the old one stays in use: {problems}",
    "log.service.config_reloaded": "config reloaded: {schedules} changed",
    "log.service.watching": "watching: the scheduler is held {where}",
    "log.service.signal": "{signal}: stopping; running jobs stop at their next checkpoint",
    "log.service.stopped": "stopped",
    "log.service.watch_failed": "watching other runs failed: {error}",
    "log.seat.scheduling": "scheduling {companies} ({role}, {host} pid {pid})",
    "log.seat.heartbeat_failed": "scheduler heartbeat failed: {error}",
    "log.seat.taken": "the scheduler was taken {where}; this process only watches now",
    "log.seat.free": "the scheduler was free; this process schedules now",
    "log.queue.cancelled": "queued manual run cancelled",
    "log.queue.dropped": "dropped {runs} queued by hand: the agent is stopping",
    "log.queue.late": "{runs} did not reach a checkpoint in {grace:.0f} s; cancelled",
    "log.queue.not_started": "{trigger} run not started: {error}",
    "log.queue.could_not_start": "{trigger} run could not start: {error}",
    "log.queue.bug": "{trigger} run failed on a bug",
    "log.detail_error": "{error}",
    "log.fires.still_running_detail": "the previous run is still going",
    "log.fires.still_running": "scheduled run skipped: the previous run is still going",
    "log.fires.connection_error": "scheduled run not attempted: connection error ({detail})",
    "log.fires.coalesced": "{fires} coalesced into this run",
    "log.relink.moved": (
        "moved from account {old} to {new}: {offers} stay live on {old}, no longer updated; "
        "the next run creates the offers on the new account"
    ),
    "log.scheduler.fire_failed": "handling a scheduled fire failed",
    "log.scheduler.cannot_compute": "schedule cannot be computed: {error}",
    "log.detail": ": {detail}",
    "conn.detail.relink": "link the account again (marketsync connect)",
    "conn.detail.not_linked": "not linked: run marketsync connect",
    "log.connections.status": "connection: {status}{detail}",
    # the marketplace
    "log.accounts.linked": "linked to the marketplace account {account}; refresh token valid until {until}",
    "log.client.lost_found": "offer of product {product}: the answer was lost, offer {offer} was created",
    "log.client.lost_again": "offer of product {product}: the answer was lost and no such offer; creating again",
    "log.connection.unreadable": "connection state of {who} cannot be read; treating it as not linked",
    "log.connection.error": "connection error: {reason}; link the account again",
    "log.calls.retry": "{error}; attempt {attempt} in {pause:.2f} s",
    "log.calls.rate_limited": "{method} {path}: rate limited by the marketplace; pausing {wait:.1f} s",
    "kind.category": "category",
    "kind.failure": "failure",
    "kind.file": "file",
    "kind.offer": "offer",
    "kind.order_status": "order status",
    "kind.parameter": "parameter",
    "kind.payment_method": "payment method",
    "kind.policy": "policy",
    "kind.session": "session",
    "kind.shipping_method": "shipping method",
    "kind.shipping_tariff": "shipping tariff",
    "kind.tracking_number": "tracking number",
    "kind.order": "order",
    "log.sales.unreadable": "{kind} {item} left aside, unreadable ({reason})",
    "log.shared_limit.fallback": "shared rate limit {path}: {error}; this process counts its own requests only",
    # the databases
    "log.sqlite.migrated": "{file} {name}: migrated to schema version {version}",
    "log.state.open": "state database {path} open (schema {version})",
    "log.state.rollback_failed": "rollback on the state database {path} failed: {error}",
    # a run and its jobs
    "log.run.started": "run {id} started ({trigger}, {operator}): {jobs}",
    "log.run.started_over": "run {id} started ({trigger}, {operator}): {jobs}; took over from {before}",
    "log.run.finished": "run {id} finished: {result}",
    "log.run.finished_errors": "run {id} finished: {result} ({errors})",
    "log.run.job_error": "{job}: {error}",
    "log.run.job_stopped": "job {job} stopped: {error}",
    "log.run.job_stopped_run": "job {job} stopped the run: {error}",
    "log.run.job_failed": "job {job} failed: {error}",
    "log.run.job_bug": "job {job} failed on a bug",
    "log.lease.taken": "lease taken (token {token}, before: {before})",
    "log.lease.not_stopped": "the run taken over has not stopped yet; going on, it can no longer write",
    "log.lease.taken_over": "this run was taken over by another one; it stops at its next write",
    "log.lease.heartbeat_failed": "lease heartbeat failed: {error}",
    "log.catalogue.done": "catalogue: {categories}; {added} added, {changed} changed, {removed} removed",
    "log.offers.catalogue_first": "offers: the ERP has no copy of the categories; fetching the catalogue first",
    "log.offers.summary": (
        "offers: {created} created, {replaced} replaced, {ended} ended, {unchanged} unchanged, "
        "{uploaded} images uploaded, {failed} failed"
    ),
    "log.offers.retry_next": "offers: {products} failed; they are read again first thing next run",
    "log.offers.ends_refused": (
        "offers: this run would end {ending} of {active} active offers ({share} %), more than the {limit} % "
        "allowed; refused, nothing was sent"
    ),
    "log.offers.ends_agreed": (
        "offers: {operator} agreed to end {ending} of {active} active offers ({share} %), more than the "
        "{limit} % allowed"
    ),
    "log.offers.gone": "offers: offer {offer} is gone; link marked ended",
    "log.orders.imported": "orders: {imported} imported of {total} new",
    "log.orders.cancelled": "orders: {ros} cancelled after their orders",
    "log.stock_prices.done": "{job}: {read} changed read, {offers} in {calls} calls, {failed} failed",
    # the ERP (Optima)
    "log.optima.vat": "Optima product {product} has VAT rate {rate}, unknown to the marketplace; sent as 23%",
    "log.optima.version": (
        "Optima database version {version} is not one this agent was checked against ({known}): "
        "reading may fail if Comarch changed the tables; report it with the log"
    ),
    "log.optima.cancelled_taken": (
        "order {order} was cancelled before Optima showed its RO, but its file {file} was already taken: "
        "delete the document from Optima's import buffer"
    ),
    # the TUI
    "log.tui.stop_slow": "the runtime did not stop within {seconds:.0f} s; leaving anyway",
    "log.tui.stop_failed": "stopping the runtime: {error}",
    # errors, worded from their facts
    "err.marketplace_said": "wszystko.pl answered: \u201c{message}\u201d",
    "err.call": "{method} {path}",
    "err.no_answer": "{call}: the marketplace did not answer ({kind})",
    "err.answer_lost": "{call}: the answer was lost ({kind}); the request may have been applied",
    "err.answered_status": "{call}: the marketplace answered {status}",
    "err.answer_lost_status": "{call}: the marketplace answered {status}; the request may have been applied",
    "err.no_time_left": "{call}: no time left for the call",
    "err.rate_limited": "{call}: over the marketplace's rate limit",
    "err.rate_no_time": "{call}: the rate limit leaves no time for the call",
    "err.breaker_open": "{host} is not answering: calls are paused for {seconds:.0f} s",
    "errhint.breaker_open": "the marketplace failed several times in a row; it will be tried again shortly",
    "err.forbidden": "{call}: the account may not do this (403)",
    "err.forbidden_said": "{call}: the account may not do this (403); {said}",
    "err.refused": "{call}: the marketplace refused it ({status})",
    "err.refused_said": "{call}: the marketplace refused it ({status}); {said}",
    "err.not_found": "{call}: not found on the marketplace",
    "err.lease_interrupted": "the last run of this company was interrupted: {lease}",
    "err.lease_held": "another run holds this company: {lease}",
    "err.lease_first": "another run took this company first: {lease}",
    "err.lease_lost": "another run took over this company; this run stopped",
    "err.lease_not_held": "the lease is not held",
    "err.too_many_ends": (
        "this run would end {ending} of {active} active offers ({share} %), more than the {limit} % allowed "
        "([agent] max_end_percent); nothing was sent"
    ),
    # an item that cannot go through, worded from its facts
    "err.item.order_no_items": "order {order} has no items",
    "err.item.order_no_email": "order {order} has no buyer e-mail",
    "err.item.order_unknown_offer": (
        "order {order}: item {line} (offer {offer}, {title!r}) is not an offer this agent created"
    ),
    "errhint.item.order_unknown_offer": "link the offer to an ERP product, or enter the order by hand",
    "err.item.order_quantity": "order {order}: item {line} has quantity {quantity}",
    "err.item.order_negative_price": "order {order}: item {line} has a negative price",
    "err.item.warehouses_missing": "warehouses {warehouses}: not all exist",
    "err.item.line_quantity": "line {line}: quantity {quantity} is below 1",
    "err.item.line_no_product": "line {line}: no product with id {product}",
    "err.item.no_shipping_product": "no shipping service product with code \"{code}\"",
    "err.item.no_image": "no image with sha256 {sha256} in the company database",
    "err.item.no_image_optima": "no image with sha256 {sha256} in Optima",
    "err.item.no_product": "no product with id {product}",
    "err.item.optima_quantity": "quantity {quantity} of product {product} is below 1",
    "err.item.optima_no_product": "product {product} does not exist in Optima",
    "err.item.optima_no_shipping": "the shipping product \"{code}\" does not exist in Optima",
    "err.item.image_unreadable": "not a readable image ({reason})",
    "err.item.image_format": "image format {format} is not JPEG, PNG or WebP",
    "err.item.image_format_unknown": "image format unknown is not JPEG, PNG or WebP",
    "err.item.image_small": "image is {width} x {height} px; at least {side} x {side} needed",
    "err.item.offer_vanished": "create offer {product}: the marketplace says it exists but cannot find it",
    "err.item.end_unknown_offer": "end offer {offer}: no such offer on the marketplace",
    "err.item.offer_unreadable": "offer look-up {product}: the offer cannot be read ({reason})",
    "err.item.no_stored_file": "image upload {name}: no stored file in the answer",
    "err.reason.relink": "the account must be linked again",
    "err.reason.removed": "the tokens were removed (disconnected)",
    "err.reason.refused": "the marketplace refused the refresh token (invalid_grant)",
    "err.reason.fresh_refused": "the marketplace refuses a freshly refreshed token",
    "log.tokens.adopted": "adopted tokens refreshed by another process",
    "log.tokens.refreshed": "access token refreshed; valid until {until}",
    "log.tokens.no_keyring": "no OS keyring available: tokens go to 0600 files",
    "err.token_no_time": "token refresh: no answer within the call's deadline",
    "err.token_refused": "token refresh refused: {reason}",
    "err.token_rate_limited": "token refresh: over the marketplace's rate limit",
    "err.token_status": "token refresh: the marketplace answered {status}",
    "err.token_no_answer": "token refresh: no answer ({kind})",
    "err.token_unreadable": "token refresh: unreadable answer ({kind})",
    "err.token_busy": "another process has been refreshing this account's tokens for too long",
    "err.relink": "{company}: {reason}",
    "err.not_linked": "{company}: no marketplace account is linked",
    "err.token_refused_fresh": "the marketplace refuses a freshly refreshed token",
    "err.service_runs": "the service already runs {where}",
    "errhint.service_runs": "stop that one first; one service per installation schedules the runs",
    "err.account_unusable": "{company}: the account cannot be used ({detail})",
    "err.not_moved": "{company}: not moved from account {old} to {new}; nothing changed",
    "err.link_unreachable": "linking: the marketplace cannot be reached ({kind})",
    "err.link_status": "linking: the connection check answered {status}",
    "err.db_folder": "Cannot create the folder of the state database {path}: {detail}",
    "err.file_unwritable": "{path}: cannot be written ({detail})",
    "err.file_unremovable": "{path}: cannot be removed ({detail})",
    "err.file_unreadable": "{path}: cannot be read: {detail}",
    "err.log_folder": "{path}: the log folder cannot be read: {detail}",
    "err.link_denied": "access was refused: the user refused the link on the marketplace page",
    "errhint.link_denied": "run `marketsync connect {company}` again and allow access",
    "err.link_expired": "the code expired before the link was approved",
    "errhint.link_expired": "run `marketsync connect {company}` again and approve within the time shown",
    "err.link_refused": "the marketplace refused the link ({detail})",
    "errhint.link_refused": "run `marketsync connect {company}` again",
    "err.link_register_status": "linking: the marketplace answered {status} to the registration",
    "err.link_stopped": "linking: the marketplace stopped answering ({kind})",
    "err.link_faults": "linking: the marketplace answered {status} {faults} times in a row",
    "log.link.slow_down": "linking: the marketplace asks to poll slower; every {seconds:.0f} s now",
    "file.state": "the state database",
    "file.company": "the company database",
    "file.simulator": "the simulator's saved state",
    "err.db_permission": "{path}: {file} cannot be opened or written ({detail})",
    "errhint.db_permission": (
        "check the file's and its folder's owner and permissions (the agent's user must read and write both)"
    ),
    "err.db_damaged": "{path}: {file} is damaged ({detail}); it was left untouched",
    "errhint.db_damaged.state": (
        "restore it from a backup, or move it aside and start again (run history and last-sent data are then "
        "lost; offers are found again by their externalId)"
    ),
    "errhint.db_damaged.company": (
        "restore it from a backup; do not sync this company until then (a run could end its offers)"
    ),
    "errhint.db_damaged.simulator": (
        "move it aside to start the simulator afresh (its accounts, offers and orders are then new)"
    ),
    "hint.DatabaseBusy": "check that no stuck marketsync process holds it; the next run tries again",
    "err.db_not_sqlite": "not an SQLite database",
    "err.db_unreadable": "{path}: {file} cannot be read: {detail}",
    "err.db_full": (
        "{path}: {file} could not be written: the disk is full (SQLite: {detail}); nothing of that change was saved"
    ),
    "errhint.db_full": "free disk space on that drive, then run again",
    "err.db_busy": "{path}: {file} stayed locked by another process (SQLite: {detail})",
    "err.db_constraint": "{path}: a write to {file} broke a constraint: {detail}",
    "err.db_failed": "{path}: {file} failed: {detail}",
    "err.db_newer": (
        "{path}: {file} was written by a newer marketsync (schema version {version}; this one knows up to {known}); "
        "it was left untouched"
    ),
    "errhint.db_newer": "upgrade marketsync, or use a copy made by this version",
    "err.db_no_wal": "{path}: {file} cannot use WAL journaling (got {mode})",
    "errhint.db_no_wal": "keep the agent's home on a local disk, not a network share",
}
